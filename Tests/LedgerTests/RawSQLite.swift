import GRDB

@testable import Ledger

/// Looks into a ledger file without the Ledger API, as `sqlite3` would.
///
/// Kept out of the files with `@Test`: in a file that imports GRDB, Swift 6.3
/// fails to compile Swift Testing's macros ("'@const' value should be
/// initialized with a compile-time value").
enum RawSQLite {
    /// The first column of every row of `sql`, as text.
    static func strings(_ path: String, _ sql: String) throws -> [String] {
        try DatabaseQueue(path: path).read { try String.fetchAll($0, sql: sql) }
    }

    static func execute(_ path: String, _ sql: String) throws {
        try DatabaseQueue(path: path).write { try $0.execute(sql: sql) }
    }
}
