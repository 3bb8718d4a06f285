import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ledger: every export run, every exported document, every refund
/// applied and every person's resolution — the single source of truth for
/// "what have we sent, and what has come back". It lives in an SQLite file on
/// this machine (the default) or in a PostgreSQL database several machines
/// share (``LedgerStore``); the rules below are the same in both.
///
/// Export runs follow a crash-safe protocol (``beginRun(_:)``, write the
/// outputs, ``completeRun(_:documents:refunds:)`` or ``abandonRun(_:note:)``;
/// ``recoverPendingRuns()`` after a crash), so that no document is recorded
/// without its output file and no output file is left that the ledger does not
/// know. Several kccbridge processes may use one ledger at once: writes take
/// turns, a writer waits up to ``LedgerOptions/busyTimeout`` for another, and
/// then fails with ``LedgerError/Code/busy``. `schemas/ledger.md` describes
/// the tables.
package final class Ledger: Sendable {
    /// Where the ledger is: the database file, absolute, or the PostgreSQL address without its password.
    package let path: String
    let store: any LedgerStore
    let logger: Logger
    let options: LedgerOptions
    /// Runs this instance is writing or recovering. Its own locks do not
    /// exclude its own threads, so this set does.
    let activeRuns = Mutex<Set<RunID>>([])

    /// Opens the ledger at `location` — a file path, or a `postgres://` address —
    /// creating its folders, the file or the tables on first use, and brings
    /// its tables up to date.
    ///
    /// Waits up to ``LedgerOptions/busyTimeout`` for another kccbridge that is
    /// opening or writing the same ledger. Does not recover pending runs: call
    /// ``recoverPendingRuns()`` and tell the user what it did.
    package init(path location: String, options: LedgerOptions = LedgerOptions(), logger: Logger) throws(LedgerError) {
        self.options = options
        self.logger = logger
        if let address = PostgresAddress(location) {
            store = try PostgresStore(address: address, busyTimeout: options.busyTimeout)
        } else {
            store = try SQLiteStore(
                path: LocalFiles.absolute(location), busyTimeout: options.busyTimeout, stopWaiting: options.stopWaiting)
        }
        path = store.location
        logger.debug("ledger opened", metadata: ["ledger": "\(path)"])
    }

    /// `location` as people may see it: an address without its password.
    package static func displayName(_ location: String) -> String {
        if let address = PostgresAddress(location) { return address.display }
        return location.contains("://") ? PostgresAddress.withoutPassword(location) : location
    }

    /// `true` when `location` names a PostgreSQL ledger (`postgres://…` or `postgresql://…`).
    package static func isAddress(_ location: String) -> Bool {
        PostgresAddress(location) != nil
    }

    /// Runs `body` in one write transaction: all of it, or none.
    func write<T>(_ body: (any LedgerConnection) throws -> T) throws(LedgerError) -> T {
        do {
            return try store.write(body)
        } catch {
            throw store.translate(error)
        }
    }

    /// Runs `body` in one write transaction whose commit does not wait for the disk:
    /// for what a crash may lose, never for a commit that says something happened.
    func writeUnsynced(_ body: (any LedgerConnection) throws -> Void) throws(LedgerError) {
        do {
            try store.writeUnsynced(body)
        } catch {
            throw store.translate(error)
        }
    }

    /// Runs `body` on a consistent snapshot.
    func read<T>(_ body: (any LedgerConnection) throws -> T) throws(LedgerError) -> T {
        do {
            return try store.read(body)
        } catch {
            throw store.translate(error)
        }
    }

    /// Runs `body` with every read of this ledger made on this thread inside
    /// one read transaction: one snapshot, begun and ended once, instead of a
    /// transaction per question (for a pass that asks thousands of them, such
    /// as deciding refunds). Writes are not allowed inside.
    package func readingTogether<T>(_ body: () throws -> T) throws -> T {
        do {
            return try store.readingTogether(body)
        } catch let error as any StoreFailure {
            throw store.translate(error)
        }
    }

    /// The time now, as the options' clock tells it.
    var now: Timestamp { options.clock() }
}

extension LedgerError {
    static func busy(_ location: String, _ timeout: Duration) -> LedgerError {
        LedgerError(
            .busy,
            "another kccbridge is using the ledger \(location) and did not finish within \(timeout.formatted); try again when it has finished"
        )
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
