import KCCModel
import Ledger

/// What reconciliation decided for one refund, and everything a person needs to check it.
public struct RefundDecision: Sendable, Hashable {
    public var refund: Refund
    public var outcome: RefundOutcome
    /// One sentence: why this outcome.
    public var reason: String
    /// What was looked up and what was found.
    public var evidence: [String]
    /// The credit note it is allocated to (applied outcomes) or was matched against.
    public var creditNote: String?
    public var orderNumber: String?
    /// The customer of the credit note it was matched against.
    public var customerName: String?
    /// Credit notes it could belong to (ambiguous).
    public var candidates: [String] = []
    /// Near misses, never applied.
    public var suggestions: [String] = []
    /// What a person can do about it, for items that need one (empty otherwise).
    public var steps: [ResolutionStep] = []
    /// A hand decision already recorded.
    public var resolution: Resolution?

    /// Listed for a person: not applied, not a duplicate, not already resolved by a person.
    public var needsPerson: Bool {
        !outcome.isApplied && outcome != .duplicate && resolution == nil
    }
}
