import DurableOutput
import KCCModel
import Ledger

/// The ledger as a conversion sees it: duplicate-proofing, and the crash-safe
/// run protocol (pending run with planned outputs → durable outputs → one
/// transaction recording every document).
package final class LedgerJournal: ExportJournal {
    private let ledger: Ledger
    private var documents: [ExportedDocument] = []
    /// Per target, a hash of every (kind, number) exported to it: the duplicate
    /// check asks the ledger only about a document whose hash is here (a
    /// document exported before, or a rare collision), not about every one.
    /// Eight bytes or so per exported document, whatever the batch's size.
    private var exported: [String: Set<Int>] = [:]
    /// This run's target and the hashes of its documents, added to `exported` once it commits.
    private var target = ""
    private var recorded: [Int] = []
    /// This run's staging, on a thread of its own, so this one goes on mapping and writing while the ledger takes
    /// the last batch: batches in order, at most two in hand; the first failure is thrown at the next hand-over
    /// or at completion, and a run whose staging failed is never completed.
    private var staging: OrderedWorker<LedgerError>?
    /// Questions asked so far; the first ``askedOneByOne`` go to the ledger one by one.
    private var lookups = 0
    private static let askedOneByOne = 500

    package init(ledger: Ledger) {
        self.ledger = ledger
    }

    private static func key(_ kind: String, _ number: String) -> Int {
        var hasher = Hasher()
        hasher.combine(kind)
        hasher.combine(number)
        return hasher.finalize()
    }

    package func priorExport(number: String, kind: DocumentKind, target: String) throws -> String? {
        lookups += 1
        // A small file asks a few questions; a batch asks enough to make one pass over the target's exports pay.
        if exported[target] == nil && lookups <= Self.askedOneByOne {
            return try ledger.priorExports(number: number, kind: kind, target: target).last?.description
        }
        if exported[target] == nil {
            var keys = Set<Int>()
            try ledger.forEachExport(to: target) { kind, number in keys.insert(Self.key(kind, number)) }
            exported[target] = keys
        }
        guard exported[target]?.contains(Self.key(kind.rawValue, number)) == true else { return nil }
        return try ledger.priorExports(number: number, kind: kind, target: target).last?.description
    }

    package func begin(_ plan: ExportPlan) throws -> RunID {
        documents = []
        recorded = []
        target = plan.target
        let run = try ledger.beginRun(plan)
        staging = OrderedWorker(label: "kccbridge.ledger-staging")
        return run
    }

    package func willWrite(_ run: RunID, path: String) throws {
        try ledger.planOutput(run, path: path)
    }

    /// Documents are staged in the ledger in batches of this many, so memory stays flat.
    private static let stagingBatch = 2_000

    package func record(_ run: RunID, _ document: ExportedDocument) throws {
        documents.append(document)
        recorded.append(Self.key(document.kind.rawValue, document.number))
        if documents.count >= Self.stagingBatch { try flush(run) }
    }

    package func complete(_ run: RunID) throws {
        try flush(run)
        try staging?.finish()
        staging = nil
        try ledger.completeRun(run, documents: [])
        exported[target]?.formUnion(recorded)
        recorded = []
    }

    /// Hands the documents recorded since the last batch to the staging thread.
    private func flush(_ run: RunID) throws {
        guard !documents.isEmpty else { return }
        let batch = documents
        documents = []
        guard let staging else { preconditionFailure("documents are recorded only between begin and complete") }
        try staging.hand { [ledger] () throws(LedgerError) in try ledger.stageDocuments(run, batch) }
    }

    package func abandon(_ run: RunID) throws {
        documents = []
        recorded = []
        // Nothing is staged after the run is given up: the batches handed over are done (or failed) first.
        try? staging?.finish()
        staging = nil
        try ledger.abandonRun(run)
    }
}
