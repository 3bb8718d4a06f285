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

    /// Inserts each value, in order, into a new table of `path` whose one column holds three characters
    /// (a CHECK constraint), through the ledger's own SQLite connection and its cached statement; those marked
    /// `skipping` inside ``SQLiteConnection/withoutRecheckingConstraints(_:)``. Whether each was accepted, and the
    /// values the table kept.
    static func threeLetterInserts(
        at path: String, _ values: [(String, skipping: Bool)]
    ) throws -> (accepted: [Bool], kept: [String]) {
        try DatabaseQueue(path: path).write { db in
            try db.execute(sql: "CREATE TABLE t (code TEXT NOT NULL CHECK (length(code) = 3))")
            let connection = SQLiteConnection(db)
            let insert = "INSERT INTO t (code) VALUES (?)"
            var accepted: [Bool] = []
            for (value, skipping) in values {
                do {
                    if skipping {
                        try connection.withoutRecheckingConstraints { try connection.execute(insert, [value]) }
                    } else {
                        try connection.execute(insert, [value])
                    }
                    accepted.append(true)
                } catch {
                    accepted.append(false)
                }
            }
            return (accepted, try String.fetchAll(db, sql: "SELECT code FROM t ORDER BY rowid"))
        }
    }
}
