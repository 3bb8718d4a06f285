import CSVStreaming
import KCCModel
import PackageInterface
import QuickBooksCommon
import XMLStreaming

/// QuickBooks Desktop's qbXML 13.0: one request set per file, sent through the
/// Web Connector or the SDK: `InvoiceAddRq`, `CreditMemoAddRq` and
/// `ReceivePaymentAddRq` (prepayments), each with the KCC number as `requestID`.
package struct QBXMLFormat: ExportFormat {
    package let name = "qbd-qbxml"

    package static let invoices = OutputFamily(name: "qbd-invoices", fileExtension: "qbxml", unit: "element")
    package static let creditMemos = OutputFamily(name: "qbd-credit-memos", fileExtension: "qbxml", unit: "element")
    package static let payments = OutputFamily(name: "qbd-payments", fileExtension: "qbxml", unit: "element")

    /// Values longer than qbXML 13.0 takes in the fields we fill from the batch and the channel rules.
    static func lengthRefusals(_ document: MappedDocument) -> [String] {
        let address = document.contact.address
        let fields: [(String, Int, String?)] = [
            ("CustomerRef FullName", 209, document.contact.name),
            ("BillAddress Addr1", 41, address.line1), ("BillAddress Addr2", 41, address.line2),
            ("BillAddress City", 31, address.town), ("BillAddress State", 21, address.county),
            ("BillAddress PostalCode", 13, address.postcode),
            ("ClassRef FullName", 159, QuickBooksRules.className(document)),
        ]
        return fields.compactMap { field, limit, value in
            guard let value, value.count > limit else { return nil }
            return "\(field) '\(value)' is \(value.count) characters; qbXML takes at most \(limit)"
        }
    }

    /// The settings it writes with (`quickbooks:`, `payments:`).
    package let configuration: QuickBooksConfiguration

    package init(configuration: QuickBooksConfiguration) {
        self.configuration = configuration
    }

    package var textPolicy: TextCellPolicy { .keep }

    /// QuickBooks\'s standard income account, not a Xero account code.
    package var defaultSalesAccount: String { QuickBooksRules.defaultIncomeAccount }

    package func destination(of document: MappedDocument) -> Destination {
        switch document.kind {
        case .invoice: .family(Self.invoices)
        case .credit: .family(Self.creditMemos)
        case .payment: .family(Self.payments)
        }
    }

    package func refusals(of document: MappedDocument) -> [String] {
        QuickBooksRules.desktopRefusals(document, configuration.quickbooks) + Self.lengthRefusals(document)
            + QuickBooksRules.taxCodeRefusals(document, QuickBooksRules.desktopTaxCode)
    }

    package func makeWriter(for family: OutputFamily) -> any FamilyWriter {
        QBXMLWriter(configuration: configuration)
    }
}

/// Writes one request set.
final class QBXMLWriter: FamilyWriter {
    private let xml = XMLStreamWriter()
    private let requests: QBXMLRequestWriter
    let firstUnit = 1

    init(configuration: QuickBooksConfiguration) {
        requests = QBXMLRequestWriter(xml: xml, configuration: configuration)
    }

    func begin() throws -> [UInt8] {
        try requests.startRequestSet()
        return xml.drain()
    }

    func write(_ mapped: MappedDocument) throws -> (bytes: [UInt8], units: Int) {
        switch mapped.document {
        case .sales(let document): try requests.salesAdd(document, mapped)
        case .payment(let payment): try requests.receivePaymentAdd(payment, mapped)
        }
        return (xml.drain(), 1)
    }

    func end() throws -> [UInt8] {
        try xml.endDocument()
        return xml.drain()
    }
}
