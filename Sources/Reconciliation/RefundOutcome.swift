/// Every refund gets exactly one of these (README, "kccbridge reconcile": the outcomes).
package enum RefundOutcome: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case matched
    case matchedByOrder = "matched-by-order"
    case partial
    case needsCreditNote = "needs-credit-note"
    case skippedUnmatchedOrder = "skipped-unmatched-order"
    case overRefund = "over-refund"
    case ambiguous
    case currencyMismatch = "currency-mismatch"
    case duplicate
    /// Seen before under the same source and id with other money or another date: a person decides which is right.
    case conflict
    /// Left out of KCC by a person (`resolve --ignore`).
    case ignored
    /// Applied in an earlier run, now deleted or voided in its source: the payment must be reversed in KCC.
    case reversal
    case invalid

    package var description: String { rawValue }

    /// Written to the KCC payment import (and recorded as applied in the ledger).
    package var isApplied: Bool {
        switch self {
        case .matched, .matchedByOrder, .partial: true
        default: false
        }
    }
}
