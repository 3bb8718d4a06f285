import DurableOutput
import Ledger

/// Stages a run's documents in the ledger on a thread of its own, so the conversion's thread goes on
/// mapping and writing while the ledger takes the last batch: the second core does the ledger's work.
///
/// Batches are staged in the order they are handed over. At most two are in hand at once (one being staged, one
/// waiting), so memory stays flat
/// however far the ledger falls behind. The first failure stops the staging of later batches and is thrown
/// at the next hand-over or by ``finish()``; a run whose staging failed is never completed.
final class StagingWorker: Sendable {
    private let ledger: Ledger
    private let run: RunID
    private let worker = OrderedWorker<LedgerError>(label: "kccbridge.ledger-staging")

    init(ledger: Ledger, run: RunID) {
        self.ledger = ledger
        self.run = run
    }

    /// Hands `batch` over to be staged; waits while two batches are in hand.
    func stage(_ batch: [ExportedDocument]) throws(LedgerError) {
        try worker.hand { [ledger, run] () throws(LedgerError) in try ledger.stageDocuments(run, batch) }
    }

    /// Waits until every batch handed over is staged; throws the first failure.
    func finish() throws(LedgerError) {
        try worker.finish()
    }
}
