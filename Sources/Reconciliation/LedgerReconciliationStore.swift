import DurableOutput
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

    /// What ``prepare(for:)`` fetched for a few hundred refunds; kept only inside one reading snapshot,
    /// where the ledger cannot change under it.
    private struct Prepared {
        /// The refunds prepared, by source system and id: their applications and resolutions were asked per source.
        var bySource: [String: Answers] = [:]
        var outcomes = RowsByKey<RefundOutcomeRecord>()
        var creditNoteNumbers: Set<ByteKey> = []
        var creditNotes = RowsByKey<CreditNoteBalance>()
        /// The orders of the refunds that name no credit note: their credit notes, and whether they were exported.
        var orderNumbers: Set<ByteKey> = []
        var creditNotesByOrder = RowsByKey<CreditNoteBalance>()
        var knownOrders = RowsByKey<String>()
    }
    private struct Answers {
        var refundIDs: Set<ByteKey> = []
        var applied = RowsByKey<AppliedRefund>()
        var resolutions = RowsByKey<Resolution>()
    }
    private var prepared: Prepared?
    private var snapshots = 0
    /// Asked once in a reading snapshot, when first needed (suggestions for refunds that did not match): every
    /// credit note number, and every credit note's amount and date by currency and gross.
    private var numbersInSnapshot: [String]?
    private var amountsInSnapshot: CreditNoteAmounts?

    package func prepare(for refunds: ArraySlice<Refund>) throws {
        guard snapshots > 0 else { return }
        var next = Prepared()
        for (system, ids) in Dictionary(grouping: refunds.map { ($0.system, $0.id) }, by: \.0) {
            let ids = ids.map(\.1)
            next.bySource[system] = Answers(
                refundIDs: Set(ids.map(ByteKey.init)),
                applied: try ledger.appliedRefunds(refundIDs: ids, sourceSystem: system),
                resolutions: try ledger.resolutions(refundIDs: ids, sourceSystem: system))
        }
        next.outcomes = try ledger.refundOutcomes(refundIDs: refunds.map(\.id))
        let numbers = refunds.compactMap(\.creditNote)
        next.creditNoteNumbers = Set(numbers.map(ByteKey.init))
        next.creditNotes = try ledger.creditNotes(numbers: numbers)
        let orders = refunds.filter { $0.creditNote == nil }.compactMap(\.orderNumber)
        next.orderNumbers = Set(orders.map(ByteKey.init))
        next.creditNotesByOrder = try ledger.creditNotes(orderNumbers: orders)
        // Whether an order was exported is asked only of one with no credit note.
        next.knownOrders = try ledger.knownOrders(orders.filter { next.creditNotesByOrder[$0].isEmpty })
        prepared = next
    }

    package func readingTogether<T>(_ body: () throws -> T) throws -> T {
        snapshots += 1
        defer {
            snapshots -= 1
            if snapshots == 0 {
                prepared = nil
                numbersInSnapshot = nil
                amountsInSnapshot = nil
            }
        }
        return try ledger.readingTogether(body)
    }

    /// The prepared answers about refund `id` from `system`, if it was among those prepared.
    private func prepared(_ id: String, _ system: String) -> (Prepared, Answers)? {
        guard let prepared, let answers = prepared.bySource[system], answers.refundIDs.contains(ByteKey(id))
        else { return nil }
        return (prepared, answers)
    }

    package func creditNote(_ number: String) throws -> CreditNoteBalance? {
        if let prepared, prepared.creditNoteNumbers.contains(ByteKey(number)) {
            return prepared.creditNotes[number].first
        }
        return try ledger.creditNote(number: number)
    }
    package func appliedRefunds(creditNote: String) throws -> [AppliedRefund] {
        try ledger.appliedRefunds(creditNote: creditNote)
    }
    package func appliedRefunds(creditNotes: Set<String>) throws -> [String: [AppliedRefund]] {
        let found = try ledger.appliedRefunds(creditNotes: creditNotes.sorted())
        var out: [String: [AppliedRefund]] = [:]
        for number in creditNotes where !found[number].isEmpty { out[number] = found[number] }
        return out
    }
    package func creditNotes(forOrder orderNumber: String) throws -> [CreditNoteBalance] {
        if let prepared, prepared.orderNumbers.contains(ByteKey(orderNumber)) {
            return prepared.creditNotesByOrder[orderNumber]
        }
        return try ledger.creditNotes(orderNumber: orderNumber)
    }
    package func isOrderKnown(_ orderNumber: String) throws -> Bool {
        if let prepared, prepared.orderNumbers.contains(ByteKey(orderNumber)),
            prepared.creditNotesByOrder[orderNumber].isEmpty
        {
            return !prepared.knownOrders[orderNumber].isEmpty
        }
        return try ledger.isOrderKnown(orderNumber)
    }
    package func isRefundApplied(id: String, system: String) throws -> Bool {
        try !appliedParts(id: id, system: system).isEmpty
    }
    package func resolution(refundID: String, system: String) throws -> Resolution? {
        if let (_, answers) = prepared(refundID, system) { return answers.resolutions[refundID].last }
        return try ledger.resolutions(refundID: refundID, sourceSystem: system).last
    }

    /// Every application of refund `id` from `system`, oldest first.
    private func appliedParts(id: String, system: String) throws -> [AppliedRefund] {
        if let (_, answers) = prepared(id, system) { return answers.applied[id] }
        return try ledger.appliedRefundParts(refundID: id, sourceSystem: system)
    }

    /// How refund `id` from `system` was decided before, if it was.
    private func outcome(id: String, system: String) throws -> RefundOutcomeRecord? {
        if let (prepared, _) = prepared(id, system) {
            return prepared.outcomes[id].first { $0.sourceSystem == system }
        }
        return try ledger.refundOutcomes(refundID: id).first { $0.sourceSystem == system }
    }
    package func creditNoteNumbers() throws -> [String] {
        guard snapshots > 0 else { return try ledger.creditNoteNumbers() }
        if let numbersInSnapshot { return numbersInSnapshot }
        let numbers = try ledger.creditNoteNumbers()
        numbersInSnapshot = numbers
        return numbers
    }

    /// The ledger's answer, in its order (by id); within a snapshot, from one pass over the credit notes
    /// instead of a search of every document for each refund that did not match.
    package func creditNotes(amount: Money, from: CalendarDate, through: CalendarDate) throws -> [CreditNoteBalance] {
        guard snapshots > 0 else { return try ledger.creditNotes(amount: amount, from: from, through: through) }
        let amounts = try amountsInSnapshot ?? ledger.creditNoteAmounts()
        amountsInSnapshot = amounts
        return try amounts.numbers(amount: amount, from: from, through: through).compactMap(creditNote)
    }

    package func earlierSighting(id: String, system: String) throws -> RefundSighting? {
        let parts = try appliedParts(id: id, system: system)
        if let first = parts.first {
            // A split refund's amount is the sum of its parts.
            let total = parts.dropFirst().reduce(first.refund.amount) { $0.adding($1.refund.amount) ?? $0 }
            return RefundSighting(
                amount: total, date: first.refund.date, applied: true,
                context: "applied to \(parts.map(\.refund.creditNote).joined(separator: " and ")) in run \(first.run)")
        }
        guard let seen = try outcome(id: id, system: system) else { return nil }
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

    package func complete(_ run: RunID, decisions: RefundDecisions, outputs: RunOutputs) throws {
        try ledger.completeRun(
            run, documents: [],
            refundRecords: { record in
                try decisions.read { pass in
                    var refunds: [RefundApplication] = []
                    var outcomes: [RefundOutcomeRecord] = []
                    for d in pass {
                        for part in d.applications {
                            refunds.append(
                                RefundApplication(
                                    refundID: d.refund.id, sourceSystem: d.refund.system, creditNote: part.creditNote,
                                    amount: part.amount, date: d.refund.date))
                        }
                        // A duplicate leaves the sighting as it was; a conflict is recorded (so `--pending` lists it)
                        // but keeps the first version's amount and date: they are what the next sighting is compared with.
                        if d.outcome != .duplicate && d.recorded {
                            outcomes.append(
                                RefundOutcomeRecord(
                                    refundID: d.refund.id, sourceSystem: d.refund.system, outcome: d.outcome.rawValue,
                                    reason: d.reason, creditNote: d.creditNote, orderNumber: d.orderNumber,
                                    amount: d.outcome == .conflict ? nil : d.refund.amount,
                                    sourceFile: d.refund.location.file, sourceLine: d.refund.location.line,
                                    date: d.outcome == .conflict ? nil : d.refund.date))
                        }
                        if refunds.count + outcomes.count >= Self.recordedTogether {
                            try record(refunds, outcomes)
                            Failpoint.hit("reconcile:recording")
                            refunds.removeAll(keepingCapacity: true)
                            outcomes.removeAll(keepingCapacity: true)
                        }
                    }
                    try record(refunds, outcomes)
                    // Every decision recorded, the transaction still open.
                    Failpoint.hit("reconcile:recording")
                }
            }, outputs: outputs)
    }

    /// Refund applications and outcomes handed to the ledger at once when a run is recorded.
    static let recordedTogether = 4000

    package func abandon(_ run: RunID) throws {
        try ledger.abandonRun(run)
    }
}
