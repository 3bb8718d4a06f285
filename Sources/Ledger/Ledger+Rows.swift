/// Writing many rows: one statement's work for many rows, instead of one statement per row.
extension Ledger {
    /// Rows written by one statement (at most 13 parameters each: far under any store's limit).
    static let rowsPerInsert = 64

    /// Inserts a row for each of `items` (its `values`) with `INSERT INTO <into> VALUES (…), (…) <then>`,
    /// ``rowsPerInsert`` rows to a statement and the few left over one to a statement, so only two shapes of
    /// statement are ever prepared. The rows are written in their order.
    ///
    /// `row`, when given, is the row's own text, for a value worked out by the store (its `?`s are the values in
    /// order); by default each value is a `?`. `together`, when given, says whether a group may share a
    /// statement; a group it refuses is written one row to a statement. An upsert needs it: PostgreSQL refuses a
    /// statement that updates one row twice; and so does a row that looks up the rows written before it.
    static func insert<Item>(
        _ items: [Item], into: String, row: String? = nil, then: String = "", in db: any LedgerConnection,
        together: ((ArraySlice<Item>) -> Bool)? = nil, values: (Item) -> [any SQLArgument]
    ) throws {
        guard let width = items.first.map({ values($0).count }) else { return }
        let row = row ?? "(" + Array(repeating: "?", count: width).joined(separator: ", ") + ")"
        func statement(_ count: Int) -> String {
            "INSERT INTO \(into) VALUES \(Array(repeating: row, count: count).joined(separator: ", ")) \(then)"
        }
        let many = statement(rowsPerInsert)
        let one = statement(1)
        var start = 0
        while start < items.count {
            let group = items[start..<min(start + rowsPerInsert, items.count)]
            if group.count == rowsPerInsert, together?(group) ?? true {
                var arguments: [any SQLArgument] = []
                arguments.reserveCapacity(width * rowsPerInsert)
                for item in group { arguments += values(item) }
                try db.execute(many, arguments)
            } else {
                for item in group { try db.execute(one, values(item)) }
            }
            start += group.count
        }
    }
}
