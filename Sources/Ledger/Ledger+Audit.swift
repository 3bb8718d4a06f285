import CSVStreaming
import DurableOutput
import KCCModel

/// The ledger for a person: one number's history, everything as CSV, and a health check.
extension Ledger {
    /// Everything that happened to `number`, in time order: its exports (run,
    /// time, target, file and position), refunds applied to it or with that
    /// refund id, and resolutions that name it or are about that refund.
    package func history(number: String) throws(LedgerError) -> [AuditEvent] {
        let (documents, refunds, resolutions) = try read { db in
            (
                try db.rows(
                    "SELECT \(Rows.documentColumns) \(Rows.documentsFrom) WHERE d.number = ? ORDER BY d.id", [number]
                )
                .map { row throws(LedgerError) in try Rows.document(row) },
                try Self.appliedRefunds(in: db, where: "credit_note = ?1 OR refund_id = ?1", [number]),
                try Self.resolutions(
                    in: db, where: "refund_id = ?1 OR decision = ?2",
                    [number, Resolution.Decision.match(creditNote: number).text])
            )
        }
        let events =
            documents.map(AuditEvent.exported) + refunds.map(AuditEvent.refundApplied)
            + resolutions.map(AuditEvent.resolved)
        // A stable sort: events of one moment keep the order export, refund, resolution.
        return events.enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
    }

    /// The columns of ``exportCSV(to:)``, in order.
    package static let csvHeader = [
        "run", "exported_at", "target", "kind", "number", "occurrence", "order_number", "related_invoice",
        "customer_code", "customer_name", "document_date", "currency", "gross", "output_file", "output_index",
    ]

    /// Writes every exported document as RFC 4180 CSV (CRLF, a header row),
    /// oldest first, one row at a time.
    ///
    /// Amounts are plain decimals in the currency's digits (`120.00`, `1200`
    /// for JPY). Text that a spreadsheet would run as a formula is prefixed
    /// with `'`, because this file is meant to be opened by people.
    package func exportCSV(to sink: any ByteSink) throws {
        let writer = CSVWriter()
        var buffer = writer.encode(Self.csvHeader)
        func text(_ value: String) -> String {
            switch TextCellPolicy.escape.apply(value) {
            case .unchanged(let text), .changed(let text): text
            case .refused: ""
            }
        }
        try forEachDocument { entry in
            let d = entry.document
            writer.append(
                [
                    "\(entry.run)", entry.exportedAt.iso8601, text(entry.target), d.kind.rawValue, text(d.number),
                    "\(entry.occurrence)",
                    text(d.orderNumber), text(d.relatedInvoice ?? ""), text(d.customerCode), text(d.customerName),
                    d.date.description, d.gross.currency.code, d.gross.amountText, text(d.outputFile),
                    "\(d.outputIndex)",
                ], to: &buffer)
            if buffer.count >= 64 * 1024 {
                try sink.write(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try sink.write(buffer)
    }

    /// The database's own checks (for SQLite, `PRAGMA integrity_check` and
    /// `foreign_key_check`): an empty list when the ledger is sound, else one line per problem.
    package func checkIntegrity() throws(LedgerError) -> [String] {
        do {
            return try store.integrityProblems()
        } catch {
            throw store.translate(error)
        }
    }
}

extension Ledger {
    /// The ledger's other tables, for `ledger export --table`.
    package enum ExportTable: String, Sendable, CaseIterable {
        case runs = "export_run"
        case refunds = "applied_refund"
        case resolutions = "resolution"
        case outcomes = "refund_outcome"
        case processed = "processed_file"

        /// The name on the command line.
        package var name: String {
            switch self {
            case .runs: "runs"
            case .refunds: "refunds"
            case .resolutions: "resolutions"
            case .outcomes: "outcomes"
            case .processed: "processed"
            }
        }
    }

    /// Writes one table as RFC 4180 CSV, every column as stored, plus an
    /// `amount` column with the decimal amount wherever a row has minor units
    /// and a currency. Text that a spreadsheet would run as a formula is prefixed with `'`.
    package func exportCSV(table: ExportTable, to sink: any ByteSink) throws {
        let writer = CSVWriter()
        let order = store.insertionOrder(of: table.rawValue)
        try read { db in
            var buffer: [UInt8] = []
            var wroteHeader = false
            try db.query("SELECT * FROM \(table.rawValue) ORDER BY \(order)", []) { row in
                let columns = Array(row.columnNames)
                let minorColumn = columns.first { $0.hasSuffix("_minor") }
                if !wroteHeader {
                    buffer += writer.encode(columns + (minorColumn == nil ? [] : ["amount"]))
                    wroteHeader = true
                }
                var cells = columns.map { column -> String in
                    switch row.value(column) {
                    case .null: return ""
                    case .integer(let n): return String(n)
                    case .text(let s):
                        if case .changed(let safe) = TextCellPolicy.escape.apply(s) { return safe }
                        return s
                    }
                }
                if let minorColumn {
                    let minor: Int64? = row[minorColumn]
                    let currency = (row["currency"] as String?).flatMap { Currency(code: $0) }
                    cells.append(
                        minor.flatMap { m in currency.map { Money(minorUnits: m, currency: $0).amountText } } ?? "")
                }
                writer.append(cells, to: &buffer)
                if buffer.count >= 64 * 1024 {
                    try sink.write(buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
                return true
            }
            if !wroteHeader {
                let columns = try db.columnNames(ofTable: table.rawValue)
                buffer += writer.encode(columns + (columns.contains { $0.hasSuffix("_minor") } ? ["amount"] : []))
            }
            try sink.write(buffer)
        }
    }
}
