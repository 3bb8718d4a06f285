import KCCModel

/// Turning rows back into values.
///
/// A value the schema lets through but the model refuses (a currency that is
/// not ISO 4217, a malformed time) can only come from editing the file by
/// hand: it is reported as damage, never guessed.
enum Rows {
    /// The columns ``document(_:)`` reads, from ``documentsFrom``.
    static let documentColumns = """
        d.kind, d.number, d.order_number, d.related_invoice, d.customer_code, d.customer_name, d.document_date, \
        d.currency, d.gross_minor, d.output_file, d.output_index, d.run_id, d.target, d.occurrence, r.finished_at
        """
    /// Exported documents `d` of committed runs `r`.
    static let documentsFrom =
        "FROM exported_document d JOIN export_run r ON r.id = d.run_id AND r.status = 'committed'"

    /// The condition that a row of `exported_document` (by `alias`) is a committed run's. A run's documents are
    /// written there as the run goes and count only once it commits (a run rolled back takes its rows with it):
    /// every reading of the table asks this, or joins ``documentsFrom``. The runs not yet committed are few
    /// (those being written now, or left by a crash until recovery), so the question is a short list.
    static func committed(_ alias: String) -> String {
        "\(alias).run_id NOT IN (SELECT p.id FROM export_run p WHERE p.status = 'pending')"
    }

    static func document(_ row: SQLRow) throws(LedgerError) -> LedgerDocument {
        let number: String = row["number"]
        guard let kind = DocumentKind(rawValue: row["kind"]) else {
            throw damaged("document \(number) has an unknown kind")
        }
        let document = ExportedDocument(
            kind: kind, number: number, orderNumber: row["order_number"], relatedInvoice: row["related_invoice"],
            customerCode: row["customer_code"], customerName: row["customer_name"],
            date: try date(row["document_date"], of: number),
            gross: try money(row["gross_minor"], row["currency"], of: number),
            outputFile: row["output_file"], outputIndex: row["output_index"]
        )
        return LedgerDocument(
            document: document, run: RunID(row["run_id"]), exportedAt: try timestamp(row["finished_at"], of: number),
            target: row["target"], occurrence: row["occurrence"]
        )
    }

    static let runColumns =
        "id, status, started_at, finished_at, input_file, input_sha256, target, reexport, owner_pid, note"

    static func run(_ row: SQLRow, outputs: [String]) throws(LedgerError) -> ExportRun {
        let id = RunID(row["id"])
        guard let status = ExportRun.Status(rawValue: row["status"]) else {
            throw damaged("run \(id) has an unknown status")
        }
        let finished: String? = row["finished_at"]
        return ExportRun(
            id: id, status: status, startedAt: try timestamp(row["started_at"], of: "run \(id)"),
            finishedAt: try finished.map { text throws(LedgerError) in try timestamp(text, of: "run \(id)") },
            inputFile: row["input_file"], inputSHA256: row["input_sha256"], target: row["target"],
            reexport: row["reexport"], outputPaths: outputs, ownerProcess: row["owner_pid"], note: row["note"]
        )
    }

    static func money(_ minorUnits: Int64, _ code: String, of what: String) throws(LedgerError) -> Money {
        guard let currency = Currency(code: code) else {
            throw damaged("\(what) has currency '\(code)', which is not ISO 4217")
        }
        return Money(minorUnits: minorUnits, currency: currency)
    }

    static func date(_ text: String, of what: String) throws(LedgerError) -> CalendarDate {
        guard let date = CalendarDate(parsing: text) else { throw damaged("\(what) has a malformed date '\(text)'") }
        return date
    }

    static func timestamp(_ text: String?, of what: String) throws(LedgerError) -> Timestamp {
        guard let text, let time = Timestamp(iso8601: text) else {
            throw damaged("\(what) has a malformed time '\(text ?? "")'")
        }
        return time
    }

    static func damaged(_ what: String) -> LedgerError {
        LedgerError(.notALedger, "the ledger is damaged: \(what) (was the file edited by hand?)")
    }
}
