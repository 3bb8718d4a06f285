import KCCModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Text as SQL compares it: by its UTF-8 bytes (Swift's `String` equality would merge two spellings of one
/// accented letter that the ledger keeps apart). Hashed and compared on the string's own storage, with no
/// copy of the bytes: reconciliation looks up several keys per refund.
package struct ByteKey: Hashable, Sendable {
    package var text: String

    package init(_ text: String) {
        self.text = text
    }

    package static func == (a: ByteKey, b: ByteKey) -> Bool {
        guard a.text.utf8.count == b.text.utf8.count else { return false }
        var (left, right) = (a.text, b.text)
        return left.withUTF8 { l in
            right.withUTF8 { r in
                guard let l = l.baseAddress, let r = r.baseAddress else { return true }
                return memcmp(l, r, a.text.utf8.count) == 0
            }
        }
    }

    package func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }

    /// `true` when this key comes before `other` by their bytes (as SQLite's BINARY collation orders text).
    package func bytesPrecede(_ other: ByteKey) -> Bool {
        var (left, right) = (text, other.text)
        return left.withUTF8 { l in
            right.withUTF8 { r in
                let common = min(l.count, r.count)
                if common > 0, let a = l.baseAddress, let b = r.baseAddress {
                    let order = memcmp(a, b, common)
                    if order != 0 { return order < 0 }
                }
                return l.count < r.count
            }
        }
    }
}

/// Rows of a look-up of many keys, by the exact key they answer (``ByteKey``).
package struct RowsByKey<Row> {
    private var rows: [ByteKey: [Row]] = [:]

    package init() {}

    /// The rows for `key`, in the order the one-key look-up gives them; none when it has none.
    package subscript(key: String) -> [Row] {
        rows[ByteKey(key)] ?? []
    }

    mutating func append(_ row: Row, to key: String) {
        rows[ByteKey(key), default: []].append(row)
    }

    /// Changes the first row of `key`, if it has one.
    mutating func updateFirst(of key: String, _ change: (inout Row) -> Void) {
        let key = ByteKey(key)
        guard var list = rows.removeValue(forKey: key), !list.isEmpty else { return }
        change(&list[0])
        rows[key] = list
    }

    package var isEmpty: Bool { rows.isEmpty }
    package var keys: [String] { rows.keys.map(\.text) }
}

extension RowsByKey: Sendable where Row: Sendable {}

/// The look-ups of reconciliation, many keys at a time: one query per few
/// hundred refunds instead of several per refund. Each answers, key by key,
/// exactly what the one-key look-up of the same name answers, in the same order.
extension Ledger {
    /// Keys per query: well under any limit on a statement's parameters, in SQLite or PostgreSQL.
    static let keysPerQuery = 512

    /// For each refund id, its applications from `sourceSystem`, oldest first
    /// (``appliedRefundParts(refundID:sourceSystem:)``).
    package func appliedRefunds(
        refundIDs: [String], sourceSystem: String
    ) throws(LedgerError) -> RowsByKey<AppliedRefund> {
        try grouped(refundIDs) { db, list, keys in
            try Self.appliedRefunds(in: db, where: "source_system = ? AND refund_id IN \(list)", [sourceSystem] + keys)
        } by: {
            $0.refund.refundID
        }
    }

    /// For each credit note number, every refund applied to it, oldest first (``appliedRefunds(creditNote:)``).
    package func appliedRefunds(creditNotes: [String]) throws(LedgerError) -> RowsByKey<AppliedRefund> {
        try grouped(creditNotes) { db, list, keys in
            try Self.appliedRefunds(in: db, where: "credit_note IN \(list)", keys)
        } by: {
            $0.refund.creditNote
        }
    }

    /// Each credit note of these numbers the ledger holds, with its open amount (``creditNote(number:)``).
    package func creditNotes(numbers: [String]) throws(LedgerError) -> RowsByKey<CreditNoteBalance> {
        try grouped(numbers) { db, list, keys in
            // One row a number (its latest export): no order to keep.
            try Self.creditNotes(in: db, where: "d.number IN \(list)", keys, ordered: false)
        } by: {
            $0.number
        }
    }

    /// For each order number, its credit notes the ledger holds, with their open amounts
    /// (``creditNotes(orderNumber:)``).
    package func creditNotes(orderNumbers: [String]) throws(LedgerError) -> RowsByKey<CreditNoteBalance> {
        try grouped(orderNumbers) { db, list, keys in
            try Self.creditNotes(in: db, where: "d.order_number IN \(list)", keys)
        } by: {
            $0.orderNumber
        }
    }

    /// Which of these orders were exported: each one's number once if it was, none if not (``isOrderKnown(_:)``).
    package func knownOrders(_ orderNumbers: [String]) throws(LedgerError) -> RowsByKey<String> {
        try grouped(orderNumbers) { db, list, keys in
            try db.rows(
                """
                SELECT DISTINCT d.order_number FROM exported_document d
                WHERE d.order_number IN \(list) AND d.kind IN ('INVOICE', 'PAYMENT') AND \(Rows.committed("d"))
                """, keys
            ).map { $0["order_number"] as String }
        } by: {
            $0
        }
    }

    /// For each refund id, how each source system's sighting of it was decided (``refundOutcomes(refundID:)``).
    package func refundOutcomes(refundIDs: [String]) throws(LedgerError) -> RowsByKey<RefundOutcomeRecord> {
        try grouped(refundIDs) { db, list, keys in
            try db.rows("SELECT * FROM refund_outcome WHERE refund_id IN \(list) ORDER BY source_system", keys)
                .map(Self.outcomeRecord)
        } by: {
            $0.refundID
        }
    }

    /// For each refund id, the resolutions in force for `sourceSystem` (its own, and those for any source),
    /// oldest first (``resolutions(refundID:sourceSystem:)``).
    package func resolutions(refundIDs: [String], sourceSystem: String) throws(LedgerError) -> RowsByKey<Resolution> {
        try grouped(refundIDs) { db, list, keys in
            try Self.resolutions(
                in: db, where: "(source_system IS NULL OR source_system = ?) AND refund_id IN \(list)",
                [sourceSystem] + keys)
        } by: {
            $0.refundID
        }
    }

    /// `fetch` run for the distinct `keys`, ``keysPerQuery`` at a time inside one read, its rows grouped by `key`
    /// (``grouped(in:_:_:by:)``).
    private func grouped<Row>(
        _ keys: [String], _ fetch: (any LedgerConnection, String, [any SQLArgument]) throws -> [Row],
        by key: (Row) -> String
    ) throws(LedgerError) -> RowsByKey<Row> {
        try read { db in try Self.grouped(in: db, keys, fetch, by: key) }
    }

    /// `fetch` run on `db` for the distinct `keys`, ``keysPerQuery`` at a time, its rows grouped by `key`
    /// (keeping their order within each group). A short last chunk is filled up with its own last key
    /// (a key twice in `IN` changes nothing), so every query has one shape and one prepared statement.
    static func grouped<Row>(
        in db: any LedgerConnection, _ keys: [String],
        _ fetch: (any LedgerConnection, String, [any SQLArgument]) throws -> [Row], by key: (Row) -> String
    ) throws -> RowsByKey<Row> {
        var seen: Set<ByteKey> = []
        let distinct = keys.filter { seen.insert(ByteKey($0)).inserted }
        var groups = RowsByKey<Row>()
        guard !distinct.isEmpty else { return groups }
        let list = "(" + Array(repeating: "?", count: keysPerQuery).joined(separator: ", ") + ")"
        for start in stride(from: 0, to: distinct.count, by: keysPerQuery) {
            var chunk = Array(distinct[start..<min(start + keysPerQuery, distinct.count)])
            if let last = chunk.last {
                chunk += Array(repeating: last, count: keysPerQuery - chunk.count)
            }
            for row in try fetch(db, list, chunk.map { $0 as any SQLArgument }) {
                groups.append(row, to: key(row))
            }
        }
        return groups
    }
}
