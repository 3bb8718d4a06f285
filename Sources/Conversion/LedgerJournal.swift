import KCCModel
import Ledger

/// The ledger as a conversion sees it: duplicate-proofing, and the crash-safe
/// run protocol (pending run with planned outputs → durable outputs → one
/// transaction recording every document).
package final class LedgerJournal: ExportJournal {
    private let ledger: Ledger
    private var documents: [ExportedDocument] = []

    package init(ledger: Ledger) {
        self.ledger = ledger
    }

    package func priorExport(number: String, kind: DocumentKind, target: String) throws -> String? {
        try ledger.priorExports(number: number, kind: kind, target: target).last?.description
    }

    package func begin(_ plan: ExportPlan) throws -> RunID {
        documents = []
        return try ledger.beginRun(plan)
    }

    package func willWrite(_ run: RunID, path: String) throws {
        try ledger.planOutput(run, path: path)
    }

    /// Documents are staged in the ledger in batches of this many, so memory stays flat.
    private static let stagingBatch = 2_000

    package func record(_ run: RunID, _ document: ExportedDocument) throws {
        documents.append(document)
        if documents.count >= Self.stagingBatch { try flush(run) }
    }

    package func complete(_ run: RunID) throws {
        try flush(run)
        try ledger.completeRun(run, documents: [])
    }

    private func flush(_ run: RunID) throws {
        guard !documents.isEmpty else { return }
        let batch = documents
        documents = []
        try ledger.stageDocuments(run, batch)
    }

    package func abandon(_ run: RunID) throws {
        documents = []
        try ledger.abandonRun(run)
    }
}
