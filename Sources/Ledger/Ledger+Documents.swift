import KCCModel

/// What was exported: duplicate checks and the lookups reconciliation needs.
extension Ledger {
    /// Every earlier export of `number` as `kind` to `target`, oldest first;
    /// empty when it was never exported there.
    ///
    /// A converter holds a document back when this is not empty (unless the
    /// user asked for `--reexport`), and says why with the last one's
    /// description: "INV-100234 was already exported to xero-csv on 2026-11-20
    /// in run 17, file …".
    package func priorExports(number: String, kind: DocumentKind, target: String) throws(LedgerError) -> [PriorExport] {
        try read { try Self.priorExports(in: $0, number: number, kind: kind, target: target) }
    }

    /// Hands `body` the kind and number of every document exported to `target`
    /// by a committed run, in one pass (a conversion's duplicate check starts from them).
    package func forEachExport(to target: String, _ body: (String, String) -> Void) throws(LedgerError) {
        try read { db in
            try db.query(
                """
                SELECT d.kind, d.number FROM exported_document d JOIN export_run r ON r.id = d.run_id
                WHERE d.target = ? AND r.status = 'committed'
                """, [target]
            ) { row in
                body(row[0], row[1])
                return true
            }
        }
    }

    static func priorExports(
        in db: any LedgerConnection, number: String, kind: DocumentKind, target: String
    ) throws -> [PriorExport] {
        // Asked once per document of every conversion: prepared once per connection.
        try db.rows(
            """
            SELECT \(Rows.documentColumns) \(Rows.documentsFrom)
            WHERE d.target = ? AND d.number = ? AND d.kind = ? AND r.status = 'committed'
            ORDER BY d.occurrence
            """, [target, number, kind.rawValue]
        ).map { row in
            let recorded = try Rows.document(row)
            return PriorExport(
                number: number, kind: kind, target: target, run: recorded.run, exportedAt: recorded.exportedAt,
                outputFile: recorded.document.outputFile, outputIndex: recorded.document.outputIndex,
                occurrence: recorded.occurrence
            )
        }
    }

    /// Every export of a document numbered `number` (any kind, any target), oldest first.
    package func documents(number: String) throws(LedgerError) -> [LedgerDocument] {
        try documents(where: "d.number = ?", [number])
    }

    /// Every exported document of the sales order `orderNumber`, oldest first.
    package func documents(orderNumber: String) throws(LedgerError) -> [LedgerDocument] {
        try documents(where: "d.order_number = ?", [orderNumber])
    }

    /// The exported documents, oldest first: all of them, or those of one
    /// kind, one sales order, or exported on or after a day (UTC).
    package func list(
        kind: DocumentKind? = nil, order: String? = nil, since: CalendarDate? = nil
    ) throws(LedgerError) -> [LedgerDocument] {
        try documents(
            where:
                "(CAST(?1 AS TEXT) IS NULL OR d.kind = ?1) AND (CAST(?2 AS TEXT) IS NULL OR d.order_number = ?2) "
                + "AND (CAST(?3 AS TEXT) IS NULL OR r.finished_at >= ?3)",
            [kind?.rawValue, order, since?.description]
        )
    }

    /// Calls `body` with every exported document, oldest first, reading one at
    /// a time from a consistent snapshot (a large ledger is never held in memory).
    /// Errors `body` throws stop the walk and come out unchanged.
    package func forEachDocument(_ body: (LedgerDocument) throws -> Void) throws {
        var stoppedBy: (any Error)?
        try read { db in
            try db.query("SELECT \(Rows.documentColumns) \(Rows.documentsFrom) ORDER BY d.id", []) { row in
                let document = try Rows.document(row)
                do {
                    try body(document)
                } catch {
                    stoppedBy = error
                    return false
                }
                return true
            }
        }
        if let stoppedBy { throw stoppedBy }
    }

    private func documents(
        where condition: String, _ arguments: [any SQLArgument]
    ) throws(LedgerError) -> [LedgerDocument] {
        try read { db in
            try db.rows(
                "SELECT \(Rows.documentColumns) \(Rows.documentsFrom) WHERE \(condition) ORDER BY d.id", arguments
            )
            .map { row throws(LedgerError) in try Rows.document(row) }
        }
    }
}
