import CSVStreaming
import KCCModel
import PackageInterface

/// Xero's sales invoice CSV import (`SalesInvoiceTemplate.csv`, 29 columns):
/// invoices and credit notes in separate files, one row per line, at most 500
/// documents per file, amounts tax-exclusive.
package struct XeroCSVFormat: ExportFormat {
    package let name = "xero-csv"

    /// The template's header, byte for byte (the `*` marks required columns).
    package static let header = [
        "*ContactName", "EmailAddress", "POAddressLine1", "POAddressLine2", "POAddressLine3", "POAddressLine4",
        "POCity",
        "PORegion", "POPostalCode", "POCountry", "*InvoiceNumber", "Reference", "*InvoiceDate", "*DueDate", "Total",
        "InventoryItemCode", "*Description", "*Quantity", "*UnitAmount", "Discount", "*AccountCode", "*TaxType",
        "TaxAmount",
        "TrackingName1", "TrackingOption1", "TrackingName2", "TrackingOption2", "Currency", "BrandingTheme",
    ]

    package static let invoices = OutputFamily(
        name: "xero-invoices", fileExtension: "csv", maxDocumentsPerFile: 500, unit: "row")
    package static let creditNotes = OutputFamily(
        name: "xero-credit-notes", fileExtension: "csv", maxDocumentsPerFile: 500, unit: "row")

    package let settings: XeroSettings
    package let textPolicy: TextCellPolicy

    package init(settings: XeroSettings = XeroSettings(), textPolicy: TextCellPolicy = .escape) {
        self.settings = settings
        self.textPolicy = textPolicy
    }

    package func destination(of document: MappedDocument) -> Destination {
        switch document.kind {
        case .invoice: .family(Self.invoices)
        case .credit: .family(Self.creditNotes)
        case .payment: .notCarried("Xero's CSV import has no payments; send prepayments with --to xero-xml")
        }
    }

    package func makeWriter(for family: OutputFamily) -> any FamilyWriter {
        XeroCSVWriter(settings: settings)
    }
}

/// Writes one Xero CSV import file.
final class XeroCSVWriter: FamilyWriter {
    private let settings: XeroSettings
    private let csv = CSVWriter()
    let firstUnit = 2

    init(settings: XeroSettings) {
        self.settings = settings
    }

    func begin() throws -> [UInt8] {
        csv.encode(XeroCSVFormat.header)
    }

    func write(_ mapped: MappedDocument) throws -> (bytes: [UInt8], units: Int) {
        guard case .sales(let document) = mapped.document, !mapped.lines.isEmpty else { return ([], 0) }
        let negative = document.kind == .credit && settings.negativeCreditNotes
        func signed(_ money: Money) -> String { (negative ? money.negated : money).amountText }
        let contact = mapped.contact
        let address = contact.address
        // The document's cells are the same on every line: encoded once, then copied onto each.
        var bytes: [UInt8] = []
        csv.append(
            [
                contact.name, contact.email ?? "", address.line1 ?? "", address.line2 ?? "", "", "", address.town ?? "",
                address.county ?? "", address.postcode ?? "", address.country ?? "",
                document.number, document.orderNumber, document.date.formatted(settings.dateFormat),
                (document.dueDate ?? document.date).formatted(settings.dateFormat),
                settings.fillTotals ? signed(document.totals.gross) : "", "",
            ], to: &bytes, ending: false)
        let head = bytes
        let tail = csv.encode([document.currency.code, ""])
        bytes.reserveCapacity(mapped.lines.count * (head.count + tail.count + 96))
        let noTracking = TrackingOption(category: "", option: "")
        for (index, line) in mapped.lines.enumerated() {
            if index > 0 { bytes += head }
            // The line's cells, one by one onto the bytes (a line is written for every row of a batch).
            func cell(_ text: String) {
                bytes.append(csv.delimiter)
                csv.append(field: text, to: &bytes)
            }
            cell(line.description)
            cell(line.line.quantity.normalizedDescription)
            cell(signed(line.line.unitPrice))
            cell(line.line.discountPercent?.normalizedDescription ?? "")
            cell(line.account)
            cell(line.tax[XeroPackage.taxName] ?? "")
            cell(settings.fillTotals ? signed(line.line.tax) : "")
            for slot in 0..<2 {
                let tracking = slot < line.tracking.count ? line.tracking[slot] : noTracking
                cell(tracking.category)
                cell(tracking.option)
            }
            bytes.append(csv.delimiter)
            bytes += tail
        }
        return (bytes, mapped.lines.count)
    }

    func end() throws -> [UInt8] { [] }
}
