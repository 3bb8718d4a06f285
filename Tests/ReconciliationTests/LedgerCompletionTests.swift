import KCCModel
import KCCTestSupport
import Ledger
import Logging
import Testing

@testable import Reconciliation

/// The reconciliation's ledger transaction may take its decisions while the outputs are still being written;
/// it commits only once they are in place, and not at all when they are not.
@Suite("A reconciliation's ledger transaction waits for its outputs")
struct LedgerCompletionTests {
    private struct OutputsFailed: Error {}

    @Test("nothing it recorded shows before the outputs are in place, and nothing stays when they fail")
    func waitsForOutputs() throws {
        let path = TestFiles.makeFolder() + "/ledger.sqlite"
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let ledger = try Ledger(path: path, logger: logger)
        let other = try Ledger(path: path, logger: logger)
        let store = LedgerReconciliationStore(ledger: ledger)
        let run = try ledger.beginRun(
            ExportPlan(
                inputFile: "r.csv", inputSHA256: String(repeating: "a", count: 64), target: "reconcile",
                outputPaths: []))
        let writer = try RefundDecisions.Writer()
        try writer.append(
            RefundDecision(
                refund: Refund(
                    system: "csv", location: SourceLocation(file: "r.csv", line: 2), id: "N1",
                    amount: Money(minorUnits: 500, currency: .gbp), orderNumber: "SO-1"),
                outcome: .needsCreditNote, reason: "order SO-1 has no credit note yet", evidence: [],
                orderNumber: "SO-1"))
        let decisions = try writer.finish()

        var seenWhileWaiting: RefundOutcomeRecord?? = .none
        #expect(throws: (any Error).self) {
            try store.complete(
                run, decisions: decisions,
                outputs: RunOutputs(
                    committed: {
                        seenWhileWaiting = .some(try other.refundOutcome(refundID: "N1", sourceSystem: "csv"))
                        throw OutputsFailed()
                    }, checkWithdrawn: {}))
        }
        #expect(seenWhileWaiting == .some(nil), "asked while the transaction waited: not recorded yet")
        #expect(try other.refundOutcome(refundID: "N1", sourceSystem: "csv") == nil, "the outputs failed")

        // Withdrawn while it works: it stops before recording a part, and never waits for the outputs.
        #expect(throws: (any Error).self) {
            try store.complete(
                run, decisions: decisions,
                outputs: RunOutputs(
                    committed: { Issue.record("waited for outputs that were withdrawn") },
                    checkWithdrawn: { throw OutputsFailed() }))
        }
        #expect(try other.refundOutcome(refundID: "N1", sourceSystem: "csv") == nil)

        try store.complete(run, decisions: decisions, outputs: .inPlace)
        #expect(try other.refundOutcome(refundID: "N1", sourceSystem: "csv")?.outcome == "needs-credit-note")
    }
}
