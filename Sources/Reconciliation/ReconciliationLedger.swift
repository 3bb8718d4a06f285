import KCCModel
import Ledger

/// What reconciliation needs to know of earlier exports and refunds. The
/// ledger provides it (``LedgerReconciliationStore``); tests use one in memory.
/// Balances and resolutions are the ledger's own value types.
package protocol ReconciliationLedger {
    func creditNote(_ number: String) throws -> CreditNoteBalance?
    func creditNotes(forOrder orderNumber: String) throws -> [CreditNoteBalance]
    /// An invoice or payment was exported for this order.
    func isOrderKnown(_ orderNumber: String) throws -> Bool
    func isRefundApplied(id: String, system: String) throws -> Bool
    /// The hand decision in force for this refund, if any.
    func resolution(refundID: String, system: String) throws -> Resolution?
    /// Every exported credit note number (for typo suggestions).
    func creditNoteNumbers() throws -> [String]
    /// Credit notes of exactly this amount dated within the range (for near-miss suggestions).
    func creditNotes(amount: Money, from: CalendarDate, through: CalendarDate) throws -> [CreditNoteBalance]
    /// The targets a document was exported to (`xero-xml`, `qbd-iif` …).
    func exportTargets(of number: String) throws -> Set<String>
    /// How refund `id` from `system` was seen before, if it was: applied, or only decided.
    func earlierSighting(id: String, system: String) throws -> RefundSighting?
    /// The refunds earlier runs applied to this credit note (named in the report).
    func appliedRefunds(creditNote: String) throws -> [AppliedRefund]
    /// See the extension below: a store that can answer many at once says so here.
    func prepare(for refunds: ArraySlice<Refund>) throws
    func appliedRefunds(creditNotes: Set<String>) throws -> [String: [AppliedRefund]]
}

extension ReconciliationLedger {
    /// About to ask about `refunds`, in one reading snapshot: a store may fetch, in a few queries,
    /// what it will then be asked about each of them. The answers are the same either way.
    package func prepare(for refunds: ArraySlice<Refund>) throws {}

    /// ``appliedRefunds(creditNote:)`` for many credit notes: those with none are absent.
    package func appliedRefunds(creditNotes: Set<String>) throws -> [String: [AppliedRefund]] {
        var out: [String: [AppliedRefund]] = [:]
        for number in creditNotes {
            let applied = try appliedRefunds(creditNote: number)
            if !applied.isEmpty { out[number] = applied }
        }
        return out
    }
}

/// A refund as an earlier run saw it: what a new sighting of the same source
/// and id is compared with.
package struct RefundSighting: Sendable, Hashable {
    package var amount: Money?
    package var date: CalendarDate?
    /// Applied to a credit note (and so in KCC already).
    package var applied: Bool
    /// Where, in words: `applied to CRN-004608 in run 3`.
    package var context: String

    package init(amount: Money?, date: CalendarDate?, applied: Bool, context: String) {
        self.amount = amount
        self.date = date
        self.applied = applied
        self.context = context
    }

    /// `59.99 GBP on 2026-11-21`.
    package var version: String {
        "\(amount.map(\.description) ?? "no amount") on \(date?.description ?? "an unknown date")"
    }
}
