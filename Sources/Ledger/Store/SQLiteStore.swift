import GRDB
import GRDBSQLite
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The ledger in one SQLite file on this machine (the default).
///
/// The store owns a GRDB `DatabasePool`, not a `DatabaseQueue`: a pool always
/// runs in WAL mode — which lets another process (or `sqlite3`, or a backup)
/// read while kccbridge writes, and a crash never leave a half-written
/// transaction — and it lets a long-running process (the watcher) stream a
/// listing from one connection while it records a run on another. All write
/// transactions are `BEGIN IMMEDIATE`, so two writers queue instead of
/// deadlocking. Locks are byte locks on the file beside it (``RunLocks``).
final class SQLiteStore: LedgerStore {
    let location: String
    let isShared = false
    private let pool: DatabasePool
    private let locks: RunLocks
    private let busyTimeout: Duration
    /// The read transactions ``readingTogether(_:)`` holds open, one per thread.
    private let sharedReads = SharedReads()

    /// Opens (creating on first use) the file at `path`, absolute, and brings its tables up to date.
    init(
        path: String, busyTimeout: Duration, stopWaiting: @escaping @Sendable () -> Bool = { false }
    ) throws(LedgerError) {
        location = path
        self.busyTimeout = busyTimeout
        try LocalFiles.makeFolders(LocalFiles.folder(of: path))
        let locks = try RunLocks(path: path + ".lock")
        self.locks = locks
        var configuration = Configuration()
        configuration.label = "kccbridge.ledger"
        configuration.foreignKeysEnabled = true
        // As SQLite's own busy timeout waits, in steps of a few milliseconds, but given up at once when asked.
        let seconds = busyTimeout.seconds
        configuration.busyMode = .callback { tries in
            guard !stopWaiting(), Double(tries) * 0.005 < seconds else { return false }
            usleep(5_000)
            return true
        }
        // Opening (switching a new file to WAL, migrating) is done by one process at a time.
        guard try locks.lock(Self.offset(.opening), timeout: seconds, stop: stopWaiting) else {
            throw LedgerError.busy(path, busyTimeout)
        }
        defer { locks.unlock(Self.offset(.opening)) }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            // GRDB sets NORMAL, which may lose the last commits on a power cut. FULL
            // syncs every commit, so a committed run never reverts to pending — and
            // recovery never deletes outputs a person may already have imported.
            // The writer keeps its statement journals in memory. A statement inside a transaction that may
            // fail part-way (a constraint) first copies every page it is about to change there, so it can be
            // undone alone; past 64 KiB SQLite moves that copy to a temporary file for the rest of the
            // transaction, and a run staging 200,000 orders wrote some 300 MB to it, 4 KiB at a time. A
            // statement's copy is the pages it touches (tens for the ledger's inserts of 64 rows); the writer
            // runs no large sorts, the other thing this setting keeps in memory.
            try pool.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                try db.execute(sql: "PRAGMA temp_store = MEMORY")
            }
            try LedgerSchema.migrate(pool, path: path)
        } catch {
            throw Self.translate(error, path: path, busyTimeout: busyTimeout)
        }
    }

    func write<T>(_ body: (any LedgerConnection) throws -> T) throws -> T {
        try pool.write { try body(SQLiteConnection($0)) }
    }

    func writeUnsynced(_ body: (any LedgerConnection) throws -> Void) throws {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            defer { try? db.execute(sql: "PRAGMA synchronous = FULL") }
            try db.inTransaction(.immediate) {
                try body(SQLiteConnection(db))
                return .commit
            }
        }
    }

    func read<T>(_ body: (any LedgerConnection) throws -> T) throws -> T {
        if let shared = sharedReads.current { return try body(shared) }
        return try pool.read { try body(SQLiteConnection($0)) }
    }

    func readingTogether<T>(_ body: () throws -> T) throws -> T {
        try pool.read { db in try sharedReads.holding(SQLiteConnection(db), body) }
    }

    func tryLock(_ key: LedgerLock) throws(LedgerError) -> Bool {
        try locks.tryLock(Self.offset(key))
    }

    func unlock(_ key: LedgerLock) {
        locks.unlock(Self.offset(key))
    }

    /// The kernel keeps a lock for as long as this process lives.
    func stillHolds(_ key: LedgerLock) -> Bool { true }

    /// Byte 0 for opening, byte `n` for run `n`, and for a claim a byte beyond any run's.
    private static func offset(_ key: LedgerLock) -> Int64 {
        switch key {
        case .opening: 0
        case .run(let id): id
        case .claim(let name): (1 << 62) | LedgerLock.number(of: name)
        }
    }

    func translate(_ error: any Error) -> LedgerError {
        Self.translate(error, path: location, busyTimeout: busyTimeout)
    }

    func integrityProblems() throws -> [String] {
        try read { db in
            let integrity: [String] = try db.values("PRAGMA integrity_check").filter { $0 != "ok" }
            let keys = try db.rows("PRAGMA foreign_key_check").map { row in
                "\(row[0] as String? ?? "?") row \(row[1] as Int64? ?? 0) points to a missing \(row[2] as String? ?? "?") row"
            }
            return integrity + keys
        }
    }

    func insertionOrder(of table: String) -> String { "rowid" }

    static func translate(_ error: any Error, path: String, busyTimeout: Duration) -> LedgerError {
        if let error = error as? LedgerError { return error }
        guard let error = error as? DatabaseError else {
            return LedgerError(.database, "the ledger \(path) failed: \(error)")
        }
        let detail = error.message ?? "SQLite error \(error.resultCode.rawValue)"
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return LedgerError.busy(path, busyTimeout)
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

/// The ledger's SQL on one GRDB connection, each statement prepared once and cached.
final class SQLiteConnection: LedgerConnection, @unchecked Sendable {
    let database: Database

    init(_ database: Database) {
        self.database = database
    }

    /// The column names of each statement, found once. The statement is kept with them, so its
    /// identity is never that of a later statement at the same address.
    private var columnsOf: [ObjectIdentifier: (statement: Statement, columns: SQLColumns)] = [:]

    func execute(_ sql: String, _ arguments: [any SQLArgument]) throws {
        let statement = try database.cachedStatement(sql: sql)
        try Self.bind(arguments, to: statement)
        try statement.execute()
    }

    func query(_ sql: String, _ arguments: [any SQLArgument], _ body: (SQLRow) throws -> Bool) throws {
        let statement = try database.cachedStatement(sql: sql)
        let columns: SQLColumns
        if let known = columnsOf[ObjectIdentifier(statement)], known.statement === statement {
            columns = known.columns
        } else {
            columns = SQLColumns(statement.columnNames)
            columnsOf[ObjectIdentifier(statement)] = (statement, columns)
        }
        try Self.bind(arguments, to: statement)
        let handle = statement.sqliteStatement
        let width = CInt(columns.names.count)
        // A read is stepped here; a write (an INSERT … RETURNING) goes through GRDB, which watches writes.
        let readOnly = sqlite3_stmt_readonly(handle) != 0
        let cursor = readOnly ? nil : try Row.fetchCursor(statement)
        defer { if readOnly { sqlite3_reset(handle) } }
        while true {
            if let cursor {
                guard try cursor.next() != nil else { return }
            } else {
                let code = sqlite3_step(handle)
                if code == SQLITE_DONE { return }
                guard code == SQLITE_ROW else {
                    throw DatabaseError(
                        resultCode: ResultCode(rawValue: code), message: database.lastErrorMessage, sql: statement.sql)
                }
            }
            guard try body(SQLRow(columns: columns, values: Self.values(of: handle, width: width))) else { return }
        }
    }

    /// The current row of `handle`, read straight from SQLite: the ledger holds only integers, text and NULL.
    private static func values(of handle: OpaquePointer, width: CInt) -> [SQLValue] {
        var values: [SQLValue] = []
        values.reserveCapacity(Int(width))
        for index in 0..<width {
            switch sqlite3_column_type(handle, index) {
            case SQLITE_INTEGER:
                values.append(.integer(sqlite3_column_int64(handle, index)))
            case SQLITE_TEXT:
                let count = Int(sqlite3_column_bytes(handle, index))
                let text = sqlite3_column_text(handle, index).map {
                    String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
                }
                values.append(text.map(SQLValue.text) ?? .null)
            case SQLITE_FLOAT:
                values.append(.text(String(sqlite3_column_double(handle, index))))
            default:
                values.append(.null)
            }
        }
        return values
    }

    func columnNames(ofTable table: String) throws -> [String] {
        try database.columns(in: table).map(\.name)
    }

    /// Binds `values` to the statement's parameters (`?` in order, or `?N` by number) with SQLite's own
    /// calls: text is copied by SQLite (`SQLITE_TRANSIENT`), as GRDB does when it binds.
    private static func bind(_ values: [any SQLArgument], to statement: Statement) throws {
        // Resets the statement and clears what the last use bound, binding nothing.
        statement.setUncheckedArguments(StatementArguments())
        let handle = statement.sqliteStatement
        guard values.count == Int(sqlite3_bind_parameter_count(handle)) else {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE,
                message:
                    "wrong number of statement arguments: \(values.count) for \(sqlite3_bind_parameter_count(handle))",
                sql: statement.sql)
        }
        for (offset, value) in values.enumerated() {
            let index = CInt(offset + 1)
            let code: CInt =
                switch value.sqlValue {
                case .null: sqlite3_bind_null(handle, index)
                case .integer(let number): sqlite3_bind_int64(handle, index, number)
                // Empty text is bound from a literal: SQLite takes a null pointer as NULL, not as ''.
                case .text(let text) where text.isEmpty: sqlite3_bind_text(handle, index, "", 0, transient)
                case .text(var text):
                    // Its bytes and their count, no C string made; but text ends at a NUL, as it does for
                    // PostgreSQL (whose client library sends C strings), so both stores keep the same.
                    text.withUTF8 { bytes in
                        let end = bytes.firstIndex(of: 0) ?? bytes.count
                        return sqlite3_bind_text(handle, index, bytes.baseAddress, CInt(end), transient)
                    }
                }
            guard code == SQLITE_OK else {
                throw DatabaseError(
                    resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errstr(code)),
                    sql: statement.sql)
            }
        }
    }
}

/// SQLite's `SQLITE_TRANSIENT`: it copies the bound bytes before the call returns.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension DatabaseError: StoreFailure {}

extension Duration {
    /// The duration in seconds, as SQLite and PostgreSQL take a timeout.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
