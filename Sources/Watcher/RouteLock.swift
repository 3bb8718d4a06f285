import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One watcher per route: an exclusive lock on `<root>/.state/watch.lock`,
/// held while the watcher lives and dropped by the kernel if it dies.
final class RouteLock {
    private let fd: Int32

    /// Why a route cannot be watched.
    struct Busy: Error, CustomStringConvertible {
        var root: String
        var description: String {
            "another kccbridge watch is working on the route of \(root); one watcher per route (stop it first, or let cron's --once wait for it)"
        }
    }

    init(path: String, root: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Busy(root: root) }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw Busy(root: root)
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
