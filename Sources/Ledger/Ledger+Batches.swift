import KCCModel

/// The look-ups of reconciliation, many keys at a time: one query per few
/// hundred refunds instead of several per refund. Each answers, key by key,
/// exactly what the one-key look-up of the same name answers, in the same order.
extension Ledger {
    /// Keys per query: well under any limit on a statement's parameters, in SQLite or PostgreSQL.
    static let keysPerQuery = 500

    /// For each refund id, every application of it (every source system), oldest first.
    package func appliedRefunds(refundIDs: [String]) throws(LedgerError) -> [String: [AppliedRefund]] {
        try grouped(refundIDs) { db, list, keys in
            try Self.appliedRefunds(in: db, where: "refund_id IN \(list)", keys)
        } by: {
            $0.refund.refundID
        }
    }

    /// For each credit note number, every refund applied to it, oldest first.
    package func appliedRefunds(creditNotes: [String]) throws(LedgerError) -> [String: [AppliedRefund]] {
        try grouped(creditNotes) { db, list, keys in
            try Self.appliedRefunds(in: db, where: "credit_note IN \(list)", keys)
        } by: {
            $0.refund.creditNote
        }
    }

    /// Each credit note of these numbers the ledger holds, with its open amount.
    package func creditNotes(numbers: [String]) throws(LedgerError) -> [String: CreditNoteBalance] {
        try grouped(numbers) { db, list, keys in
            try Self.creditNotes(in: db, where: "d.number IN \(list)", keys)
        } by: {
            $0.number
        }.compactMapValues(\.first)
    }

    /// For each refund id, how each source system's sighting of it was decided.
    package func refundOutcomes(refundIDs: [String]) throws(LedgerError) -> [String: [RefundOutcomeRecord]] {
        try grouped(refundIDs) { db, list, keys in
            try db.rows("SELECT * FROM refund_outcome WHERE refund_id IN \(list) ORDER BY source_system", keys)
                .map(Self.outcomeRecord)
        } by: {
            $0.refundID
        }
    }

    /// For each refund id, every resolution recorded for it (any source system), oldest first.
    package func resolutions(refundIDs: [String]) throws(LedgerError) -> [String: [Resolution]] {
        try grouped(refundIDs) { db, list, keys in
            try Self.resolutions(in: db, where: "refund_id IN \(list)", keys)
        } by: {
            $0.refundID
        }
    }

    /// `fetch` run for the distinct `keys`, a few hundred at a time inside one read, its rows grouped by `key`
    /// (keeping their order within each group).
    private func grouped<Row>(
        _ keys: [String], _ fetch: (any LedgerConnection, String, [any SQLArgument]) throws -> [Row],
        by key: (Row) -> String
    ) throws(LedgerError) -> [String: [Row]] {
        var seen: Set<String> = []
        let distinct = keys.filter { seen.insert($0).inserted }
        guard !distinct.isEmpty else { return [:] }
        return try read { db in
            var groups: [String: [Row]] = [:]
            for start in stride(from: 0, to: distinct.count, by: Self.keysPerQuery) {
                let chunk = distinct[start..<min(start + Self.keysPerQuery, distinct.count)]
                let list = "(" + Array(repeating: "?", count: chunk.count).joined(separator: ", ") + ")"
                for row in try fetch(db, list, chunk.map { $0 as any SQLArgument }) {
                    groups[key(row), default: []].append(row)
                }
            }
            return groups
        }
    }
}
