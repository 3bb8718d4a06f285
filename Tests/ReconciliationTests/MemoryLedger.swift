import KCCModel
import Ledger
import Reconciliation

/// A ledger in memory, for deciding outcomes without a database.
final class MemoryLedger: ReconciliationStore {
    var creditNotes: [CreditNoteBalance] = []
    var knownOrders: Set<String> = []
    var applied: [String: Money] = [:]
    var appliedIDs: Set<String> = []
    var resolutions: [String: Resolution] = [:]
    var completed: [[RefundDecision]] = []
    /// Refunds seen by completed runs, by "system/id".
    var sightings: [String: RefundSighting] = [:]
    /// Refunds applied by earlier runs, for the report.
    var appliedRefunds: [AppliedRefund] = []

    func appliedRefunds(creditNote: String) throws -> [AppliedRefund] {
        appliedRefunds.filter { $0.refund.creditNote == creditNote }
    }

    func add(
        creditNote number: String, order: String, gross: String, currency: Currency = .gbp,
        customer: String = "Jane Smith",
        date: CalendarDate = CalendarDate(year: 2026, month: 11, day: 10)!
    ) {
        creditNotes.append(
            CreditNoteBalance(
                number: number, orderNumber: order, relatedInvoice: nil, customerCode: "C-1",
                customerName: customer, date: date, gross: try! Money(parsing: gross, currency: currency),
                applied: .zero(currency), refundCount: 0))
        knownOrders.insert(order)
    }

    func creditNote(_ number: String) throws -> CreditNoteBalance? {
        creditNotes.first { $0.number == number }.map(withApplied)
    }

    func creditNotes(forOrder orderNumber: String) throws -> [CreditNoteBalance] {
        creditNotes.filter { $0.orderNumber == orderNumber }.map(withApplied)
    }

    func isOrderKnown(_ orderNumber: String) throws -> Bool { knownOrders.contains(orderNumber) }
    func isRefundApplied(id: String, system: String) throws -> Bool { appliedIDs.contains("\(system)/\(id)") }
    func resolution(refundID: String, system: String) throws -> Resolution? { resolutions["\(system)/\(refundID)"] }
    func creditNoteNumbers() throws -> [String] { creditNotes.map(\.number) }
    var exportedTo: Set<String> = ["xero-xml", "qbd-iif"]
    func exportTargets(of number: String) throws -> Set<String> { exportedTo }
    func earlierSighting(id: String, system: String) throws -> RefundSighting? { sightings["\(system)/\(id)"] }

    func creditNotes(amount: Money, from: CalendarDate, through: CalendarDate) throws -> [CreditNoteBalance] {
        creditNotes.filter { $0.gross == amount && $0.date >= from && $0.date <= through }.map(withApplied)
    }

    func begin(_ plan: ExportPlan) throws -> RunID { RunID(1) }
    func willWrite(_ run: RunID, path: String) throws {}
    func abandon(_ run: RunID) throws {}

    /// Thrown by ``complete(_:decisions:)`` instead of recording, when set.
    var completionError: (any Error)?

    /// As the ledger's transaction: nothing changes unless the outputs are committed.
    func complete(_ run: RunID, decisions: RefundDecisions, outputs: RunOutputs) throws {
        if let completionError { throw completionError }
        let decisions = try decisions.all()
        try outputs.committed()
        completed.append(decisions)
        for d in decisions where d.outcome != .duplicate && d.outcome != .conflict {
            let key = "\(d.refund.system)/\(d.refund.id)"
            if sightings[key]?.applied == true { continue }
            sightings[key] = RefundSighting(
                amount: d.refund.amount, date: d.refund.date, applied: d.outcome.isApplied,
                context: "seen (\(d.outcome))")
        }
        for d in decisions where d.outcome.isApplied {
            for part in d.applications { applied[part.creditNote, default: .zero(part.amount.currency)] += part.amount }
            appliedIDs.insert("\(d.refund.system)/\(d.refund.id)")
        }
    }

    private func withApplied(_ note: CreditNoteBalance) -> CreditNoteBalance {
        var note = note
        if let more = applied[note.number] { note.applied += more }
        return note
    }
}
