/// One connection to the ledger's database, inside a transaction the store
/// began: how the ledger's SQL reaches SQLite or PostgreSQL.
///
/// The SQL is written once, in the part of the language both databases
/// share, with `?` (or `?1`, `?2` … for a value used twice) for parameters.
/// A statement is prepared once per connection and reused.
protocol LedgerConnection: AnyObject {
    /// Runs one statement.
    func execute(_ sql: String, _ arguments: [any SQLArgument]) throws

    /// Runs one query and hands `body` its rows one at a time, until it returns `false`.
    func query(_ sql: String, _ arguments: [any SQLArgument], _ body: (SQLRow) throws -> Bool) throws

    /// The column names of `table`, in order.
    func columnNames(ofTable table: String) throws -> [String]
}

extension LedgerConnection {
    func execute(_ sql: String) throws {
        try execute(sql, [])
    }

    /// Every row of the query.
    func rows(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> [SQLRow] {
        var rows: [SQLRow] = []
        try query(sql, arguments) { row in
            rows.append(row)
            return true
        }
        return rows
    }

    /// The first row of the query, if any.
    func row(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> SQLRow? {
        var first: SQLRow?
        try query(sql, arguments) { row in
            first = row
            return false
        }
        return first
    }

    /// The first column of every row.
    func values<T: SQLColumnValue>(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> [T] {
        try rows(sql, arguments).map { $0[0] }
    }

    /// The first column of the first row, if there is a row and it is not NULL.
    func value<T: SQLColumnValue>(_ sql: String, _ arguments: [any SQLArgument] = []) throws -> T? {
        guard let row = try row(sql, arguments) else { return nil }
        return row[0] as T?
    }
}
