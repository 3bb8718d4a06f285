import CSVStreaming
import KCCModel
import PackageInterface
import QuickBooksCommon
import XMLStreaming

/// Entities of QuickBooks Online's v3 API, in namespace
/// `http://schema.intuit.com/finance/v3`: each file is one body for the batch
/// endpoint, an `IntuitBatchRequest` of at most 30 `BatchItemRequest`s
/// (operation `create`, `bId` the KCC number) holding `Invoice`, `CreditMemo`
/// or `RefundReceipt` (by `quickbooks.online_refunds`), or `Payment`.
///
/// References (`CustomerRef`, `ItemRef`, accounts, tax codes) carry the
/// configured value, or the customer's name: QuickBooks Online's API wants
/// Ids there, so either configure Ids or let the loader look names up.
package struct QBOXMLFormat: ExportFormat {
    package let name = "qbo-xml"

    package static let namespace = "http://schema.intuit.com/finance/v3"
    /// QuickBooks Online's batch endpoint takes at most 30 items per request.
    package static let itemsPerBatch = 30

    package static let invoices = OutputFamily(
        name: "qbo-invoices", fileExtension: "xml", maxDocumentsPerFile: itemsPerBatch, unit: "element")
    /// Credit memos or refund receipts, by `quickbooks.online_refunds`.
    package static let creditNotes = OutputFamily(
        name: "qbo-credit-notes", fileExtension: "xml", maxDocumentsPerFile: itemsPerBatch, unit: "element")
    package static let payments = OutputFamily(
        name: "qbo-payments", fileExtension: "xml", maxDocumentsPerFile: itemsPerBatch, unit: "element")

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
        case .credit: .family(Self.creditNotes)
        case .payment: .family(Self.payments)
        }
    }

    package func refusals(of document: MappedDocument) -> [String] {
        QuickBooksRules.onlineRefusals(document)
    }

    package func makeWriter(for family: OutputFamily) -> any FamilyWriter {
        QBOXMLWriter(configuration: configuration)
    }
}

/// Writes one batch request, each entity's children in the order of Intuit's schema.
final class QBOXMLWriter: FamilyWriter {
    private let configuration: QuickBooksConfiguration
    private let xml = XMLStreamWriter()
    let firstUnit = 1

    init(configuration: QuickBooksConfiguration) {
        self.configuration = configuration
    }

    func begin() throws -> [UInt8] {
        try xml.startDocument()
        try xml.startElement("IntuitBatchRequest", namespace: QBOXMLFormat.namespace)
        return xml.drain()
    }

    func write(_ mapped: MappedDocument) throws -> (bytes: [UInt8], units: Int) {
        try xml.startElement("BatchItemRequest")
        try xml.attribute("bId", mapped.number)
        try xml.attribute("operation", "create")
        switch mapped.document {
        case .sales(let document): try writeSales(document, mapped)
        case .payment(let payment): try writePayment(payment, mapped)
        }
        try xml.endElement()
        return (xml.drain(), 1)
    }

    func end() throws -> [UInt8] {
        try xml.endDocument()
        return xml.drain()
    }

    private func writeSales(_ document: SalesDocument, _ mapped: MappedDocument) throws {
        let settings = configuration.quickbooks
        let refundReceipt =
            document.kind == .credit && settings.onlineRefunds.isRefundReceipt(relatedInvoice: document.relatedInvoice)
        try xml.startElement(document.kind == .invoice ? "Invoice" : refundReceipt ? "RefundReceipt" : "CreditMemo")
        // Transaction
        try xml.element("DocNumber", document.number)
        try xml.element("TxnDate", document.date.description)
        try ref("CurrencyRef", document.currency.code)
        try xml.element("PrivateNote", QuickBooksRules.memo(.sales(document)))
        for (index, line) in mapped.lines.enumerated() {
            let pricing = QuickBooksRules.pricing(line)
            try xml.startElement("Line")
            try xml.element("LineNum", String(index + 1))
            try xml.element("Description", pricing.description)
            try xml.element("Amount", QuickBooksRules.amount(line.line.net))
            try xml.element("DetailType", "SalesItemLineDetail")
            try xml.startElement("SalesItemLineDetail")
            try ref("ItemRef", settings.item)
            try xml.element("UnitPrice", pricing.rate)
            try xml.element("Qty", pricing.quantity.normalizedDescription)
            try ref("ItemAccountRef", line.account)
            try ref("TaxCodeRef", line.tax[QuickBooksRules.onlineTaxCode] ?? "")
            try xml.endElement()
            try xml.endElement()
        }
        try xml.startElement("TxnTaxDetail")
        try xml.element("TotalTax", QuickBooksRules.amount(document.totals.tax))
        try xml.endElement()
        // SalesTransaction
        try customerRef(mapped.contact.name)
        try billAddress(mapped.contact.address)
        if let due = document.dueDate, document.kind == .invoice { try xml.element("DueDate", due.description) }
        try xml.element("GlobalTaxCalculation", "TaxExcluded")
        if let email = mapped.contact.email {
            try xml.startElement("BillEmail")
            try xml.element("Address", email)
            try xml.endElement()
        }
        if refundReceipt { try ref("DepositToAccountRef", settings.refundFromAccount) }
        try xml.endElement()
    }

    private func writePayment(_ payment: Payment, _ mapped: MappedDocument) throws {
        try xml.startElement("Payment")
        // Transaction
        try xml.element("TxnDate", payment.date.description)
        try ref("CurrencyRef", payment.currency.code)
        try xml.element("PrivateNote", QuickBooksRules.memo(.payment(payment)))
        if let invoice = payment.relatedInvoice {
            // Linked by the invoice's DocNumber (its KCC number), for the loader to turn into the invoice's Id.
            try xml.startElement("Line")
            try xml.element("Amount", QuickBooksRules.amount(payment.amount))
            try xml.startElement("LinkedTxn")
            try xml.element("TxnId", invoice)
            try xml.element("TxnType", "Invoice")
            try xml.endElement()
            try xml.endElement()
        }
        // Payment
        try customerRef(mapped.contact.name)
        try ref("DepositToAccountRef", QuickBooksRules.depositAccount(payment, configuration))
        try xml.element("PaymentRefNum", payment.reference)
        try xml.element("TotalAmt", QuickBooksRules.amount(payment.amount))
        try xml.endElement()
    }

    private func ref(_ name: String, _ value: String) throws {
        try xml.element(name, value)
    }

    /// The customer by name: QuickBooks Online's Id for it is the loader's to find.
    private func customerRef(_ name: String) throws {
        try xml.startElement("CustomerRef")
        try xml.attribute("name", name)
        try xml.text(name, field: "CustomerRef")
        try xml.endElement()
    }

    private func billAddress(_ address: Address) throws {
        guard !address.isEmpty else { return }
        try xml.startElement("BillAddr")
        let layout: [(name: String, part: KeyPath<Address, String?>)] = [
            ("Line1", \.line1), ("Line2", \.line2), ("City", \.town), ("Country", \.country), ("County", \.county),
            ("PostalCode", \.postcode),
        ]
        for (name, value) in address.parts(layout) { try xml.element(name, value) }
        try xml.endElement()
    }
}
