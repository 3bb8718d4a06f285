import KCCModel

/// A refund to record as applied: which refund, from which system, how much of which credit note.
package struct RefundApplication: Sendable, Hashable {
    /// The source system's own id (Xero PaymentID, QuickBooks TxnID, …).
    package var refundID: String
    /// e.g. `xero`, `quickbooks-online`, `linnworks`; a refund id is unique within its system.
    package var sourceSystem: String
    /// The credit note it is allocated to.
    package var creditNote: String
    /// Positive, in the credit note's currency.
    package var amount: Money
    /// The day the refund was made, as its source says.
    package var date: CalendarDate?

    package init(refundID: String, sourceSystem: String, creditNote: String, amount: Money, date: CalendarDate? = nil) {
        self.refundID = refundID
        self.sourceSystem = sourceSystem
        self.creditNote = creditNote
        self.amount = amount
        self.date = date
    }
}
