import CSVStreaming
import KCCModel
import PackageInterface
import XMLStreaming

/// The XML bodies of Xero's Accounting API: `Invoices`, `CreditNotes` and
/// `Payments` (prepayments applied to their invoice), element names as in
/// Xero's OpenAPI spec, written through libxml2's `xmlTextWriter`.
package struct XeroXMLFormat: ExportFormat {
    package let name = "xero-xml"

    package static let invoices = OutputFamily(name: "xero-invoices", fileExtension: "xml", unit: "element")
    package static let creditNotes = OutputFamily(name: "xero-credit-notes", fileExtension: "xml", unit: "element")
    package static let payments = OutputFamily(name: "xero-payments", fileExtension: "xml", unit: "element")

    package let settings: XeroSettings
    package let textPolicy = TextCellPolicy.keep

    package init(settings: XeroSettings = XeroSettings()) {
        self.settings = settings
    }

    package func destination(of document: MappedDocument) -> Destination {
        switch document.document {
        case .sales(let sales): return .family(sales.kind == .invoice ? Self.invoices : Self.creditNotes)
        case .payment(let payment):
            guard payment.relatedInvoice != nil else {
                return .notCarried(
                    "the payment names no invoice (RelatedInvoice), and Xero applies a payment to an invoice; record it in Xero as a prepayment by hand"
                )
            }
            return .family(Self.payments)
        }
    }

    package func makeWriter(for family: OutputFamily) -> any FamilyWriter {
        let root =
            switch family.name {
            case Self.invoices.name: "Invoices"
            case Self.creditNotes.name: "CreditNotes"
            default: "Payments"
            }
        return XeroXMLWriter(root: root, settings: settings)
    }
}

/// Writes one Xero XML file: a collection wrapper and one element per document.
final class XeroXMLWriter: FamilyWriter {
    private let root: String
    private let settings: XeroSettings
    private let xml = XMLStreamWriter()
    let firstUnit = 1

    init(root: String, settings: XeroSettings) {
        self.root = root
        self.settings = settings
    }

    func begin() throws -> [UInt8] {
        try xml.startDocument()
        try xml.startElement(root)
        return xml.drain()
    }

    func write(_ mapped: MappedDocument) throws -> (bytes: [UInt8], units: Int) {
        switch mapped.document {
        case .sales(let document): try writeSales(document, mapped)
        case .payment(let payment): try writePayment(payment, mapped)
        }
        return (xml.drain(), 1)
    }

    func end() throws -> [UInt8] {
        try xml.endDocument()
        return xml.drain()
    }

    private func writeSales(_ document: SalesDocument, _ mapped: MappedDocument) throws {
        let isInvoice = document.kind == .invoice
        try xml.startElement(isInvoice ? "Invoice" : "CreditNote")
        try xml.element("Type", isInvoice ? "ACCREC" : "ACCRECCREDIT")
        try writeContact(mapped.contact)
        try xml.element("Date", document.date.description)
        if let due = document.dueDate { try xml.element("DueDate", due.description) }
        try xml.element("LineAmountTypes", "Exclusive")
        try xml.element(isInvoice ? "InvoiceNumber" : "CreditNoteNumber", document.number)
        try xml.element("Reference", document.orderNumber)
        try xml.element("CurrencyCode", document.currency.code)
        try xml.element("Status", settings.invoiceStatus)
        try xml.startElement("LineItems")
        for line in mapped.lines {
            try xml.startElement("LineItem")
            try xml.element("Description", line.description)
            try xml.element("Quantity", line.line.quantity.normalizedDescription)
            try xml.element("UnitAmount", line.line.unitPrice.amountText)
            try xml.element("AccountCode", line.account)
            try xml.element("TaxType", line.tax[XeroPackage.taxCode] ?? "")
            // A refund tax replaced KCC's code: Xero computes the tax for the type it was given.
            if line.taxCode == line.line.taxCode { try xml.element("TaxAmount", line.line.tax.amountText) }
            try xml.element("LineAmount", line.line.net.amountText)
            if let discount = line.line.discountPercent {
                try xml.element("DiscountRate", discount.normalizedDescription)
            }
            if !line.tracking.isEmpty {
                try xml.startElement("Tracking")
                for tracking in line.tracking {
                    try xml.startElement("TrackingCategory")
                    try xml.element("Name", tracking.category)
                    try xml.element("Option", tracking.option)
                    try xml.endElement()
                }
                try xml.endElement()
            }
            try xml.endElement()
        }
        try xml.endElement()
        try xml.endElement()
    }

    private func writePayment(_ payment: Payment, _ mapped: MappedDocument) throws {
        try xml.startElement("Payment")
        try xml.startElement("Invoice")
        try xml.element("InvoiceNumber", payment.relatedInvoice ?? "")
        try xml.endElement()
        try xml.startElement("Account")
        try xml.element("Code", mapped.bankAccount ?? "")
        try xml.endElement()
        try xml.element("Date", payment.date.description)
        try xml.element("Amount", payment.amount.amountText)
        try xml.element("Reference", payment.reference)
        try xml.endElement()
    }

    private func writeContact(_ contact: MappedContact) throws {
        try xml.startElement("Contact")
        try xml.element("Name", contact.name)
        try xml.element("EmailAddress", ifPresent: contact.email)
        let a = contact.address
        if !a.isEmpty {
            try xml.startElement("Addresses")
            try xml.startElement("Address")
            try xml.element("AddressType", "POBOX")
            let layout: [(name: String, part: KeyPath<Address, String?>)] = [
                ("AddressLine1", \.line1), ("AddressLine2", \.line2), ("City", \.town), ("Region", \.county),
                ("PostalCode", \.postcode),
                ("Country", \.country),
            ]
            for (name, value) in a.parts(layout) { try xml.element(name, value) }
            try xml.endElement()
            try xml.endElement()
        }
        try xml.endElement()
    }
}
