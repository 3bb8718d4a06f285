import KCCModel

extension Ledger {
    /// Refunds whose latest outcome still needs a person: not applied, not a
    /// duplicate, and not resolved as ignored since.
    package func pendingRefunds() throws(LedgerError) -> [RefundOutcomeRecord] {
        try read { db in
            let rows = try db.rows(
                """
                SELECT o.* FROM refund_outcome o
                WHERE o.outcome NOT IN ('matched', 'matched-by-order', 'partial', 'duplicate', 'ignored')
                  AND (o.outcome IN ('conflict', 'reversal')
                       OR NOT EXISTS (SELECT 1 FROM applied_refund a WHERE a.source_system = o.source_system AND a.refund_id = o.refund_id))
                  AND NOT EXISTS (SELECT 1 FROM resolution r WHERE r.refund_id = o.refund_id AND r.decision = 'ignore'
                                  AND (r.source_system IS NULL OR r.source_system = o.source_system)
                                  AND r.id = (SELECT MAX(id) FROM resolution WHERE refund_id = o.refund_id
                                              AND (source_system IS NULL OR source_system = o.source_system)))
                ORDER BY o.seen_at, o.source_file, o.source_line
                """)
            return rows.map(Self.outcomeRecord)
        }
    }

    /// The latest outcome of one refund, if a reconciliation has seen it.
    package func refundOutcome(refundID: String, sourceSystem: String) throws(LedgerError) -> RefundOutcomeRecord? {
        try read { db in
            try db.row(
                "SELECT * FROM refund_outcome WHERE source_system = ? AND refund_id = ?", [sourceSystem, refundID]
            )
            .map(Self.outcomeRecord)
        }
    }

    /// Every refund id a reconciliation has seen with this id, in any system.
    package func refundOutcomes(refundID: String) throws(LedgerError) -> [RefundOutcomeRecord] {
        try read { db in
            try db.rows("SELECT * FROM refund_outcome WHERE refund_id = ? ORDER BY source_system", [refundID]).map(
                Self.outcomeRecord)
        }
    }

    /// Records each refund's latest outcome, in turn: a sighting seen before is updated, except that a
    /// conflict keeps the first version's amount and date (what the next sighting is compared with).
    static func remember(
        _ outcomes: [RefundOutcomeRecord], run: RunID, at time: Timestamp, in db: any LedgerConnection
    ) throws {
        let seenAt = time.iso8601
        try insert(
            outcomes,
            into: """
                refund_outcome (source_system, refund_id, outcome, reason, credit_note, order_number, amount_minor,
                    currency, source_file, source_line, run_id, seen_at, refund_date)
                """,
            then: """
                ON CONFLICT (source_system, refund_id) DO UPDATE SET
                    outcome = excluded.outcome, reason = excluded.reason, credit_note = excluded.credit_note,
                    order_number = excluded.order_number,
                    amount_minor = CASE WHEN excluded.outcome = 'conflict' THEN refund_outcome.amount_minor ELSE excluded.amount_minor END,
                    currency = CASE WHEN excluded.outcome = 'conflict' THEN refund_outcome.currency ELSE excluded.currency END,
                    source_file = excluded.source_file, source_line = excluded.source_line, run_id = excluded.run_id,
                    seen_at = excluded.seen_at,
                    refund_date = CASE WHEN excluded.outcome = 'conflict' THEN refund_outcome.refund_date ELSE excluded.refund_date END
                """, in: db
        ) { group in
            // One statement may not update a row twice: a refund seen twice in a file is written row by row.
            var keys: Set<[UInt8]> = []
            return group.allSatisfy {
                keys.insert(Array($0.sourceSystem.utf8) + [0] + Array($0.refundID.utf8)).inserted
            }
        } values: { outcome in
            [
                outcome.sourceSystem, outcome.refundID, outcome.outcome, outcome.reason, outcome.creditNote,
                outcome.orderNumber, outcome.amount?.minorUnits, outcome.amount?.currency.code, outcome.sourceFile,
                outcome.sourceLine, run.rawValue, seenAt, outcome.date?.description,
            ]
        }
    }

    static func outcomeRecord(_ row: SQLRow) -> RefundOutcomeRecord {
        let currency = (row["currency"] as String?).flatMap { Currency(code: $0) }
        let minor: Int64? = row["amount_minor"]
        return RefundOutcomeRecord(
            refundID: row["refund_id"], sourceSystem: row["source_system"], outcome: row["outcome"],
            reason: row["reason"],
            creditNote: row["credit_note"], orderNumber: row["order_number"],
            amount: currency.flatMap { c in minor.map { Money(minorUnits: $0, currency: c) } },
            sourceFile: row["source_file"], sourceLine: row["source_line"],
            seenAt: (row["seen_at"] as String?).flatMap(Timestamp.init(iso8601:)),
            date: (row["refund_date"] as String?).flatMap { CalendarDate(parsing: $0) })
    }
}
