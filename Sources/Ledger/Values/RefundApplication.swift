import KCCModel

/// A refund to record as applied: which refund, from which system, how much of which credit note.
public struct RefundApplication: Sendable, Hashable {
    /// The source system's own id (Xero PaymentID, QuickBooks TxnID, …).
    public var refundID: String
    /// e.g. `xero`, `quickbooks-online`, `linnworks`; a refund id is unique within its system.
    public var sourceSystem: String
    /// The credit note it is allocated to.
    public var creditNote: String
    /// Positive, in the credit note's currency.
    public var amount: Money

    public init(refundID: String, sourceSystem: String, creditNote: String, amount: Money) {
        self.refundID = refundID
        self.sourceSystem = sourceSystem
        self.creditNote = creditNote
        self.amount = amount
    }
}
