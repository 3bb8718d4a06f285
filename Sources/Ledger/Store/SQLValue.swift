/// A value as both of the ledger's stores hold it: SQL NULL, a 64-bit
/// integer, or text. Money is integer minor units and times are ISO 8601
/// text, so nothing else is ever needed.
package enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case text(String)
}

/// A Swift value bound to a statement's parameter.
protocol SQLArgument {
    var sqlValue: SQLValue { get }
}

extension String: SQLArgument {
    var sqlValue: SQLValue { .text(self) }
}

extension Int64: SQLArgument {
    var sqlValue: SQLValue { .integer(self) }
}

extension Int: SQLArgument {
    var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Int32: SQLArgument {
    var sqlValue: SQLValue { .integer(Int64(self)) }
}

extension Bool: SQLArgument {
    var sqlValue: SQLValue { .integer(self ? 1 : 0) }
}

extension Optional: SQLArgument where Wrapped: SQLArgument {
    var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// A Swift value read from a column: `nil` when the stored value is not one.
protocol SQLColumnValue {
    static func decode(_ value: SQLValue) -> Self?
}

extension String: SQLColumnValue {
    static func decode(_ value: SQLValue) -> String? {
        switch value {
        case .text(let text): text
        case .integer(let number): String(number)
        case .null: nil
        }
    }
}

extension Int64: SQLColumnValue {
    /// Text too: PostgreSQL gives a sum of integers as `numeric`, which comes as text.
    static func decode(_ value: SQLValue) -> Int64? {
        switch value {
        case .integer(let number): number
        case .text(let text): Int64(text)
        case .null: nil
        }
    }
}

extension Int: SQLColumnValue {
    static func decode(_ value: SQLValue) -> Int? { Int64.decode(value).map(Int.init) }
}

extension Int32: SQLColumnValue {
    static func decode(_ value: SQLValue) -> Int32? { Int64.decode(value).flatMap(Int32.init(exactly:)) }
}

extension Bool: SQLColumnValue {
    /// `0`/`1` as SQLite keeps a truth value, `t`/`f` as PostgreSQL gives a boolean.
    static func decode(_ value: SQLValue) -> Bool? {
        switch value {
        case .integer(let number): number != 0
        case .text("t"), .text("true"): true
        case .text("f"), .text("false"): false
        default: nil
        }
    }
}

extension Optional: SQLColumnValue where Wrapped: SQLColumnValue {
    static func decode(_ value: SQLValue) -> Wrapped?? {
        if case .null = value { return .some(.none) }
        return Wrapped.decode(value).map { .some($0) }
    }
}

/// The column names of one query's rows, looked up once for all of them.
final class SQLColumns: Sendable {
    let names: [String]

    init(_ names: [String]) {
        self.names = names
    }

    /// The first column called `name`. A scan, not a hash: a query selects a dozen columns at most,
    /// and comparing short names costs less than hashing one.
    func index(of name: String) -> Int? { names.firstIndex(of: name) }
}

/// One row of a query's result.
///
/// Reading a column as a type it does not hold, or a column the query did not
/// select, is a programming error (the schema rules out the rest) and stops
/// the program, as it would with any SQLite wrapper.
struct SQLRow {
    let columns: SQLColumns
    let values: [SQLValue]

    var columnNames: [String] { columns.names }

    /// The stored value of `name`.
    func value(_ name: String) -> SQLValue {
        guard let index = columns.index(of: name) else {
            preconditionFailure("the query selected no column \(name)")
        }
        return values[index]
    }

    subscript<T: SQLColumnValue>(_ name: String) -> T {
        decode(value(name), name)
    }

    subscript<T: SQLColumnValue>(_ index: Int) -> T {
        decode(values[index], columns.names[index])
    }

    private func decode<T: SQLColumnValue>(_ value: SQLValue, _ name: String) -> T {
        guard let decoded = T.decode(value) else {
            preconditionFailure("the ledger's column \(name) holds \(value), not \(T.self)")
        }
        return decoded
    }
}
