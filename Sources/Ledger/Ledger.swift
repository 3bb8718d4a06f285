import GRDB
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ledger: an embedded SQLite database of every export run, every exported
/// document, every refund applied and every person's resolution — the single
/// source of truth for "what have we sent, and what has come back".
///
/// Export runs follow a crash-safe protocol (``beginRun(_:)``, write the
/// outputs, ``completeRun(_:documents:refunds:)`` or ``abandonRun(_:note:)``;
/// ``recoverPendingRuns()`` after a crash), so that no document is recorded
/// without its output file and no output file is left that the ledger does not
/// know. Several kccbridge processes may use one ledger at once: writes take
/// turns, a writer waits up to ``LedgerOptions/busyTimeout`` for another, and
/// then fails with ``LedgerError/Code/busy``. `schemas/ledger.md` describes
/// the tables.
///
/// The ledger owns a GRDB `DatabasePool`, not a `DatabaseQueue`: a pool always
/// runs in WAL mode — which lets another process (or `sqlite3`, or a backup)
/// read while kccbridge writes, and a crash never leave a half-written
/// transaction — and it lets a long-running process (the watcher) stream a
/// listing from one connection while it records a run on another. All write
/// transactions are `BEGIN IMMEDIATE`, so two writers queue instead of
/// deadlocking.
package final class Ledger: Sendable {
    /// The database file, absolute.
    package let path: String
    let pool: DatabasePool
    let locks: RunLocks
    let logger: Logger
    let options: LedgerOptions
    /// Runs this instance is writing or recovering. Its own locks do not
    /// exclude its own threads, so this set does.
    let activeRuns = Mutex<Set<RunID>>([])
    /// The read transaction ``readingTogether(_:)`` holds open, and the thread it belongs to.
    let sharedRead = Mutex<SharedRead?>(nil)

    /// Opens the ledger at `path`, creating its folders and the file on first
    /// use, and brings its tables up to date.
    ///
    /// Waits up to ``LedgerOptions/busyTimeout`` for another kccbridge that is
    /// opening or writing the same ledger. Does not recover pending runs: call
    /// ``recoverPendingRuns()`` and tell the user what it did.
    package init(path: String, options: LedgerOptions = LedgerOptions(), logger: Logger) throws(LedgerError) {
        let path = LocalFiles.absolute(path)
        self.path = path
        self.options = options
        self.logger = logger
        try LocalFiles.makeFolders(LocalFiles.folder(of: path))
        let locks = try RunLocks(path: path + ".lock")
        self.locks = locks
        // Opening (switching a new file to WAL, migrating) is done by one process at a time.
        guard try locks.lock(0, timeout: options.busyTimeoutSeconds) else { throw Self.busy(path, options) }
        defer { locks.unlock(0) }
        var configuration = Configuration()
        configuration.label = "kccbridge.ledger"
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(options.busyTimeoutSeconds)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB sets NORMAL, which may lose the last commits on a power cut. FULL
            // syncs every commit, so a committed run never reverts to pending — and
            // recovery never deletes outputs a person may already have imported.
            try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
            try LedgerSchema.migrate(pool, path: path)
        } catch {
            throw Self.translate(error, path: path, options: options)
        }
        logger.debug("ledger opened", metadata: ["ledger": "\(path)"])
    }

    /// Runs `body` in one write transaction (`BEGIN IMMEDIATE`): all of it, or none.
    func write<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        do {
            return try pool.write(body)
        } catch {
            throw Self.translate(error, path: path, options: options)
        }
    }

    /// Runs `body` in one write transaction whose commit does not wait for the disk
    /// (`synchronous = NORMAL` for it alone): for what a crash may lose, never for a commit
    /// that says something happened.
    func writeUnsynced(_ body: (Database) throws -> Void) throws(LedgerError) {
        do {
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                defer { try? db.execute(sql: "PRAGMA synchronous = FULL") }
                try db.inTransaction(.immediate) {
                    try body(db)
                    return .commit
                }
            }
        } catch {
            throw Self.translate(error, path: path, options: options)
        }
    }

    /// Runs `body` on a consistent snapshot.
    func read<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        do {
            // Inside ``readingTogether(_:)`` on this thread: the one snapshot it holds.
            if let shared = sharedRead.withLock({ $0 }), pthread_equal(shared.thread, pthread_self()) != 0 {
                return try body(shared.database)
            }
            return try pool.read(body)
        } catch {
            throw Self.translate(error, path: path, options: options)
        }
    }

    /// Runs `body` with every read of this ledger made on this thread inside
    /// one read transaction: one snapshot, begun and ended once, instead of a
    /// transaction per question (for a pass that asks thousands of them, such
    /// as deciding refunds). Writes are not allowed inside.
    package func readingTogether<T>(_ body: () throws -> T) throws -> T {
        do {
            return try pool.read { db in
                sharedRead.withLock { $0 = SharedRead(thread: pthread_self(), database: db) }
                defer { sharedRead.withLock { $0 = nil } }
                return try body()
            }
        } catch let error as LedgerError {
            throw error
        } catch let error as DatabaseError {
            throw Self.translate(error, path: path, options: options)
        }
    }

    /// The time now, as the options' clock tells it.
    var now: Timestamp { options.clock() }

    static func busy(_ path: String, _ options: LedgerOptions) -> LedgerError {
        LedgerError(
            .busy,
            "another kccbridge is using the ledger \(path) and did not finish within \(options.busyTimeout.formatted); try again when it has finished"
        )
    }

    /// A clerk-readable error for anything the database layer throws.
    static func translate(_ error: any Error, path: String, options: LedgerOptions) -> LedgerError {
        if let error = error as? LedgerError { return error }
        guard let error = error as? DatabaseError else {
            return LedgerError(.database, "the ledger \(path) failed: \(error)")
        }
        let detail = error.message ?? "SQLite error \(error.resultCode.rawValue)"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return busy(path, options)
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            return LedgerError(.notALedger, "\(path) is damaged or is not a kccbridge ledger (\(detail))")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY, .SQLITE_AUTH:
            return LedgerError(.cannotOpen, "the ledger \(path) cannot be opened for writing (\(detail))")
        case .SQLITE_FULL:
            return LedgerError(.database, "the ledger \(path) cannot grow: no space left on the device")
        default:
            return LedgerError(.database, "the ledger \(path) failed: \(detail)")
        }
    }
}

extension Duration {
    /// `10 s`, `0.5 s`.
    fileprivate var formatted: String {
        let (seconds, attoseconds) = components
        if attoseconds == 0 { return "\(seconds) s" }
        return "\(Double(seconds) + Double(attoseconds) / 1e18) s"
    }
}

/// A read transaction shared by the reads of one thread (``Ledger/readingTogether(_:)``).
struct SharedRead: @unchecked Sendable {
    let thread: pthread_t
    /// Used only on `thread`, inside the transaction.
    let database: Database
}
