import KCCModel

/// A run's documents are written into `exported_document` as the run goes (staged), and count as exported only
/// once the run commits: every reading of the table keeps to committed runs (``Rows/committed(_:)``). Each
/// document is written once, where it stays; committing a run is the update of its status.
extension Ledger {
    /// Step 2½ of a long run: records documents the run has written so far,
    /// on disk, so the run need not hold them in memory until it completes.
    /// They count as exported only when ``completeRun(_:documents:refunds:outcomes:)``
    /// commits the run; a run rolled back (or recovered) drops them.
    ///
    /// The rules are kept here, as they are staged: every document names an
    /// output the run planned, and a run that is not a re-export holds each
    /// number once and none the target already has (or another run, not yet
    /// committed, is exporting).
    package func stageDocuments(_ id: RunID, _ documents: [ExportedDocument]) throws(LedgerError) {
        guard !documents.isEmpty else { return }
        let documents = try Self.placed(documents)
        // Staged documents count for nothing until the run commits, and a crash drops them with the
        // run: they need not reach the disk now. The committing transaction's sync (FULL) writes the
        // log they are in to the disk with it.
        do {
            try writeUnsynced { db in
                let run = try Self.pendingRun(id, in: db, toBe: "given documents")
                try Self.stage(documents, of: run, in: db)
            }
        } catch {
            throw repeated(documents, in: id) ?? error
        }
    }

    /// `documents`, each checked (a number, a position of 1 or more), with their outputs as absolute paths, each
    /// path resolved once (a batch's documents go to a handful of files).
    static func placed(_ documents: [ExportedDocument]) throws(LedgerError) -> [ExportedDocument] {
        var documents = documents
        var resolved: [String: String] = [:]
        for index in documents.indices {
            let file = documents[index].outputFile
            if let known = resolved[file] {
                documents[index].outputFile = known
            } else {
                let absolute = LocalFiles.absolute(file)
                resolved[file] = absolute
                documents[index].outputFile = absolute
            }
            _ = try nonEmpty(documents[index].number, "a document number")
            guard documents[index].outputIndex >= 1 else {
                throw LedgerError(
                    .invalidValue,
                    "\(documents[index].number)'s position in \(documents[index].outputFile) must be 1 or more, not \(documents[index].outputIndex)"
                )
            }
        }
        return documents
    }

    /// Writes `documents` (placed) into `exported_document` as the pending `run`'s, in their order.
    ///
    /// The occurrence of each is one past the target's last committed one of that number, the run's own earlier
    /// copies included (another run's, not yet committed, may yet be rolled back: counting them could leave a
    /// gap). A run that is not a re-export may hold each number once and none the target already has, so
    /// each is the first (occurrence 1): no look-up of the last. The rule itself is kept by the unique index on
    /// (target, number, kind, occurrence): every number the target has has an occurrence 1, so a number exported
    /// before, or twice in this run, or held by another run not yet committed, fails the insert, and with it the
    /// transaction; only then does the caller ask ``repeated(_:in:)`` which one it was, to say so. A re-export
    /// writes one row to a statement, so each looks up the copies written before it; it fails the same way only
    /// when another run not yet committed holds the same occurrence.
    static func stage(_ documents: [ExportedDocument], of run: ExportRun, in db: any LedgerConnection) throws {
        guard !documents.isEmpty else { return }
        let planned = Set(run.outputPaths)
        for file in Set(documents.map(\.outputFile)).sorted() where !planned.contains(file) {
            throw LedgerError(
                .unplannedOutput,
                "\(file) was not among run \(run.id)'s planned outputs, so its documents cannot be recorded")
        }
        let id = run.id.rawValue
        let target = run.target
        let occurrence =
            run.reexport
            ? """
            COALESCE((SELECT MAX(e.occurrence) FROM exported_document e
                      WHERE e.target = ? AND e.number = ? AND e.kind = ? AND (e.run_id = ? OR \(Rows.committed("e")))), 0) + 1
            """ : "1"
        try insert(
            documents,
            into: """
                exported_document (run_id, kind, number, order_number, related_invoice, customer_code, customer_name,
                    document_date, currency, gross_minor, target, output_file, output_index, occurrence)
                """,
            row: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, \(occurrence))", in: db,
            together: { _ in !run.reexport },
            values: { d in
                var values: [any SQLArgument] = [
                    id, d.kind.rawValue, d.number, d.orderNumber, d.relatedInvoice, d.customerCode, d.customerName,
                    d.date.description, d.gross.currency.code, d.gross.minorUnits, target, d.outputFile,
                    d.outputIndex,
                ]
                if run.reexport { values += [target, d.number, d.kind.rawValue, id] }
                return values
            })
    }

    /// Step 3's check of the staged documents, inside the committing transaction: every file they are in is on
    /// disk.
    static func checkStagedFiles(_ run: ExportRun, in db: any LedgerConnection) throws {
        let files: [String] = try db.values(
            "SELECT DISTINCT output_file FROM exported_document WHERE run_id = ?", [run.id.rawValue])
        for file in files.sorted() where !LocalFiles.exists(file) {
            throw LedgerError(
                .missingOutput,
                "\(file) is not on disk, so run \(run.id)'s documents in it cannot be recorded as exported")
        }
    }

    /// Why `documents` of run `id` could not be staged, asked once the transaction that tried has rolled back:
    /// the first of them exported to the target before or in the run already (or twice among them), for a run
    /// that is not a re-export; or, for any run, held by another run not yet committed. `nil` if none is, or if
    /// the ledger cannot say.
    func repeated(_ documents: [ExportedDocument], in id: RunID) -> LedgerError? {
        guard !documents.isEmpty else { return nil }
        return try? read { db -> LedgerError? in
            guard let run = try Self.fetchRun(id, in: db) else { return nil }
            return try Self.firstRepeat(documents, of: run, in: db)
        }
    }

    private static func firstRepeat(
        _ documents: [ExportedDocument], of run: ExportRun, in db: any LedgerConnection
    ) throws -> LedgerError? {
        var seen = Set<String>()
        for document in documents {
            let kind = document.kind
            if !run.reexport {
                if let last = try priorExports(in: db, number: document.number, kind: kind, target: run.target).last {
                    return LedgerError(
                        .alreadyExported, "\(last); run \(run.id) is not a re-export, so nothing of it was recorded")
                }
                if !seen.insert("\(kind.rawValue) \(document.number)").inserted {
                    return twice(document, run)
                }
            }
            // The runs not yet committed that hold the number, this one included: few, and found by the index.
            let holders: [Int64] = try db.values(
                """
                SELECT d.run_id FROM exported_document d
                WHERE d.target = ? AND d.number = ? AND d.kind = ? AND NOT (\(Rows.committed("d")))
                ORDER BY d.id
                """, [run.target, document.number, kind.rawValue])
            if !run.reexport, holders.contains(run.id.rawValue) { return twice(document, run) }
            if let holder = holders.first(where: { $0 != run.id.rawValue }) {
                return LedgerError(
                    .alreadyExported,
                    "\(document.number) is being exported to \(run.target) by run \(holder), which has not committed: it is still being written, or it was interrupted and is not rolled back yet (that happens once its outputs can be deleted); nothing of run \(run.id) was recorded. Try again once run \(holder) has finished"
                )
            }
        }
        return nil
    }

    private static func twice(_ document: ExportedDocument, _ run: ExportRun) -> LedgerError {
        LedgerError(
            .invalidValue, "\(document.kind.noun) \(document.number) is more than once among run \(run.id)'s documents")
    }
}
