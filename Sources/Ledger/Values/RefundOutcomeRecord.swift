import KCCModel

/// The outcome a reconciliation gave one refund, as the ledger keeps it (the
/// latest per source system and refund id).
package struct RefundOutcomeRecord: Sendable, Hashable {
    package var refundID: String
    package var sourceSystem: String
    /// The spec's outcome name, e.g. `needs-credit-note`.
    package var outcome: String
    package var reason: String
    package var creditNote: String?
    package var orderNumber: String?
    package var amount: Money?
    package var sourceFile: String
    package var sourceLine: Int?
    /// When it was last seen (filled by the ledger when read back).
    package var seenAt: Timestamp?
    /// The day the refund was made, as its source says.
    package var date: CalendarDate?

    package init(
        refundID: String, sourceSystem: String, outcome: String, reason: String, creditNote: String? = nil,
        orderNumber: String? = nil, amount: Money? = nil, sourceFile: String, sourceLine: Int? = nil,
        seenAt: Timestamp? = nil, date: CalendarDate? = nil
    ) {
        self.date = date
        self.refundID = refundID
        self.sourceSystem = sourceSystem
        self.outcome = outcome
        self.reason = reason
        self.creditNote = creditNote
        self.orderNumber = orderNumber
        self.amount = amount
        self.sourceFile = sourceFile
        self.sourceLine = sourceLine
        self.seenAt = seenAt
    }
}
