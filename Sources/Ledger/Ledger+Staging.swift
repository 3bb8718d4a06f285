import KCCModel

extension Ledger {
    /// Step 2½ of a long run: records documents the run has written so far,
    /// on disk, so the run need not hold them in memory until it completes.
    /// They count as exported only when ``completeRun(_:documents:refunds:outcomes:)``
    /// commits the run; a run rolled back (or recovered) drops them.
    package func stageDocuments(_ id: RunID, _ documents: [ExportedDocument]) throws(LedgerError) {
        guard !documents.isEmpty else { return }
        var documents = documents
        // A batch's documents go to a handful of files: each path is resolved once.
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
            _ = try Self.nonEmpty(documents[index].number, "a document number")
            guard documents[index].outputIndex >= 1 else {
                throw LedgerError(
                    .invalidValue,
                    "\(documents[index].number)'s position in \(documents[index].outputFile) must be 1 or more")
            }
        }
        // Staged documents count for nothing until the run commits, and a crash drops them with the
        // run: they need not reach the disk now. The committing transaction's sync (FULL) writes the
        // log they are in to the disk with it.
        try writeUnsynced { db in
            _ = try Self.pendingRun(id, in: db, toBe: "given documents")
            try Self.insert(
                documents,
                into: """
                    staged_document (run_id, kind, number, order_number, related_invoice, customer_code, customer_name,
                        document_date, currency, gross_minor, output_file, output_index)
                    """, in: db
            ) { d in
                [
                    id.rawValue, d.kind.rawValue, d.number, d.orderNumber, d.relatedInvoice, d.customerCode,
                    d.customerName, d.date.description, d.gross.currency.code, d.gross.minorUnits, d.outputFile,
                    d.outputIndex,
                ]
            }
        }
    }

    /// Moves a run's staged documents into `exported_document`, inside the
    /// run's committing transaction, with the same rules as documents given to
    /// `completeRun` directly: files planned and on disk, nothing exported to
    /// the target before unless the run is a re-export, no number twice in a run.
    static func commitStaged(_ run: ExportRun, in db: any LedgerConnection) throws {
        let id = run.id.rawValue
        let planned = Set(run.outputPaths)
        let files: [String] = try db.values("SELECT DISTINCT output_file FROM staged_document WHERE run_id = ?", [id])
        for file in files {
            guard planned.contains(file) else {
                throw LedgerError(
                    .unplannedOutput,
                    "\(file) was not among run \(run.id)'s planned outputs, so its documents cannot be recorded")
            }
            guard LocalFiles.exists(file) else {
                throw LedgerError(
                    .missingOutput,
                    "\(file) is not on disk, so run \(run.id)'s documents in it cannot be recorded as exported")
            }
        }
        // The occurrence of each: one past the target's last of that number; within a re-export, the copies of one
        // number count on in staging order. A run that is not a re-export may hold each number once and none the
        // target already has, so each is the first (occurrence 1): no look-up of the last, no count within the run,
        // no sort for one. The rule itself is kept by the unique index on (target, number, kind, occurrence): every
        // number the target has has an occurrence 1, so a number exported before, or twice in this run, fails the
        // insert; only then are the staged documents searched for which one it was, to say so.
        let occurrence =
            run.reexport
            ? """
            COALESCE((SELECT MAX(d.occurrence) FROM exported_document d WHERE d.target = ?1 AND d.number = s.number AND d.kind = s.kind), 0)
                + ROW_NUMBER() OVER (PARTITION BY s.kind, s.number ORDER BY s.id)
            """ : "1"
        try db.execute("SAVEPOINT commit_staged")
        do {
            // Every copied value passed the same CHECK constraints when it was staged (a test holds the two tables'
            // column definitions equal); `target` has none and `occurrence` is 1 or more by construction. Checking
            // them again was half the cost of this statement.
            try db.withoutRecheckingConstraints {
                try db.execute(
                    """
                    INSERT INTO exported_document (run_id, kind, number, order_number, related_invoice, customer_code, customer_name,
                        document_date, currency, gross_minor, target, output_file, output_index, occurrence)
                    SELECT s.run_id, s.kind, s.number, s.order_number, s.related_invoice, s.customer_code, s.customer_name,
                        s.document_date, s.currency, s.gross_minor, ?1, s.output_file, s.output_index, \(occurrence)
                    FROM staged_document s WHERE s.run_id = ?2 ORDER BY s.id
                    """, [run.target, id])
            }
        } catch {
            try db.execute("ROLLBACK TO SAVEPOINT commit_staged")
            if !run.reexport { try refuseRepeats(run, in: db) }
            throw error
        }
        try db.execute("RELEASE SAVEPOINT commit_staged")
        try db.execute("DELETE FROM staged_document WHERE run_id = ?", [id])
    }

    /// Why a run that is not a re-export cannot commit its staged documents: one was exported to the target
    /// before, or is staged twice. Finds the first of either and throws it; returns if there is none.
    private static func refuseRepeats(_ run: ExportRun, in db: any LedgerConnection) throws {
        let id = run.id.rawValue
        if let row = try db.row(
            """
            SELECT s.kind, s.number FROM staged_document s
            WHERE s.run_id = ? AND EXISTS (
                SELECT 1 FROM exported_document d JOIN export_run r ON r.id = d.run_id
                WHERE d.target = ? AND d.number = s.number AND d.kind = s.kind AND r.status = 'committed')
            ORDER BY s.id LIMIT 1
            """, [id, run.target])
        {
            let kind = DocumentKind(rawValue: row["kind"]) ?? .invoice
            let number: String = row["number"]
            let last = try priorExports(in: db, number: number, kind: kind, target: run.target).last
            throw LedgerError(
                .alreadyExported,
                "\(last.map { "\($0)" } ?? "\(number) was already exported to \(run.target)"); run \(run.id) is not a re-export, so nothing of it was recorded"
            )
        }
        if let row = try db.row(
            "SELECT kind, number FROM staged_document WHERE run_id = ? GROUP BY kind, number HAVING COUNT(*) > 1 LIMIT 1",
            [id])
        {
            let kind = DocumentKind(rawValue: row["kind"]) ?? .invoice
            let number: String = row["number"]
            throw LedgerError(
                .invalidValue, "\(kind.noun) \(number) is more than once among run \(run.id)'s documents")
        }
    }
}
