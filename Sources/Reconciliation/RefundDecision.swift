import KCCModel
import Ledger
import PackageInterface

/// What reconciliation decided for one refund, and everything a person needs to check it.
package struct RefundDecision: Sendable, Hashable {
    package var refund: Refund
    package var outcome: RefundOutcome
    /// One sentence: why this outcome.
    package var reason: String
    /// What was looked up and what was found.
    package var evidence: [String]
    /// The credit note it is allocated to (applied outcomes) or was matched against.
    package var creditNote: String?
    package var orderNumber: String?
    /// The customer of the credit note it was matched against.
    package var customerName: String?
    /// Credit notes it could belong to (ambiguous).
    package var candidates: [String] = []
    /// Near misses, never applied.
    package var suggestions: [String] = []
    /// What a person can do about it, for items that need one (empty otherwise).
    package var steps: [ResolutionStep] = []
    /// A hand decision already recorded.
    package var resolution: Resolution?

    /// Listed for a person: not applied, not a duplicate, not already resolved by a person.
    package var needsPerson: Bool {
        !outcome.isApplied && outcome != .duplicate && resolution == nil
    }
}

extension RefundDecision {
    /// The refund as an accounting package records it, for applied outcomes.
    package var payment: RefundPayment? {
        guard outcome.isApplied, let creditNote, let amount = refund.amount, let date = refund.date else { return nil }
        return RefundPayment(
            refundID: refund.id, creditNote: creditNote, orderNumber: orderNumber,
            customerName: customerName ?? refund.customer ?? "", amount: amount, date: date, method: refund.method,
            reference: refund.reference)
    }
}
