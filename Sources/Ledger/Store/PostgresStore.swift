import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ledger in a PostgreSQL database that several machines share.
///
/// The same tables, rules and protocol as the SQLite file, with the same
/// meaning for transactions and locks:
/// - **Writes take turns.** Every write transaction begins by taking one
///   transaction-level advisory lock, as SQLite's `BEGIN IMMEDIATE` takes the
///   file's write lock; it waits up to the busy timeout (`lock_timeout`).
/// - **Reads see one snapshot** (`REPEATABLE READ READ ONLY`).
/// - **Locks are session advisory locks** held on one connection of this
///   ledger's own. The server ends them when the holder's connection ends:
///   at once when a process dies, and within about 25 seconds (TCP
///   keepalives) when its machine vanishes. That is the lease: alive while
///   its holder is, taken over when it is not, with no clock to trust.
/// - **Commits are durable** (`synchronous_commit` on), except the staging
///   writes that a crash may lose, as in SQLite.
final class PostgresStore: LedgerStore {
    let location: String
    let isShared = true
    private let address: PostgresAddress
    private let busyTimeout: Duration
    /// Connections not in use, for transactions.
    private let idle = Mutex<[PostgresConnection]>([])
    /// The connection that holds this ledger's locks, opened on first use, and the locks it holds.
    private let lockSession = Mutex<LockSession?>(nil)
    /// The snapshots ``readingTogether(_:)`` holds, one per thread.
    private let sharedReads = SharedReads()
    /// Whether the tables are known to be there (made or checked); `false` while the server was away.
    private let prepared = Mutex(false)

    /// The schema version this kccbridge writes; a higher one in the database is refused.
    static let schemaVersion: Int64 = 6

    init(address: PostgresAddress, busyTimeout: Duration) throws(LedgerError) {
        self.address = address
        self.location = address.display
        self.busyTimeout = busyTimeout
        // Nothing is asked of the server until the ledger is used: a server that is away (or
        // silent) never holds up the opening, every question fails with `unreachable` until
        // it answers, and the tables are made or checked at the first one.
    }

    /// Makes or checks the tables, once; one process at a time.
    private func prepare() throws(LedgerError) {
        if prepared.withLock({ $0 }) { return }
        guard try lock(.opening, timeout: busyTimeout.seconds) else { throw LedgerError.busy(location, busyTimeout) }
        defer { unlock(.opening) }
        do {
            try PostgresSchema.prepare(self)
        } catch {
            throw translate(error)
        }
        prepared.withLock { $0 = true }
    }

    // MARK: Transactions

    func write<T>(_ body: (any LedgerConnection) throws -> T) throws -> T {
        try prepare()
        return try transaction("BEGIN ISOLATION LEVEL READ COMMITTED", writer: true, body)
    }

    /// A write transaction, for making the tables themselves.
    func writeTables<T>(_ body: (any LedgerConnection) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL READ COMMITTED", writer: true, body)
    }

    func writeUnsynced(_ body: (any LedgerConnection) throws -> Void) throws {
        try prepare()
        try transaction("BEGIN ISOLATION LEVEL READ COMMITTED", writer: true) { db in
            try db.execute("SET LOCAL synchronous_commit = off")
            try body(db)
        }
    }

    func read<T>(_ body: (any LedgerConnection) throws -> T) throws -> T {
        if let shared = sharedReads.current { return try body(shared) }
        try prepare()
        return try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", writer: false, body)
    }

    func readingTogether<T>(_ body: () throws -> T) throws -> T {
        try prepare()
        return try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", writer: false) { db in
            guard let db = db as? PostgresLedgerConnection else { return try body() }
            return try sharedReads.holding(db, body)
        }
    }

    /// Runs `body` in a transaction begun by `begin` on a connection of the pool;
    /// a writer first waits for its turn. Commits, or rolls back on any error.
    private func transaction<T>(
        _ begin: String, writer: Bool, _ body: (any LedgerConnection) throws -> T
    ) throws -> T {
        let connection = try begun(begin)
        var healthy = true
        defer { give(back: connection, healthy: healthy) }
        do {
            if writer { try connection.run("SELECT pg_advisory_xact_lock(\(Self.writerKey))") }
            let result = try body(PostgresLedgerConnection(connection))
            try Self.commit(connection)
            return result
        } catch {
            if connection.isHealthy {
                do { try connection.run("ROLLBACK") } catch { healthy = false }
            } else {
                healthy = false
            }
            throw error
        }
    }

    /// COMMIT; a connection lost during it leaves the outcome unknown, and says so.
    private static func commit(_ connection: PostgresConnection) throws(PostgresFailure) {
        do {
            try connection.run("COMMIT")
        } catch {
            var failure = error
            failure.commitUnknown = error.connectionLost
            throw failure
        }
    }

    /// A connection with a transaction begun by `begin`. An idle connection the server has closed since
    /// it was last used (a restart, a dropped network, a terminated session) is found out by that first
    /// statement, before anything was done on it: the pool, opened to the same server, is emptied, and
    /// the transaction is begun once more on a new connection.
    private func begun(_ begin: String) throws(PostgresFailure) -> PostgresConnection {
        if let idle = idle.withLock({ $0.popLast() }) {
            do {
                try idle.run(begin)
                return idle
            } catch  where !idle.isHealthy {
                self.idle.withLock { $0.removeAll() }
            }
        }
        let connection = try PostgresConnection(address: address, lockTimeout: busyTimeout)
        try connection.run(begin)
        return connection
    }

    private func give(back connection: PostgresConnection, healthy: Bool) {
        guard healthy, connection.isHealthy else { return }
        idle.withLock { pool in
            if pool.count < 4 { pool.append(connection) }
        }
    }

    // MARK: Locks

    /// The transaction lock every writer takes: writes take turns.
    private static let writerKey = "1, 0"

    /// The advisory lock's key: two 32-bit numbers for opening, or one 64-bit
    /// number: a claim's (below 2⁶²) or a run's (2⁶² and up). PostgreSQL keeps the two forms apart.
    private static func key(_ key: LedgerLock) -> (parameters: String, values: [SQLValue]) {
        switch key {
        case .opening: ("?::integer, ?::integer", [.integer(1), .integer(1)])
        case .run(let id): ("?::bigint", [.integer((1 << 62) | id)])
        case .claim(let name): ("?::bigint", [.integer(LedgerLock.number(of: name))])
        }
    }

    func tryLock(_ key: LedgerLock) throws(LedgerError) -> Bool {
        do {
            return try lockSession.withLock { session throws -> Bool in
                if session == nil || session?.connection.isHealthy == false {
                    // A new connection holds none of the old one's locks: they ended with it.
                    session = LockSession(
                        connection: try PostgresConnection(address: address, lockTimeout: busyTimeout))
                }
                guard var current = session else { return false }
                // Taken twice on one connection, PostgreSQL would count it twice: taken means taken.
                if current.held.contains(key) { return false }
                var taken = false
                let (parameters, values) = Self.key(key)
                try current.connection.query("SELECT pg_try_advisory_lock(\(parameters))", values) { row in
                    taken = row[0]
                    return false
                }
                if taken { current.held.insert(key) }
                session = current
                return taken
            }
        } catch {
            throw translate(error)
        }
    }

    func unlock(_ key: LedgerLock) {
        lockSession.withLock { session in
            guard var current = session, current.held.remove(key) != nil, current.connection.isHealthy else { return }
            session = current
            let (parameters, values) = Self.key(key)
            try? current.connection.query("SELECT pg_advisory_unlock(\(parameters))", values) { _ in false }
        }
    }

    /// Asks the server: a lock taken on a connection that has since dropped ended with it.
    func stillHolds(_ key: LedgerLock) -> Bool {
        lockSession.withLock { session in
            guard let current = session, current.held.contains(key), current.connection.isHealthy else { return false }
            do {
                try current.connection.query("SELECT 1", []) { _ in false }
                return true
            } catch {
                return false
            }
        }
    }

    // MARK: Errors and checks

    func translate(_ error: any Error) -> LedgerError {
        var translated = untranslated(error)
        translated.message = address.redact(translated.message)
        return translated
    }

    private func untranslated(_ error: any Error) -> LedgerError {
        if let error = error as? LedgerError { return error }
        guard let error = error as? PostgresFailure else {
            return LedgerError(.database, "the ledger \(location) failed: \(error)")
        }
        if error.commitUnknown {
            return LedgerError(
                .commitUnknown,
                "the connection to the ledger's PostgreSQL server \(location) was lost while it recorded the run (\(error.firstLine)); whether it did is not known yet, so its files are left in place until the next run settles it"
            )
        }
        if error.connectionLost {
            return LedgerError(
                .unreachable,
                "the ledger's PostgreSQL server \(location) cannot be reached (\(error.firstLine)); nothing was recorded"
            )
        }
        switch error.state {
        case "55P03", "40001", "40P01":
            return LedgerError.busy(location, busyTimeout)
        case "28000", "28P01", "42501", "3D000":
            return LedgerError(.cannotOpen, "the ledger \(location) cannot be opened for writing (\(error.firstLine))")
        case "53100":
            return LedgerError(.database, "the ledger \(location) cannot grow: the server has no space left")
        default:
            return LedgerError(.database, "the ledger \(location) failed: \(error.firstLine)")
        }
    }

    /// PostgreSQL keeps its own constraints; this checks what the ledger's rules add to them.
    func integrityProblems() throws -> [String] {
        try read { db in
            try db.rows(
                """
                SELECT 'run ' || id || ' is committed but has no finish time' FROM export_run
                WHERE status = 'committed' AND finished_at IS NULL
                """
            ).map { $0[0] }
        }
    }

    func insertionOrder(of table: String) -> String {
        table == "refund_outcome" ? "seen_at, source_system, refund_id" : "id"
    }
}

/// The connection holding a ledger's advisory locks, and which it holds.
struct LockSession: @unchecked Sendable {
    let connection: PostgresConnection
    var held: Set<LedgerLock> = []
}

/// The ledger's SQL on one PostgreSQL connection.
final class PostgresLedgerConnection: LedgerConnection, @unchecked Sendable {
    let connection: PostgresConnection

    init(_ connection: PostgresConnection) {
        self.connection = connection
    }

    func execute(_ sql: String, _ arguments: [any SQLArgument]) throws {
        try connection.query(sql, arguments.map(\.sqlValue)) { _ in true }
    }

    func query(_ sql: String, _ arguments: [any SQLArgument], _ body: (SQLRow) throws -> Bool) throws {
        try connection.query(sql, arguments.map(\.sqlValue), body)
    }

    func columnNames(ofTable table: String) throws -> [String] {
        try connection.columnNames(ofTable: table)
    }
}
