import ArgumentParser
import CSVStreaming
import DurableOutput
import KCCModel
import Ledger

/// `kccbridge ledger …`: what was exported and what came back, for a person.
struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Look into the ledger: every document exported, every refund applied, every resolution.",
        discussion:
            "The ledger is an SQLite file (see --ledger). These commands only read it. Exit status 0 when done, 1 when the ledger cannot be read or the number asked for is not in it, 2 for a usage error.",
        subcommands: [List.self, Export.self, Show.self]
    )

    /// `kccbridge ledger list`: the exported documents as an aligned table.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List exported documents, oldest first.")

        @Option(help: "Only this kind: invoice, credit or payment.")
        var kind: String?

        @Option(help: "Only documents of this sales order, e.g. SO-51877.")
        var order: String?

        @Option(help: "Only documents exported on or after this day (YYYY-MM-DD, UTC).")
        var since: String?

        @OptionGroup var location: LedgerLocation

        @Option(help: "text (default: an aligned table) or json (one JSON document).")
        var format: OutputFormat = .text

        func validate() throws {
            _ = try filters()
        }

        func filters() throws -> (kind: DocumentKind?, since: CalendarDate?) {
            var documentKind: DocumentKind?
            if let kind {
                let spelled = kind.uppercased() == "CREDIT-NOTE" ? "CREDIT" : kind.uppercased()
                guard let known = DocumentKind(rawValue: spelled) else {
                    throw ValidationError("--kind must be invoice, credit or payment, not '\(kind)'")
                }
                documentKind = known
            }
            var day: CalendarDate?
            if let since {
                guard let parsed = CalendarDate(parsing: since) else {
                    throw ValidationError("--since must be a date as YYYY-MM-DD, not '\(since)'")
                }
                day = parsed
            }
            return (documentKind, day)
        }

        func run() throws {
            let (kind, since) = try filters()
            let documents: [LedgerDocument]
            do {
                documents = try location.openExisting().list(kind: kind, order: order, since: since)
            } catch let failure as CommandFailure {
                throw Console(format: format, progress: false).fail(failure, command: "ledger list")
            } catch {
                throw Console(format: format, progress: false).fail(
                    CommandFailure(status: ExitStatus.needsAttention, message: "\(error)"), command: "ledger list")
            }
            if format == .json {
                return Console(format: .json, progress: false).emit(JSONLedgerList(documents))
            }
            var table = TextTable([
                .init(title: "RUN", alignment: .right), .init(title: "EXPORTED (UTC)"), .init(title: "TARGET"),
                .init(title: "KIND"),
                .init(title: "NUMBER"), .init(title: "ORDER"), .init(title: "CUSTOMER"),
                .init(title: "GROSS", alignment: .right),
                .init(title: "FILE"),
            ])
            for entry in documents {
                let d = entry.document
                table.append([
                    "\(entry.run)", "\(entry.exportedAt)", entry.target, d.kind.rawValue,
                    entry.occurrence > 1 ? "\(d.number) (#\(entry.occurrence))" : d.number, d.orderNumber,
                    "\(d.customerCode) \(d.customerName)", "\(d.gross)", "\(d.outputFile):\(d.outputIndex)",
                ])
            }
            if !documents.isEmpty { print(table.rendered, terminator: "") }
            print(documents.count == 1 ? "1 document" : "\(documents.count) documents")
        }
    }

    /// `kccbridge ledger export --format csv`: everything, for a spreadsheet.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write every exported document to standard output as CSV (RFC 4180, with a header row).",
            discussion:
                "Text that a spreadsheet would run as a formula is prefixed with '. Amounts are plain decimals in the currency's digits."
        )

        @Option(help: "csv (the only format for now).", completion: .list(["csv"]))
        var format: String = "csv"

        @Option(
            help:
                "What to export: documents (default, every exported document), runs, refunds (applied), resolutions, outcomes (of reconciled refunds), processed (files a watcher took)."
        )
        var table: String = "documents"

        @OptionGroup var location: LedgerLocation
        @OptionGroup var bom: ByteOrderMarkOption

        func validate() throws {
            guard format.lowercased() == "csv" else { throw ValidationError("--format must be csv, not '\(format)'") }
            guard table == "documents" || Ledger.ExportTable.allCases.contains(where: { $0.name == table }) else {
                throw ValidationError(
                    "--table must be documents, \(Ledger.ExportTable.allCases.map(\.name).joined(separator: ", ")), not '\(table)'"
                )
            }
        }

        func run() throws {
            let ledger = try location.openExisting()
            do {
                if bom.byteOrderMark { try StandardOutputSink().write(CSVWriter.byteOrderMark) }
                if let other = Ledger.ExportTable.allCases.first(where: { $0.name == table }) {
                    try ledger.exportCSV(table: other, to: StandardOutputSink())
                } else {
                    try ledger.exportCSV(to: StandardOutputSink())
                }
            } catch let error as LedgerError {
                throw LedgerLocation.report(error)
            } catch {
                printError("error: \(error)")
                throw ExitCode(ExitStatus.nothingWritten)
            }
        }
    }

    /// `kccbridge ledger show NUMBER`: one number's audit trail.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show everything that happened to a document number or refund id: exports, refunds, resolutions.",
            discussion: "For a credit note, ends with what is still open on it."
        )

        @Argument(help: "An invoice, credit note or payment number, or a refund id.")
        var number: String

        @OptionGroup var location: LedgerLocation

        func run() throws {
            let ledger = try location.openExisting()
            let events: [AuditEvent]
            let balance: CreditNoteBalance?
            do {
                events = try ledger.history(number: number)
                balance = try ledger.creditNote(number: number)
            } catch {
                throw LedgerLocation.report(error)
            }
            guard !events.isEmpty else {
                print("\(number) is not in the ledger")
                throw ExitCode(ExitStatus.needsAttention)
            }
            for event in events { print(event.description) }
            if let balance { print(balance.description) }
        }
    }
}
