import SystemErrors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Advisory byte locks on the file beside the ledger (`ledger.sqlite.lock`),
/// which tell a live run from one whose process is gone.
///
/// Byte `n` is held by whoever is writing run `n`, from the moment the run is
/// recorded until it is committed or rolled back; byte 0 is held while a
/// process opens and migrates the ledger. The kernel releases the locks of a
/// process that dies, even by `kill -9`, so a pending run whose byte nobody
/// holds was left by a crash. On Linux these are open-file-description locks,
/// so two ledgers opened in one process exclude each other as two processes
/// would. The file itself never holds data.
final class RunLocks: Sendable {
    let path: String
    private let fd: Int32

    #if os(Linux)
    // F_OFD_SETLK from <fcntl.h>, which Swift's Glibc module does not export.
    private static let setLock: Int32 = 37
    #else
    private static let setLock: Int32 = F_SETLK
    #endif

    init(path: String) throws(LedgerError) {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw LedgerError(.cannotOpen, "the ledger's lock file \(path) cannot be opened (\(Errno.describe(errno)))")
        }
        self.fd = fd
    }

    deinit {
        close(fd)
    }

    /// Takes byte `index` if nobody else holds it; `false` when someone does.
    func tryLock(_ index: Int64) throws(LedgerError) -> Bool {
        if apply(F_WRLCK, at: index) { return true }
        let code = errno
        if code == EAGAIN || code == EACCES { return false }
        throw LedgerError(.cannotOpen, "the ledger's lock file \(path) cannot be locked (\(Errno.describe(code)))")
    }

    /// Takes byte `index`, waiting up to `timeout` seconds for whoever holds it (less once `stop` says so).
    func lock(_ index: Int64, timeout: Double, stop: () -> Bool = { false }) throws(LedgerError) -> Bool {
        try LocalFiles.waitFor(timeout: timeout, stop: stop) { () throws(LedgerError) in try tryLock(index) }
    }

    func unlock(_ index: Int64) {
        _ = apply(F_UNLCK, at: index)
    }

    private func apply(_ type: Int32, at index: Int64) -> Bool {
        var lock = flock()
        lock.l_type = Int16(type)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = off_t(index)
        lock.l_len = 1
        lock.l_pid = 0
        return fcntl(fd, Self.setLock, &lock) == 0
    }
}
