import KCCModel

/// Refunds coming back: what is still open on each credit note, which refunds
/// were applied, and what people decided about the others.
extension Ledger {
    /// The credit note numbered `number` with what has been refunded against it,
    /// or `nil` if it was never exported.
    package func creditNote(number: String) throws(LedgerError) -> CreditNoteBalance? {
        try read { try Self.creditNotes(in: $0, where: "d.number = ?", [number]).first }
    }

    /// Every credit note of the sales order `orderNumber`, with its open amount.
    package func creditNotes(orderNumber: String) throws(LedgerError) -> [CreditNoteBalance] {
        try read { try Self.creditNotes(in: $0, where: "d.order_number = ?", [orderNumber]) }
    }

    /// Credit notes of exactly `amount` (same currency) dated from `from`
    /// through `through`: candidates for a near-miss suggestion, never applied by themselves.
    package func creditNotes(
        amount: Money, from: CalendarDate, through: CalendarDate
    ) throws(LedgerError) -> [CreditNoteBalance] {
        try read { db in
            try Self.creditNotes(
                in: db, where: "d.gross_minor = ? AND d.currency = ? AND d.document_date BETWEEN ? AND ?",
                [amount.minorUnits, amount.currency.code, from.description, through.description]
            )
        }
    }

    /// Every credit note as last exported, by amount (for near-miss suggestions asked many times in one
    /// reading: one pass over the credit notes instead of a search of every document per question).
    package func creditNoteAmounts() throws(LedgerError) -> CreditNoteAmounts {
        try read { db in
            CreditNoteAmounts(
                try db.rows(
                    """
                    SELECT d.number, d.currency, d.gross_minor, d.document_date FROM exported_document d
                    WHERE d.kind = 'CREDIT' AND \(Self.latestCreditNote) ORDER BY d.id
                    """, []
                ).map { row in
                    CreditNoteAmounts.Entry(
                        number: row["number"], currency: row["currency"], grossMinor: row["gross_minor"],
                        date: row["document_date"])
                })
        }
    }

    /// Every credit note number the ledger knows, sorted (for typo suggestions).
    package func creditNoteNumbers() throws(LedgerError) -> [String] {
        try read {
            try $0.values(
                "SELECT DISTINCT d.number FROM exported_document d WHERE d.kind = 'CREDIT' AND \(Rows.committed("d")) ORDER BY d.number"
            )
        }
    }

    /// `true` when an invoice or a payment of the sales order `orderNumber`
    /// was exported: the order is known, even if it has no credit note yet.
    package func isOrderKnown(_ orderNumber: String) throws(LedgerError) -> Bool {
        try read { db in
            try db.value(
                """
                SELECT EXISTS (SELECT 1 FROM exported_document d
                               WHERE d.order_number = ? AND d.kind IN ('INVOICE', 'PAYMENT') AND \(Rows.committed("d")))
                """, [orderNumber]) ?? false
        }
    }

    /// Records `refund` as applied by the committed run `run`, whose KCC
    /// payment import carries it.
    ///
    /// The ledger keeps its own books straight: it refuses a refund that was
    /// applied before (same source system and refund id), one against a credit
    /// note it does not know, in another currency, or for more than is still
    /// open. Prefer ``completeRun(_:documents:refunds:)``, which records the
    /// refunds in the same transaction that commits their import file.
    package func recordRefund(_ refund: RefundApplication, run: RunID) throws(LedgerError) {
        let appliedAt = now
        try write { db in
            guard let recorded = try Self.fetchRun(run, in: db) else { throw Self.unknown(run) }
            guard recorded.status == .committed else {
                throw LedgerError(
                    .runNotPending,
                    "run \(run) is \(recorded.status), not committed; record its refunds when completing it")
            }
            try Self.apply([refund], run: run, at: appliedAt, in: db)
        }
        logger.info(
            "refund recorded",
            metadata: ["refund": "\(refund.refundID)", "creditNote": "\(refund.creditNote)", "run": "\(run)"])
    }

    /// `true` when the refund `refundID` from `sourceSystem` was applied before.
    package func isRefundApplied(refundID: String, sourceSystem: String) throws(LedgerError) -> Bool {
        try appliedRefund(refundID: refundID, sourceSystem: sourceSystem) != nil
    }

    /// The application of refund `refundID` from `sourceSystem`, or `nil` if it was never applied.
    package func appliedRefund(refundID: String, sourceSystem: String) throws(LedgerError) -> AppliedRefund? {
        try read {
            try Self.appliedRefunds(in: $0, where: "source_system = ? AND refund_id = ?", [sourceSystem, refundID])
                .first
        }
    }

    /// Every application of refund `refundID` from `sourceSystem`: one, or one per credit note of a split.
    package func appliedRefundParts(refundID: String, sourceSystem: String) throws(LedgerError) -> [AppliedRefund] {
        try read {
            try Self.appliedRefunds(in: $0, where: "source_system = ? AND refund_id = ?", [sourceSystem, refundID])
        }
    }

    /// Every refund applied to the credit note `creditNote`, oldest first.
    package func appliedRefunds(creditNote: String) throws(LedgerError) -> [AppliedRefund] {
        try read { try Self.appliedRefunds(in: $0, where: "credit_note = ?", [creditNote]) }
    }

    /// Records a person's decision about refund `refundID` from `sourceSystem`;
    /// it takes effect on the next reconciliation. Every resolution is kept;
    /// the latest is in force.
    ///
    /// A match or a split is refused when the refund was already applied (there
    /// is nothing left to place) or names a credit note the ledger does not
    /// know; `ignore` is always taken (it also acknowledges a conflict or a
    /// reversal of a refund applied before).
    @discardableResult
    package func recordResolution(
        refundID: String, sourceSystem: String? = nil, decision: Resolution.Decision, note: String, by person: String
    ) throws(LedgerError) -> Resolution {
        let resolution = Resolution(
            refundID: try Self.nonEmpty(refundID, "the refund id"), sourceSystem: sourceSystem, decision: decision,
            note: note, decidedBy: try Self.nonEmpty(person, "who decided"), decidedAt: now
        )
        try write { db in
            let sameSource = sourceSystem.map { _ in "refund_id = ? AND source_system = ?" } ?? "refund_id = ?"
            let arguments: [any SQLArgument] = sourceSystem.map { [refundID, $0] } ?? [refundID]
            if decision != .ignore, let applied = try Self.appliedRefunds(in: db, where: sameSource, arguments).first {
                throw LedgerError(
                    .refundAlreadyApplied,
                    "refund \(refundID) was already applied to \(applied.refund.creditNote) in run \(applied.run) on \(applied.appliedAt.date); there is nothing left to place"
                )
            }
            for creditNote in decision.creditNotes
            where try Self.creditNotes(in: db, where: "d.number = ?", [creditNote]).isEmpty {
                throw Self.unknownCreditNote(creditNote)
            }
            // Acknowledging a reversal says the payment was reversed in KCC: the credit note is open again by that much.
            if decision == .ignore, let sourceSystem,
                try db.value(
                    "SELECT outcome FROM refund_outcome WHERE source_system = ? AND refund_id = ?",
                    [sourceSystem, refundID]) as String? == "reversal"
            {
                try db.execute(
                    """
                    UPDATE applied_refund SET reversed_at = ? WHERE source_system = ? AND refund_id = ? AND reversed_at IS NULL
                    """, [resolution.decidedAt.iso8601, sourceSystem, refundID])
            }
            try db.execute(
                """
                INSERT INTO resolution (refund_id, source_system, decision, note, decided_by, decided_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, [refundID, sourceSystem, decision.text, note, person, resolution.decidedAt.iso8601])
        }
        logger.info(
            "resolution recorded", metadata: ["refund": "\(refundID)", "decision": "\(decision)", "by": "\(person)"])
        return resolution
    }

    /// Every resolution of refund `refundID`, oldest first; the last is in force.
    /// With `sourceSystem`, only those of that source (and older ones recorded for any source).
    package func resolutions(refundID: String, sourceSystem: String? = nil) throws(LedgerError) -> [Resolution] {
        try read { db in
            if let sourceSystem {
                return try Self.resolutions(
                    in: db, where: "refund_id = ? AND (source_system IS NULL OR source_system = ?)",
                    [refundID, sourceSystem])
            }
            return try Self.resolutions(in: db, where: "refund_id = ?", [refundID])
        }
    }

    // MARK: Helpers

    /// Checks the ledger's rules for each refund in turn (each counting for those after it), then records them.
    static func apply(
        _ refunds: [RefundApplication], run: RunID, at time: Timestamp, in db: any LedgerConnection
    ) throws {
        var books = try RefundBooks(for: refunds, in: db)
        for refund in refunds {
            try check(refund, run: run, books: books)
            books.note(AppliedRefund(refund: refund, run: run, appliedAt: time))
        }
        let appliedAt = time.iso8601
        try insert(
            refunds,
            into: """
                applied_refund (refund_id, source_system, credit_note, amount_minor, currency, run_id, applied_at,
                    refund_date)
                """, in: db
        ) { refund in
            [
                refund.refundID, refund.sourceSystem, refund.creditNote, refund.amount.minorUnits,
                refund.amount.currency.code, run.rawValue, appliedAt, refund.date?.description,
            ]
        }
    }

    /// The ledger's rules for one refund, against what `books` holds: not applied before, a credit note it
    /// knows, in its currency, with enough still open.
    private static func check(_ refund: RefundApplication, run: RunID, books: RefundBooks) throws {
        _ = try nonEmpty(refund.refundID, "the refund id")
        _ = try nonEmpty(refund.sourceSystem, "the refund's source system")
        guard refund.amount.minorUnits > 0 else {
            throw LedgerError(.invalidValue, "refund \(refund.refundID) must be for more than 0, not \(refund.amount)")
        }
        let source = "refund \(refund.refundID) (\(refund.sourceSystem))"
        // The parts of one refund split across credit notes are applied in one run; a refund applied in an earlier run is not again.
        if let earlier = books.earlierApplication(of: refund, run: run) {
            throw LedgerError(
                .refundAlreadyApplied,
                "\(source) was already applied to \(earlier.refund.creditNote) in run \(earlier.run) on \(earlier.appliedAt.date)"
            )
        }
        guard let balance = books.balance(of: refund.creditNote) else {
            throw unknownCreditNote(refund.creditNote)
        }
        guard balance.gross.currency == refund.amount.currency else {
            throw LedgerError(
                .currencyMismatch,
                "\(source) is in \(refund.amount.currency) but credit note \(balance.number) is in \(balance.gross.currency)"
            )
        }
        guard refund.amount <= balance.open else {
            throw LedgerError(
                .overRefund,
                "\(source) of \(refund.amount) is more than the \(balance.open) still open on \(balance.number) (gross \(balance.gross), \(balance.applied) refunded before)"
            )
        }
    }

    static func unknownCreditNote(_ number: String) -> LedgerError {
        LedgerError(.unknownCreditNote, "credit note \(number) is not in the ledger: it was never exported")
    }

    /// For a credit note `d`: what the refunds applied to it and not reversed add up to, in minor units.
    static let appliedSum = """
        COALESCE((SELECT SUM(a.amount_minor) FROM applied_refund a
                  WHERE a.credit_note = d.number AND a.reversed_at IS NULL), 0)
        """

    /// For a credit note `d`: it is the latest committed export of its number (a number exported again is read as
    /// last exported).
    static let latestCreditNote = """
        \(Rows.committed("d")) AND NOT EXISTS (SELECT 1 FROM exported_document e
            WHERE e.kind = 'CREDIT' AND e.number = d.number AND e.id > d.id AND \(Rows.committed("e")))
        """

    /// Credit notes as last exported (the latest row of each number), with the refunds applied to them; in the
    /// order they were exported, unless not `ordered`.
    static func creditNotes(
        in db: any LedgerConnection, where condition: String, _ arguments: [any SQLArgument], ordered: Bool = true
    ) throws -> [CreditNoteBalance] {
        try db.rows(
            """
            SELECT d.number, d.order_number, d.related_invoice, d.customer_code, d.customer_name, d.document_date, d.currency, d.gross_minor,
                   \(appliedSum) AS applied_minor,
                   (SELECT COUNT(*) FROM applied_refund a
                    WHERE a.credit_note = d.number AND a.reversed_at IS NULL) AS refund_count
            FROM exported_document d
            WHERE d.kind = 'CREDIT' AND \(condition) AND \(latestCreditNote)
            \(ordered ? "ORDER BY d.id" : "")
            """, arguments
        ).map { row in
            let number: String = row["number"]
            let gross = try Rows.money(row["gross_minor"], row["currency"], of: "credit note \(number)")
            return CreditNoteBalance(
                number: number, orderNumber: row["order_number"], relatedInvoice: row["related_invoice"],
                customerCode: row["customer_code"], customerName: row["customer_name"],
                date: try Rows.date(row["document_date"], of: "credit note \(number)"), gross: gross,
                applied: Money(minorUnits: row["applied_minor"], currency: gross.currency),
                refundCount: row["refund_count"]
            )
        }
    }

    static func appliedRefunds(
        in db: any LedgerConnection, where condition: String, _ arguments: [any SQLArgument]
    ) throws -> [AppliedRefund] {
        try db.rows(
            """
            SELECT refund_id, source_system, credit_note, amount_minor, currency, run_id, applied_at, refund_date
            FROM applied_refund WHERE \(condition) ORDER BY id
            """, arguments
        ).map { row in
            let id: String = row["refund_id"]
            let refund = RefundApplication(
                refundID: id, sourceSystem: row["source_system"], creditNote: row["credit_note"],
                amount: try Rows.money(row["amount_minor"], row["currency"], of: "refund \(id)"),
                date: (row["refund_date"] as String?).flatMap { CalendarDate(parsing: $0) }
            )
            return AppliedRefund(
                refund: refund, run: RunID(row["run_id"]),
                appliedAt: try Rows.timestamp(row["applied_at"], of: "refund \(id)"))
        }
    }

    static func resolutions(
        in db: any LedgerConnection, where condition: String, _ arguments: [any SQLArgument]
    ) throws -> [Resolution] {
        try db.rows(
            """
            SELECT refund_id, source_system, decision, note, decided_by, decided_at FROM resolution WHERE \(condition)
            ORDER BY id
            """, arguments
        ).map { row in
            let id: String = row["refund_id"]
            guard let decision = Resolution.Decision(text: row["decision"]) else {
                throw Rows.damaged("a resolution of refund \(id) has an unknown decision")
            }
            return Resolution(
                refundID: id, sourceSystem: row["source_system"], decision: decision, note: row["note"],
                decidedBy: row["decided_by"],
                decidedAt: try Rows.timestamp(row["decided_at"], of: "a resolution of refund \(id)")
            )
        }
    }
}

/// Credit notes as last exported, by currency and gross, each with its date exactly as stored.
package struct CreditNoteAmounts: Sendable {
    struct Entry: Sendable {
        var number: String
        var currency: String
        var grossMinor: Int64
        /// `YYYY-MM-DD`, compared as SQL compares text: by its bytes.
        var date: String
    }
    private struct Key: Hashable {
        var currency: String
        var grossMinor: Int64
    }
    private let byAmount: [Key: [Entry]]

    /// `entries` in the ledger's order (by id), which each amount's list keeps.
    init(_ entries: [Entry]) {
        byAmount = Dictionary(grouping: entries) { Key(currency: $0.currency, grossMinor: $0.grossMinor) }
    }

    /// The numbers ``Ledger/creditNotes(amount:from:through:)`` answers, in its order.
    package func numbers(amount: Money, from: CalendarDate, through: CalendarDate) -> [String] {
        let (first, last) = (Array(from.description.utf8), Array(through.description.utf8))
        let entries = byAmount[Key(currency: amount.currency.code, grossMinor: amount.minorUnits)] ?? []
        return entries.filter { entry in
            let date = Array(entry.date.utf8)
            return !date.lexicographicallyPrecedes(first) && !last.lexicographicallyPrecedes(date)
        }.map(\.number)
    }
}
