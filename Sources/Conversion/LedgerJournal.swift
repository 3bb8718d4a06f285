import KCCModel
import Ledger

/// The ledger as a conversion sees it: duplicate-proofing, and the crash-safe
/// run protocol (pending run with planned outputs → durable outputs → one
/// transaction recording every document).
public final class LedgerJournal: ExportJournal {
    private let ledger: Ledger
    private var documents: [ExportedDocument] = []

    public init(ledger: Ledger) {
        self.ledger = ledger
    }

    public func priorExport(number: String, kind: DocumentKind, target: String) throws -> String? {
        try ledger.priorExports(number: number, kind: kind, target: target).last?.description
    }

    public func begin(_ plan: ExportPlan) throws -> RunID {
        documents = []
        return try ledger.beginRun(plan)
    }

    public func willWrite(_ run: RunID, path: String) throws {
        try ledger.planOutput(run, path: path)
    }

    /// Documents are staged in the ledger in batches of this many, so memory stays flat.
    private static let stagingBatch = 2_000

    public func record(_ run: RunID, _ document: ExportedDocument) throws {
        documents.append(document)
        if documents.count >= Self.stagingBatch { try flush(run) }
    }

    public func complete(_ run: RunID) throws {
        try flush(run)
        try ledger.completeRun(run, documents: [])
    }

    private func flush(_ run: RunID) throws {
        guard !documents.isEmpty else { return }
        let batch = documents
        documents = []
        try ledger.stageDocuments(run, batch)
    }

    public func abandon(_ run: RunID) throws {
        documents = []
        try ledger.abandonRun(run)
    }
}
