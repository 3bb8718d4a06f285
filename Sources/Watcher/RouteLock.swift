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

    deinit {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
