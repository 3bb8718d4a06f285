import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Who may serve a route: a lock on `<root>/.state/watch.lock`, held while
/// the watcher lives and dropped by the kernel if it dies. Exclusive with a
/// ledger on this machine (one watcher per route); shared with a shared
/// PostgreSQL ledger (many watchers, each file claimed in the ledger) — so
/// the two kinds never serve one route at once.
final class RouteLock {
    private let fd: Int32

    /// Why a route cannot be watched.
    struct Busy: Error, CustomStringConvertible {
        var root: String
        var shared = false
        var description: String {
            shared
                ? "a kccbridge watch with a ledger on its own machine is working on the route of \(root); several watchers may serve a route only when all share one PostgreSQL ledger"
                : "another kccbridge watch is working on the route of \(root); one watcher per route with a ledger on this machine (stop it first, or let cron's --once wait for it; a shared PostgreSQL ledger lets several serve a route)"
        }
    }

    init(path: String, root: String, shared: Bool = false) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Busy(root: root, shared: shared) }
        guard flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0 else {
            close(fd)
            throw Busy(root: root, shared: shared)
        }
        self.fd = fd
    }

    /// Another ledger serves the route.
    struct OtherLedger: Error, CustomStringConvertible {
        var root: String
        var recorded: String
        var given: String
        var description: String {
            "the route of \(root) is served with the ledger \(recorded), not \(given); every watcher of a route must use the same ledger (remove .state/shared-ledger only if the route has moved to another ledger for good)"
        }
    }

    /// The shared ledger recorded for the route, if any.
    static func sharedLedger(state: String) -> String? {
        guard let text = try? String(contentsOfFile: state + "/shared-ledger", encoding: .utf8) else { return nil }
        let line = text.trimmingCharacters(in: .newlines)
        return line.isEmpty ? nil : line
    }

    /// With a shared ledger several watchers serve one route, and each file is
    /// claimed in that ledger. So they must all use the same one: the first
    /// records it in `<root>/.state/shared-ledger`, and a watcher given another is refused.
    static func recordSharedLedger(_ ledger: String, state: String, root: String) throws {
        let path = state + "/shared-ledger"
        let line = ledger + "\n"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd >= 0 {
            _ = line.withCString { write(fd, $0, strlen($0)) }
            fsync(fd)
            close(fd)
            return
        }
        var recorded = ""
        for _ in 0..<50 {
            // The first watcher may still be writing it.
            recorded = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            if recorded.hasSuffix("\n") { break }
            usleep(20_000)
        }
        recorded = recorded.trimmingCharacters(in: .newlines)
        guard recorded == ledger else { throw OtherLedger(root: root, recorded: recorded, given: ledger) }
    }

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
