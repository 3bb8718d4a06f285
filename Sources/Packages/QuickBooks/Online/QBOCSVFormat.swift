import CSVStreaming
import KCCModel
import PackageInterface
import QuickBooksCommon

/// QuickBooks Online's invoice import (Settings → Import data → Invoices):
/// one row per line, at most 100 invoices per file. QuickBooks Online imports
/// no credit memos or payments from CSV; those go through `qbo-xml`.
package struct QBOCSVFormat: ExportFormat {
    package let name = "qbo-csv"

    /// The import's columns, spelled as QuickBooks Online's sample file spells them.
    package static let header = [
        "InvoiceNo", "Customer", "InvoiceDate", "DueDate", "Terms", "Location", "Memo", "Item(Product/Service)",
        "ItemDescription",
        "ItemQuantity", "ItemRate", "ItemAmount", "ItemTaxCode", "ItemTaxAmount", "Currency", "Service Date",
    ]

    package static let invoices = OutputFamily(
        name: "qbo-invoices", fileExtension: "csv", maxDocumentsPerFile: 100, unit: "row")

    /// The settings it writes with (`quickbooks:`, `payments:`, `text_cells:`).
    package let configuration: QuickBooksConfiguration

    package init(configuration: QuickBooksConfiguration) {
        self.configuration = configuration
    }

    package var textPolicy: TextCellPolicy { configuration.textCells }

    /// QuickBooks\'s standard income account, not a Xero account code.
    package var defaultSalesAccount: String { QuickBooksRules.defaultIncomeAccount }

    package func destination(of document: MappedDocument) -> Destination {
        switch document.kind {
        case .invoice: .family(Self.invoices)
        case .credit:
            .notCarried("QuickBooks Online's CSV import has no credit memos; send credit notes with --to qbo-xml")
        case .payment: .notCarried("QuickBooks Online's CSV import has no payments; send prepayments with --to qbo-xml")
        }
    }

    package func refusals(of document: MappedDocument) -> [String] {
        QuickBooksRules.onlineRefusals(document)
    }

    package func makeWriter(for family: OutputFamily) -> any FamilyWriter {
        QBOCSVWriter(settings: configuration.quickbooks)
    }
}

/// Writes one QuickBooks Online invoice import file.
final class QBOCSVWriter: FamilyWriter {
    private let settings: QuickBooksSettings
    private let csv = CSVWriter()
    let firstUnit = 2

    init(settings: QuickBooksSettings) {
        self.settings = settings
    }

    func begin() throws -> [UInt8] {
        csv.encode(QBOCSVFormat.header)
    }

    func write(_ mapped: MappedDocument) throws -> (bytes: [UInt8], units: Int) {
        guard case .sales(let document) = mapped.document else { return ([], 0) }
        let date = document.date.formatted(settings.dateFormat)
        let due = (document.dueDate ?? document.date).formatted(settings.dateFormat)
        let memo = QuickBooksRules.memo(mapped.document)
        var bytes: [UInt8] = []
        for line in mapped.lines {
            let pricing = QuickBooksRules.pricing(line)
            csv.append(
                [
                    document.number, mapped.contact.name, date, due, "", "", memo, settings.item, pricing.description,
                    pricing.quantity.normalizedDescription, pricing.rate, QuickBooksRules.amount(line.line.net),
                    line.tax[QuickBooksRules.onlineTaxCode] ?? "",
                    QuickBooksRules.amount(line.line.tax), document.currency.code, "",
                ], to: &bytes)
        }
        return (bytes, mapped.lines.count)
    }

    func end() throws -> [UInt8] { [] }
}
