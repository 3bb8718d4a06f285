import KCCModel
import Ledger

/// The ledger as reconciliation sees it: lookups, and a run that records every
/// applied refund and every outcome in one transaction once the KCC payment
/// import and the report are on disk.
package final class LedgerReconciliationStore: ReconciliationStore {
    private let ledger: Ledger
    /// The target name reconciliation runs carry in the ledger's run table.
    package static let target = ReconciliationRun.target

    package init(ledger: Ledger) {
        self.ledger = ledger
    }

    package func creditNote(_ number: String) throws -> CreditNoteBalance? { try ledger.creditNote(number: number) }
    package func readingTogether<T>(_ body: () throws -> T) throws -> T { try ledger.readingTogether(body) }
    package func appliedRefunds(creditNote: String) throws -> [AppliedRefund] {
        try ledger.appliedRefunds(creditNote: creditNote)
    }
    package func creditNotes(forOrder orderNumber: String) throws -> [CreditNoteBalance] {
        try ledger.creditNotes(orderNumber: orderNumber)
    }
    package func isOrderKnown(_ orderNumber: String) throws -> Bool { try ledger.isOrderKnown(orderNumber) }
    package func isRefundApplied(id: String, system: String) throws -> Bool {
        try ledger.isRefundApplied(refundID: id, sourceSystem: system)
    }
    package func resolution(refundID: String, system: String) throws -> Resolution? {
        try ledger.resolutions(refundID: refundID, sourceSystem: system).last
    }
    package func creditNoteNumbers() throws -> [String] { try ledger.creditNoteNumbers() }

    package func creditNotes(amount: Money, from: CalendarDate, through: CalendarDate) throws -> [CreditNoteBalance] {
        try ledger.creditNotes(amount: amount, from: from, through: through)
    }

    package func earlierSighting(id: String, system: String) throws -> RefundSighting? {
        let parts = try ledger.appliedRefundParts(refundID: id, sourceSystem: system)
        if let first = parts.first {
            // A split refund's amount is the sum of its parts.
            let total = parts.dropFirst().reduce(first.refund.amount) { $0.adding($1.refund.amount) ?? $0 }
            return RefundSighting(
                amount: total, date: first.refund.date, applied: true,
                context: "applied to \(parts.map(\.refund.creditNote).joined(separator: " and ")) in run \(first.run)")
        }
        guard let seen = try ledger.refundOutcomes(refundID: id).first(where: { $0.sourceSystem == system }) else {
            return nil
        }
        return RefundSighting(
            amount: seen.amount, date: seen.date, applied: false, context: "seen before (\(seen.outcome))")
    }

    package func exportTargets(of number: String) throws -> Set<String> {
        Set(try ledger.documents(number: number).map(\.target))
    }

    package func begin(_ plan: ExportPlan) throws -> RunID {
        try ledger.beginRun(plan)
    }

    package func willWrite(_ run: RunID, path: String) throws {
        try ledger.planOutput(run, path: path)
    }

    package func complete(_ run: RunID, decisions: [RefundDecision]) throws {
        let refunds = decisions.flatMap { d in
            d.applications.map { part in
                RefundApplication(
                    refundID: d.refund.id, sourceSystem: d.refund.system, creditNote: part.creditNote,
                    amount: part.amount, date: d.refund.date)
            }
        }
        // A duplicate leaves the sighting as it was; a conflict is recorded (so `--pending` lists it) but keeps the
        // first version's amount and date: they are what the next sighting is compared with.
        let outcomes = decisions.filter { $0.outcome != .duplicate }.map { d in
            RefundOutcomeRecord(
                refundID: d.refund.id, sourceSystem: d.refund.system, outcome: d.outcome.rawValue, reason: d.reason,
                creditNote: d.creditNote, orderNumber: d.orderNumber,
                amount: d.outcome == .conflict ? nil : d.refund.amount,
                sourceFile: d.refund.location.file, sourceLine: d.refund.location.line,
                date: d.outcome == .conflict ? nil : d.refund.date)
        }
        try ledger.completeRun(run, documents: [], refunds: refunds, outcomes: outcomes)
    }

    package func abandon(_ run: RunID) throws {
        try ledger.abandonRun(run)
    }
}
