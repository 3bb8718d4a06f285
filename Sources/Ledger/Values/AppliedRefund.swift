/// A refund the ledger recorded as applied.
package struct AppliedRefund: Sendable, Hashable, CustomStringConvertible {
    package var refund: RefundApplication
    /// The run whose KCC payment import carries it.
    package var run: RunID
    package var appliedAt: Timestamp

    package init(refund: RefundApplication, run: RunID, appliedAt: Timestamp) {
        self.refund = refund
        self.run = run
        self.appliedAt = appliedAt
    }

    /// `refund R-1 (xero) of 20.00 GBP applied to CRN-004511 in run 18`.
    package var description: String {
        "refund \(refund.refundID) (\(refund.sourceSystem)) of \(refund.amount) applied to \(refund.creditNote) in run \(run)"
    }
}
