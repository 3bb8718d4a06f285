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

    public func begin(input: String, inputSHA256: String, target: String, reexport: Bool) throws -> Int64 {
        documents = []
        return try ledger.beginRun(ExportPlan(inputFile: input, inputSHA256: inputSHA256, target: target, outputPaths: [],
                                              reexport: reexport)).rawValue
    }

    public func willWrite(_ run: Int64, path: String) throws {
        try ledger.planOutput(RunID(run), path: path)
    }

    /// Documents are staged in the ledger in batches of this many, so memory stays flat.
    private static let stagingBatch = 2_000

    public func record(_ run: Int64, _ document: ExportedDocument) throws {
        documents.append(document)
        if documents.count >= Self.stagingBatch { try flush(run) }
    }

    public func complete(_ run: Int64) throws {
        try flush(run)
        try ledger.completeRun(RunID(run), documents: [])
    }

    private func flush(_ run: Int64) throws {
        guard !documents.isEmpty else { return }
        let batch = documents
        documents = []
        try ledger.stageDocuments(RunID(run), batch)
    }

    public func abandon(_ run: Int64) throws {
        documents = []
        try ledger.abandonRun(RunID(run))
    }
}
