import KCCModel

/// One document as an export run wrote it: what it is, what it is worth, and
/// where in which output it went.
package struct ExportedDocument: Sendable, Hashable {
    package var kind: DocumentKind
    /// The invoice number, credit note number or payment reference.
    package var number: String
    package var orderNumber: String
    /// Credit notes and payments: the invoice they belong to, when known.
    package var relatedInvoice: String?
    package var customerCode: String
    /// The name the package knows the customer by: the KCC customer's, or the
    /// channel's contact when a rule names one (`Amazon UK Customers`), so a
    /// refund recorded later names the same customer as its credit note.
    package var customerName: String
    /// The document's own date (not when it was exported).
    package var date: CalendarDate
    /// Gross for invoices and credit notes (positive for both), the amount for payments.
    package var gross: Money
    /// The output file it went to; must be one of the run's planned outputs.
    package var outputFile: String
    /// Where in that file it starts, 1-based: the CSV record (the header is
    /// record 1) or the XML element's position among its siblings.
    package var outputIndex: Int

    package init(
        kind: DocumentKind, number: String, orderNumber: String, relatedInvoice: String? = nil, customerCode: String,
        customerName: String, date: CalendarDate, gross: Money, outputFile: String, outputIndex: Int
    ) {
        self.kind = kind
        self.number = number
        self.orderNumber = orderNumber
        self.relatedInvoice = relatedInvoice
        self.customerCode = customerCode
        self.customerName = customerName
        self.date = date
        self.gross = gross
        self.outputFile = outputFile
        self.outputIndex = outputIndex
    }

    /// The record of `document`, written to `outputFile` at `outputIndex` for
    /// the customer named `contact` there (default: the KCC customer's name).
    package init(_ document: Document, contact: String? = nil, outputFile: String, outputIndex: Int) {
        self.init(
            kind: document.kind, number: document.number, orderNumber: document.orderNumber,
            relatedInvoice: document.relatedInvoice, customerCode: document.customer.code,
            customerName: contact ?? document.customer.name, date: document.date, gross: document.gross,
            outputFile: outputFile, outputIndex: outputIndex
        )
    }
}
