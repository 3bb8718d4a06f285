import CLibPQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A PostgreSQL failure, with the server's SQLSTATE when it gave one.
struct PostgresFailure: StoreFailure, CustomStringConvertible {
    /// The five-character SQLSTATE (`55P03`, `08006` …), or empty for a failure of the connection itself.
    var state: String
    var message: String
    /// `true` when the connection is gone (the server stopped, the network dropped).
    var connectionLost: Bool
    /// `true` when the connection was lost during a COMMIT: the transaction may or may not have committed.
    var commitUnknown = false

    var description: String { message }

    /// The message's first line, without libpq's `ERROR:` prefix: the part a person reads.
    var firstLine: String {
        var line = message.split(separator: "\n").first.map(String.init) ?? message
        for prefix in ["ERROR:", "FATAL:"] where line.hasPrefix(prefix) {
            line = String(line.dropFirst(prefix.count)).trimmingSpaces
        }
        return line
    }
}

/// One libpq connection, used by one thread at a time. Statements are
/// prepared once, on first use, and reused by name.
final class PostgresConnection: @unchecked Sendable {
    private let handle: OpaquePointer
    private var prepared: [String: String] = [:]

    /// Connects to `address`: keepalives on, so that a lost machine's locks end
    /// within about half a minute; `lockTimeout` bounds every wait for a lock.
    init(address: PostgresAddress, lockTimeout: Duration) throws(PostgresFailure) {
        // A connection string first, expanded; then the settings kccbridge needs.
        let pairs: [(String, String)] = [
            ("dbname", address.connection), ("application_name", "kccbridge"), ("connect_timeout", "10"),
            ("keepalives", "1"), ("keepalives_idle", "10"), ("keepalives_interval", "5"),
            ("keepalives_count", "3"),
            // Unacknowledged data gives up after 30 s: a dead link never hangs a question for long.
            ("tcp_user_timeout", "30000"),
        ]
        let keywords = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer {
            for pointer in keywords + values { free(pointer) }
        }
        var keywordPointers = keywords.map { UnsafePointer<CChar>($0) } + [nil]
        var valuePointers = values.map { UnsafePointer<CChar>($0) } + [nil]
        guard let handle = PQconnectdbParams(&keywordPointers, &valuePointers, 1) else {
            throw PostgresFailure(state: "", message: "libpq could not allocate a connection", connectionLost: true)
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.text(PQerrorMessage(handle))
            PQfinish(handle)
            // A server that does not answer is waited for; one that answers "no" (a wrong
            // password, no such database, a malformed address) is a mistake to report.
            throw PostgresFailure(state: "", message: message, connectionLost: Self.isNetworkFailure(message))
        }
        // From here on, deinit closes it.
        self.handle = handle
        // libpq would print the server's notices on stderr, between kccbridge's own lines: a note that a table
        // exists, or "terminating connection" as the server ends a session. Everything that matters comes back
        // with a statement's result and is reported from there, so notices are not printed.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        let milliseconds = max(1, Int(lockTimeout.seconds * 1000))
        try run("SET lock_timeout = \(milliseconds)")
        // The server notices a vanished client (and ends its session, and its locks) within about 25 s.
        try run("SET tcp_keepalives_idle = 10")
        try run("SET tcp_keepalives_interval = 5")
        try run("SET tcp_keepalives_count = 3")
    }

    deinit {
        PQfinish(handle)
    }

    /// `true` while the connection is usable.
    var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK }

    /// Runs `sql` as it is, without parameters (transaction control, settings).
    func run(_ sql: String) throws(PostgresFailure) {
        guard let result = PQexec(handle, sql) else { throw failure(nil) }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else { throw failure(result) }
    }

    /// Runs one statement of the ledger's SQL with `arguments`, handing each row to `body` until it returns `false`.
    func query(
        _ sql: String, _ arguments: [SQLValue], _ body: (SQLRow) throws -> Bool
    ) throws {
        let name = try statement(sql)
        // Text for every parameter: PostgreSQL converts it to the column's type.
        var texts: [UnsafeMutablePointer<CChar>?] = arguments.map { value in
            switch value {
            case .null: nil
            case .integer(let number): strdup(String(number))
            case .text(let text): strdup(text)
            }
        }
        defer {
            for text in texts { free(text) }
        }
        let sent = texts.withUnsafeMutableBufferPointer { buffer -> Int32 in
            buffer.withMemoryRebound(to: UnsafePointer<CChar>?.self) { pointers in
                PQsendQueryPrepared(handle, name, Int32(arguments.count), pointers.baseAddress, nil, nil, 0)
            }
        }
        guard sent == 1 else { throw failure(nil) }
        // One row at a time, so a long listing never sits in memory whole.
        PQsetSingleRowMode(handle)
        var firstFailure: PostgresFailure?
        var wanted = true
        var columns: SQLColumns?
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            let status = PQresultStatus(result)
            if status == PGRES_SINGLE_TUPLE {
                guard wanted, firstFailure == nil else { continue }
                let width = PQnfields(result)
                let named = columns ?? SQLColumns((0..<width).map { Self.text(PQfname(result, $0)) })
                columns = named
                let values = (0..<width).map { column -> SQLValue in
                    if PQgetisnull(result, 0, column) == 1 { return .null }
                    // A value exactly as stored: a name that ends in a space keeps it.
                    let text = PQgetvalue(result, 0, column).map { String(cString: $0) } ?? ""
                    switch PQftype(result, column) {
                    case 20, 21, 23: return Int64(text).map(SQLValue.integer) ?? .text(text)  // int8, int2, int4
                    default: return .text(text)
                    }
                }
                do {
                    wanted = try body(SQLRow(columns: named, values: values))
                } catch {
                    // Drain the rest of the answer before the error goes up: the connection stays usable.
                    while let rest = PQgetResult(handle) { PQclear(rest) }
                    throw error
                }
            } else if status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK {
                if firstFailure == nil { firstFailure = failure(result) }
            }
        }
        if let firstFailure { throw firstFailure }
    }

    /// The column names of `table`, in order.
    func columnNames(ofTable table: String) throws -> [String] {
        var names: [String] = []
        try query(
            """
            SELECT column_name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position
            """, [.text(table)]
        ) { row in
            names.append(row[0])
            return true
        }
        return names
    }

    /// The prepared statement for `sql`, prepared now if it is new on this connection.
    private func statement(_ sql: String) throws(PostgresFailure) -> String {
        if let known = prepared[sql] { return known }
        let name = "k\(prepared.count + 1)"
        guard let result = PQprepare(handle, name, Self.numbered(sql), 0, nil) else { throw failure(nil) }
        defer { PQclear(result) }
        guard PQresultStatus(result) == PGRES_COMMAND_OK else { throw failure(result) }
        prepared[sql] = name
        return name
    }

    /// `?` → `$1`, `$2` … in order, and `?N` → `$N`; quoted text is left alone.
    static func numbered(_ sql: String) -> String {
        var out = ""
        var next = 0
        var quoted = false
        var characters = sql.makeIterator()
        var pending: Character? = nil
        while let character = pending ?? characters.next() {
            pending = nil
            if character == "'" { quoted.toggle() }
            guard character == "?", !quoted else {
                out.append(character)
                continue
            }
            var digits = ""
            while let following = characters.next() {
                if following.isASCII, following.isNumber {
                    digits.append(following)
                } else {
                    pending = following
                    break
                }
            }
            if digits.isEmpty {
                next += 1
                out += "$\(next)"
            } else {
                out += "$" + digits
            }
        }
        return out
    }

    private func failure(_ result: OpaquePointer?) -> PostgresFailure {
        let lost = PQstatus(handle) != CONNECTION_OK
        guard let result else {
            return PostgresFailure(state: "", message: Self.text(PQerrorMessage(handle)), connectionLost: lost)
        }
        let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
        let message = Self.text(PQresultErrorMessage(result))
        return PostgresFailure(state: state, message: message, connectionLost: lost || state.hasPrefix("08"))
    }

    /// libpq's words for a server that could not be reached (or is not ready), as opposed to
    /// one that answered "no": only these are waited for; anything else is a mistake to report.
    static func isNetworkFailure(_ message: String) -> Bool {
        let lower = message.lowercased()
        let away = [
            "connection refused", "timeout expired", "timed out", "could not translate host name",
            "no route to host", "network is unreachable", "host is unreachable", "server closed the connection",
            "could not receive data", "could not send data", "connection reset", "no such file or directory",
            "the database system is starting up", "the database system is shutting down",
            "the database system is in recovery mode", "too many clients", "terminating connection",
        ]
        return away.contains { lower.contains($0) }
    }

    static func text(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(cString: pointer).trimmingSpaces
    }

    static func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        text(UnsafePointer(pointer))
    }
}

extension String {
    var trimmingSpaces: String {
        var text = Substring(self)
        while let last = text.last, last.isWhitespace { text.removeLast() }
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        return String(text)
    }
}
