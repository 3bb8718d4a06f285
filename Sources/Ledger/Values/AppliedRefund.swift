/// A refund the ledger recorded as applied.
public struct AppliedRefund: Sendable, Hashable, CustomStringConvertible {
    public var refund: RefundApplication
    /// The run whose KCC payment import carries it.
    public var run: RunID
    public var appliedAt: Timestamp

    public init(refund: RefundApplication, run: RunID, appliedAt: Timestamp) {
        self.refund = refund
        self.run = run
        self.appliedAt = appliedAt
    }

    /// `refund R-1 (xero) of 20.00 GBP applied to CRN-004511 in run 18`.
    public var description: String {
        "refund \(refund.refundID) (\(refund.sourceSystem)) of \(refund.amount) applied to \(refund.creditNote) in run \(run)"
    }
}
