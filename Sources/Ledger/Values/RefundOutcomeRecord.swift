import KCCModel

/// The outcome a reconciliation gave one refund, as the ledger keeps it (the
/// latest per source system and refund id).
public struct RefundOutcomeRecord: Sendable, Hashable {
    public var refundID: String
    public var sourceSystem: String
    /// The spec's outcome name, e.g. `needs-credit-note`.
    public var outcome: String
    public var reason: String
    public var creditNote: String?
    public var orderNumber: String?
    public var amount: Money?
    public var sourceFile: String
    public var sourceLine: Int?
    /// When it was last seen (filled by the ledger when read back).
    public var seenAt: Timestamp?

    public init(
        refundID: String, sourceSystem: String, outcome: String, reason: String, creditNote: String? = nil,
        orderNumber: String? = nil, amount: Money? = nil, sourceFile: String, sourceLine: Int? = nil,
        seenAt: Timestamp? = nil
    ) {
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
