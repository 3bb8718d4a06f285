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
    /// A refund a person split across credit notes: each one's share (empty otherwise).
    package var parts: [CreditNotePart] = []
    /// A hand decision already recorded.
    package var resolution: Resolution?
    /// Whether the ledger records the outcome: not for a refund whose id held a control character, which
    /// the ledger could not keep as it is (reported, and mended in its file).
    package var recorded = true
    /// The refunds earlier runs applied to its credit note, for the report (the ledger's, as this run began):
    /// the first ``earlierShown`` of them, oldest first.
    package var earlier: [AppliedRefund] = []
    /// How many refunds earlier runs applied to its credit note in all.
    package var earlierCount = 0

    /// Earlier refunds the report names beside a decision; it says how many more there are.
    package static let earlierShown = 10

    /// Listed for a person: not applied, not a duplicate, not already resolved by a person.
    package var needsPerson: Bool {
        !outcome.isApplied && outcome != .duplicate && resolution == nil
    }
}

extension RefundDecision {
    /// What an applied refund puts on which credit note: all of it on its
    /// credit note, or each part of a split on its own.
    package var applications: [CreditNotePart] {
        guard outcome.isApplied else { return [] }
        if !parts.isEmpty { return parts }
        guard let creditNote, let amount = refund.amount else { return [] }
        return [CreditNotePart(creditNote: creditNote, amount: amount)]
    }

    /// The refund as an accounting package records it, for applied outcomes: one payment per credit note.
    package var payments: [RefundPayment] {
        guard let date = refund.date else { return [] }
        return applications.map { part in
            RefundPayment(
                refundID: refund.id, creditNote: part.creditNote, orderNumber: orderNumber,
                customerName: customerName ?? refund.customer ?? "", amount: part.amount, date: date,
                method: refund.method, reference: refund.reference)
        }
    }
}
