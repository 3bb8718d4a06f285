import Dispatch
import Ledger
import Synchronization

/// Stages a run's documents in the ledger on a thread of its own, so the conversion's thread goes on
/// mapping and writing while the ledger takes the last batch: the second core does the ledger's work.
///
/// Batches are staged in the order they are handed over. At most two wait at once, so memory stays flat
/// however far the ledger falls behind. The first failure stops the staging of later batches and is thrown
/// at the next hand-over or by ``finish()``; a run whose staging failed is never completed.
final class StagingWorker: Sendable {
    private let ledger: Ledger
    private let run: RunID
    private let queue = DispatchQueue(label: "kccbridge.ledger-staging")
    private let slots = DispatchSemaphore(value: 2)
    private let pending = DispatchGroup()
    private let failure = Mutex<LedgerError?>(nil)

    init(ledger: Ledger, run: RunID) {
        self.ledger = ledger
        self.run = run
    }

    /// Hands `batch` over to be staged; waits while two batches are already waiting.
    func stage(_ batch: [ExportedDocument]) throws(LedgerError) {
        try rethrow()
        slots.wait()
        queue.async(group: pending) { [self] in
            defer { slots.signal() }
            guard failure.withLock({ $0 == nil }) else { return }
            do throws(LedgerError) {
                try ledger.stageDocuments(run, batch)
            } catch {
                failure.withLock { $0 = $0 ?? error }
            }
        }
    }

    /// Waits until every batch handed over is staged; throws the first failure.
    func finish() throws(LedgerError) {
        pending.wait()
        try rethrow()
    }

    private func rethrow() throws(LedgerError) {
        if let error = failure.withLock({ $0 }) { throw error }
    }
}
