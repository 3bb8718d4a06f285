import CSVStreaming
import Foundation
import KCCModel
import PackageInterface

/// A throwaway accounting package, "Tally", built only through
/// `docs/adding-a-package.md`, in a target of its own as a real package is:
/// one export target, one tax-code field, its own configuration section, a
/// refund reader and a refund writer. If this folder needs more than the
/// guide says, the guide (or the shape) is wrong.
package struct TallyPackage: AccountingPackage {
    package let displayName = "Tally"
    package let sourceSystem = "tally"
    package var configurationSection: (any ConfigurationSection.Type)? { TallySettings.self }

    package static let taxField = TaxCodeField(key: "tally", meaning: "Tally's VAT band, e.g. V20")
    package var taxCodeFields: [TaxCodeField] { [Self.taxField] }
    package var defaultTaxFields: [String: [String: String]] {
        ["T0": ["tally": "V0"], "T1": ["tally": "V20"], "T5": ["tally": "V5"], "T9": ["tally": "NONE"]]
    }

    package let exportTargets = ["tally-csv"]

    package init() {}

    package func exportFormat(_ target: String, configuration: BridgeConfiguration) -> (any ExportFormat)? {
        target == "tally-csv"
            ? TallyCSVFormat(settings: configuration[TallySettings.self], textPolicy: configuration.textCells) : nil
    }

    package var refundReaders: [any RefundReader] { [TallyRefundReader()] }

    package let refundTargets = ["tally-refunds"]

    package func refundWriter(
        _ target: String, configuration: BridgeConfiguration, inputs: RefundWriterInputs
    ) -> (any RefundWriter)? {
        target == "tally-refunds" ? TallyRefundWriter(settings: configuration[TallySettings.self]) : nil
    }
}

/// `tally:` in the configuration.
package struct TallySettings: ConfigurationSection {
    package static let key = "tally"
    /// The ledger code every document is posted to.
    package var ledgerCode = "SALES"

    package init() {}

    package mutating func read(_ node: ConfigNode, _ reader: SectionReader) {
        for pair in reader.pairs(node, Self.key, allowed: ["ledger_code"]) where pair.key == "ledger_code" {
            if let code = reader.string(pair.value, "tally.ledger_code") { ledgerCode = code }
        }
    }
}

/// One row per document: number, date, customer, gross, ledger code, Tally's VAT band of the first line.
struct TallyCSVFormat: ExportFormat {
    let name = "tally-csv"
    let settings: TallySettings
    let textPolicy: TextCellPolicy
    static let documents = OutputFamily(name: "tally-documents", fileExtension: "csv", unit: "row")

    func destination(of document: MappedDocument) -> Destination {
        document.kind == .payment ? .notCarried("Tally takes no payments") : .family(Self.documents)
    }

    func refusals(of document: MappedDocument) -> [String] {
        document.lines.contains { $0.tax[TallyPackage.taxField] == nil }
            ? ["a tax code has no tally band under tax_codes"] : []
    }

    func makeWriter(for family: OutputFamily) -> any FamilyWriter { TallyWriter(ledgerCode: settings.ledgerCode) }
}

final class TallyWriter: FamilyWriter {
    let ledgerCode: String
    let csv = CSVWriter()
    let firstUnit = 2

    init(ledgerCode: String) { self.ledgerCode = ledgerCode }

    func begin() throws -> [UInt8] { csv.encode(["Number", "Date", "Customer", "Gross", "Ledger", "Band"]) }

    func write(_ document: MappedDocument) throws -> (bytes: [UInt8], units: Int) {
        guard case .sales(let sales) = document.document else { return ([], 0) }
        let band = document.lines.first?.tax[TallyPackage.taxField] ?? ""
        return (
            csv.encode([
                sales.number, sales.date.description, document.contact.name, sales.totals.gross.amountText, ledgerCode,
                band,
            ]), 1
        )
    }

    func end() throws -> [UInt8] { [] }
}

/// A Tally refund list: a first line `TALLY-REFUNDS`, then `id;credit note;amount;currency;date` per line.
struct TallyRefundReader: RefundReader {
    let format = "tally-refunds"
    let summary = "Tally refund lists (TALLY-REFUNDS)"

    func recognises(_ head: [UInt8]) -> Bool { head.starts(with: Array("TALLY-REFUNDS".utf8)) }

    func read(_ path: String, displayName: String, settings: RefundSettings) throws(FileRefusal) -> RefundRead {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw FileRefusal(at: SourceLocation(file: displayName), "the file cannot be read")
        }
        let refunds = text.split(separator: "\n").enumerated().dropFirst().map { index, line in
            let cells = line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            let location = SourceLocation(file: displayName, line: index + 1)
            guard cells.count == 5, let currency = Currency(code: cells[3]),
                let amount = try? Money(parsing: cells[2], currency: currency)
            else {
                return Refund(
                    system: "tally", location: location, id: cells.first ?? "",
                    problems: [Finding(.error, at: location, "the line does not have five fields")])
            }
            return Refund(
                system: "tally", location: location, id: cells[0], date: CalendarDate(parsing: cells[4]),
                amount: amount,
                creditNote: cells[1])
        }
        return RefundRead(refunds: refunds)
    }
}

/// Refunds made elsewhere, as Tally imports them: `credit note,amount,ledger`.
struct TallyRefundWriter: RefundWriter {
    let target = "tally-refunds"
    let fileSuffix = "tally-refunds.csv"
    let settings: TallySettings

    func contents(_ refunds: [RefundPayment]) throws -> [UInt8] {
        let csv = CSVWriter()
        return refunds.reduce(csv.encode(["CreditNote", "Amount", "Ledger"])) { bytes, refund in
            bytes + csv.encode([refund.creditNote, refund.amount.amountText, settings.ledgerCode])
        }
    }
}
