import GRDB
import GRDBSQLite
import KCCModel
import Ledger

/// What the refunds decided so far in a run did, that the ledger does not know yet: each refund id read (its
/// money and date as first read, and whether it was applied here), and how much was applied here to each
/// credit note.
///
/// A run may read a million refunds, so this is not all kept in memory: up to ``keysInMemory`` keys are (what
/// changed, and what was looked up). Past that, ``settle()`` writes what changed to a private temporary SQLite
/// database (made at the first such write, removed by SQLite when closed, never left behind by a crash) and
/// lets it all go. A question about an earlier refund or credit note is asked of the database, but only when a
/// filter of the keys written says it may be there: a key the filter does not know was never written (the
/// filter can be wrong only the other way), so a file of distinct refunds asks the database almost nothing. A
/// run of fewer refunds than that never makes the database.
///
/// ``beginFile()``, ``keepFile()`` and ``dropFile()`` make each refund file's changes one unit: a file that
/// is not reconciled after all leaves the balances as they were before it.
///
/// Refund ids and credit note numbers compare by their bytes, as the ledger compares them.
final class RunningBalances {
    /// A refund as first read in this run: its money and date, packed, and whether it was applied here.
    struct Sighting: Equatable {
        var minorUnits: Int64
        /// The currency's three letters, one byte each.
        var currency: Int64
        /// `yyyymmdd`, or 0 when the refund had no date.
        var date: Int64
        var applied = false

        init(_ amount: Money, date: CalendarDate?) {
            minorUnits = amount.minorUnits
            currency = amount.currency.code.utf8.reduce(0) { $0 << 8 | Int64($1) }
            self.date = date.map { Int64($0.packed) } ?? 0
        }

        init(minorUnits: Int64, currency: Int64, date: Int64, applied: Bool) {
            self.minorUnits = minorUnits
            self.currency = currency
            self.date = date
            self.applied = applied
        }

        /// As the rules compare it with a later sighting.
        var sighting: RefundSighting {
            let letters = [UInt8(currency >> 16 & 0xFF), UInt8(currency >> 8 & 0xFF), UInt8(currency & 0xFF)]
            return RefundSighting(
                amount: Currency(code: String(decoding: letters, as: UTF8.self)).map {
                    Money(minorUnits: minorUnits, currency: $0)
                }, date: CalendarDate(packed: Int(date)), applied: false, context: "earlier in this file")
        }
    }

    /// How many keys (refunds and credit notes, with those known to be absent) memory holds before ``settle()``
    /// writes them to the database.
    private let keysInMemory: Int

    init(keysInMemory: Int) {
        self.keysInMemory = keysInMemory
    }

    /// A key's value in memory (`nil` where the key is known to be absent), and whether it changed since the
    /// database was last written.
    private struct Slot<Value> {
        var value: Value?
        var changed = false
    }

    /// The sightings in memory, by refund key.
    private var seen: [ByteKey: Slot<Sighting>] = [:]
    /// What was applied here to the credit notes in memory, in minor units of each one's currency.
    private var applied: [ByteKey: Slot<Int64>] = [:]
    /// Made at the first write.
    private var database: DatabaseQueue?
    /// The keys written to the database, of each table.
    private var seenWritten = KeyFilter()
    private var appliedWritten = KeyFilter()
    /// A file's changes are inside a transaction of the database (once it exists).
    private var inFile = false

    /// The sighting of refund `key` in this run, if it was read before.
    func sighting(_ key: String) throws -> Sighting? {
        try remembered(ByteKey(key), in: &seen, written: seenWritten, fetch: Self.sighting)
    }

    /// Records refund `key`, not read before (``sighting(_:)`` says so), as read now.
    func see(_ key: String, _ sighting: Sighting) {
        seen[ByteKey(key)] = Slot(value: sighting, changed: true)
    }

    /// Refund `key`, read before, was applied here.
    func markApplied(_ key: String) throws {
        guard var sighting = try self.sighting(key) else { return }
        sighting.applied = true
        seen[ByteKey(key)] = Slot(value: sighting, changed: true)
    }

    /// What was applied here to credit note `number`, in minor units of its currency.
    func appliedHere(_ number: String) throws -> Int64? {
        try remembered(ByteKey(number), in: &applied, written: appliedWritten, fetch: Self.applied)
    }

    /// The value of `key`: from memory, else from the database when the filter says it may be there (and then
    /// kept in memory, found or not), else none.
    private func remembered<Value>(
        _ key: ByteKey, in memory: inout [ByteKey: Slot<Value>], written: KeyFilter,
        fetch: (String, Database) throws -> Value?
    ) throws -> Value? {
        if let known = memory[key] { return known.value }
        let found =
            written.mayContain(key)
            ? try usingDatabase { try $0.writeWithoutTransaction { try fetch(key.text, $0) } } : nil
        memory[key] = Slot(value: found)
        return found
    }

    /// `minorUnits` more were applied here to credit note `number`.
    func apply(_ minorUnits: Int64, to number: String) throws {
        applied[ByteKey(number)] = Slot(value: (try appliedHere(number) ?? 0) + minorUnits, changed: true)
    }

    private static func sighting(_ key: String, in db: Database) throws -> Sighting? {
        try row(db.cachedStatement(sql: "SELECT minor, currency, date, applied FROM seen WHERE key = ?"), key, []).map {
            Sighting(minorUnits: $0[0], currency: $0[1], date: $0[2], applied: $0[3] != 0)
        }
    }

    private static func applied(_ number: String, in db: Database) throws -> Int64? {
        try row(db.cachedStatement(sql: "SELECT minor FROM applied WHERE number = ?"), number, [])?.first
    }

    /// Runs `statement` with the text `key` and then `numbers` as its parameters, through SQLite's own calls
    /// (a few hundred thousand times in a large run), and gives its one row's integers, if it has one.
    @discardableResult
    private static func row(_ statement: Statement, _ key: String, _ numbers: [Int64]) throws -> [Int64]? {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        var key = key
        // Empty text is bound from a literal: SQLite takes a null pointer as NULL, not as ''.
        var code =
            key.isEmpty
            ? sqlite3_bind_text(handle, 1, "", 0, transient)
            : key.withUTF8 { sqlite3_bind_text(handle, 1, $0.baseAddress, CInt($0.count), transient) }
        for (offset, number) in numbers.enumerated() where code == SQLITE_OK {
            code = sqlite3_bind_int64(handle, CInt(offset + 2), number)
        }
        if code == SQLITE_OK { code = sqlite3_step(handle) }
        defer { sqlite3_reset(handle) }
        switch code {
        case SQLITE_DONE:
            return nil
        case SQLITE_ROW:
            return (0..<sqlite3_column_count(handle)).map { sqlite3_column_int64(handle, $0) }
        default:
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code),
                message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))),
                sql: statement.sql)
        }
    }

    /// Once memory holds ``keysInMemory`` keys or more (or always, when `force`d), writes what changed to the
    /// database and lets go of what is in memory.
    func settle(force: Bool = false) throws {
        guard force || seen.count + applied.count >= keysInMemory else { return }
        // Each table's memory is let go as soon as its changes are taken out.
        let changedSeen = Self.changed(seen)
        seen = [:]
        let changedApplied = Self.changed(applied)
        applied = [:]
        if !changedSeen.isEmpty || !changedApplied.isEmpty {
            try usingDatabase { try write(changedSeen, changedApplied, to: $0) }
        }
    }

    /// Runs `body` with the database, made if need be; what fails is said as the running balances' failure.
    private func usingDatabase<T>(_ body: (DatabaseQueue) throws -> T) throws -> T {
        do {
            return try body(try opened())
        } catch {
            throw ReconcileRefusal(
                "the running balances of the refunds decided so far could not be kept in SQLite's temporary folder (SQLITE_TMPDIR, TMPDIR or /var/tmp): \(error)"
            )
        }
    }

    /// What changed in `memory`, by its keys' bytes (as SQLite orders them, so that each row goes near where the
    /// last one went, not anywhere in the tree).
    private static func changed<Value>(_ memory: [ByteKey: Slot<Value>]) -> [(key: ByteKey, value: Value)] {
        var list: [(key: ByteKey, value: Value)] = memory.compactMap { key, slot in
            slot.changed ? slot.value.map { (key, $0) } : nil
        }
        list.sort { $0.key.bytesPrecede($1.key) }
        return list
    }

    /// Writes what changed, in one transaction unless a file's is open.
    private func write(
        _ changedSeen: [(key: ByteKey, value: Sighting)], _ changedApplied: [(key: ByteKey, value: Int64)],
        to database: DatabaseQueue
    ) throws {
        try database.writeWithoutTransaction { db in
            if !inFile { try db.execute(sql: "BEGIN") }
            do {
                let seeing = try db.cachedStatement(
                    sql: "INSERT OR REPLACE INTO seen (key, minor, currency, date, applied) VALUES (?, ?, ?, ?, ?)")
                for (key, sighting) in changedSeen {
                    try Self.row(
                        seeing, key.text,
                        [sighting.minorUnits, sighting.currency, sighting.date, sighting.applied ? 1 : 0])
                    seenWritten.insert(key)
                }
                let applying = try db.cachedStatement(
                    sql: "INSERT OR REPLACE INTO applied (number, minor) VALUES (?, ?)")
                for (number, minor) in changedApplied {
                    try Self.row(applying, number.text, [minor])
                    appliedWritten.insert(number)
                }
                if !inFile { try db.execute(sql: "COMMIT") }
            } catch {
                if !inFile { try? db.execute(sql: "ROLLBACK") }
                throw error
            }
        }
    }

    /// A refund file starts: what it changes is kept or dropped as one.
    func beginFile() throws {
        // What earlier files changed is written first: dropping this file's changes must not drop theirs.
        try settle(force: true)
        inFile = true
        try database?.writeWithoutTransaction { try $0.execute(sql: "BEGIN") }
    }

    /// The file's changes stay, for the files after it.
    func keepFile() throws {
        if inFile, let database { try database.writeWithoutTransaction { try $0.execute(sql: "COMMIT") } }
        inFile = false
    }

    /// The file's changes are undone. (Their keys stay in the filters: a filter may say "maybe" wrongly.)
    func dropFile() {
        if inFile, let database { try? database.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") } }
        inFile = false
        seen = [:]
        applied = [:]
    }

    private func opened() throws -> DatabaseQueue {
        if let database { return database }
        var configuration = Configuration()
        configuration.label = "kccbridge.running-balances"
        // A file's changes are one transaction, begun and ended here.
        configuration.allowsUnsafeTransactions = true
        // Private to this process, and thrown away with it: nothing here needs the disk's flushes.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = OFF") }
        // An empty path is SQLite's private temporary database, on disk, removed when it is closed.
        let made = try DatabaseQueue(path: "", configuration: configuration)
        try made.writeWithoutTransaction { db in
            try db.execute(
                sql: """
                    CREATE TABLE seen (key TEXT PRIMARY KEY, minor INTEGER, currency INTEGER, date INTEGER,
                        applied INTEGER) WITHOUT ROWID;
                    CREATE TABLE applied (number TEXT PRIMARY KEY, minor INTEGER) WITHOUT ROWID;
                    """)
            if inFile { try db.execute(sql: "BEGIN") }
        }
        database = made
        return made
    }
}

/// Which keys may have been written: a Bloom filter of 2^23 bits (1 MiB), three bits a key. It never says no
/// to a key that was written; it says yes to one that was not about 3 times in 100 questions at a million keys
/// (then the database answers: a few microseconds each), more often past that.
private struct KeyFilter {
    private static let bits = 1 << 23
    private var words: [UInt64] = []

    mutating func insert(_ key: ByteKey) {
        if words.isEmpty { words = Array(repeating: 0, count: Self.bits / 64) }
        let (first, second) = Self.halves(key)
        for index in 0..<3 {
            let bit = Self.bit(index, first, second)
            words[bit >> 6] |= 1 << UInt64(bit & 63)
        }
    }

    func mayContain(_ key: ByteKey) -> Bool {
        guard !words.isEmpty else { return false }
        let (first, second) = Self.halves(key)
        for index in 0..<3 {
            let bit = Self.bit(index, first, second)
            if words[bit >> 6] & (1 << UInt64(bit & 63)) == 0 { return false }
        }
        return true
    }

    /// The key's hash in two halves, the second odd: the three bits are `first + i × second`.
    private static func halves(_ key: ByteKey) -> (UInt64, UInt64) {
        let hash = UInt64(bitPattern: Int64(key.hashValue))
        return (hash & 0xFFFF_FFFF, hash >> 32 | 1)
    }

    private static func bit(_ index: Int, _ first: UInt64, _ second: UInt64) -> Int {
        Int((first &+ UInt64(index) &* second) % UInt64(bits))
    }
}

/// SQLite copies text it is given to bind.
private let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

extension CalendarDate {
    /// The date as one number, `yyyymmdd` (what the running balances and the decisions' file keep).
    var packed: Int { year * 10_000 + month * 100 + day }

    /// The date of a ``packed`` number; `nil` for 0 or a number that is no date.
    init?(packed: Int) {
        self.init(year: packed / 10_000, month: packed / 100 % 100, day: packed % 100)
    }
}
