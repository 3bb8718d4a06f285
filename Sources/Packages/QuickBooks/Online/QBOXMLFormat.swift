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
/// References (`CustomerRef`, `ItemRef`, accounts, tax codes) need
/// QuickBooks Online's Ids. With lists given (``QBOLists``, `--qbo-lists`)
/// each reference carries the Id found for its name, and keeps the name as
/// its `name` attribute; a name missing from a given list holds the document
/// back. A reference whose list was not given carries the configured value
/// or the customer's name as it is, and the run says so once.
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
    /// Customers missing from the Customer list, to create first (`--qbo-create-customers`).
    package static let customers = OutputFamily(
        name: "qbo-customers", fileExtension: "xml", maxDocumentsPerFile: itemsPerBatch, unit: "element")

    /// The settings it writes with (`quickbooks:`, `payments:`).
    package let configuration: QuickBooksConfiguration

    /// The Ids of the company's lists; empty: names are written.
    package let lists: QBOLists

    package init(configuration: QuickBooksConfiguration, lists: QBOLists = QBOLists()) {
        self.configuration = configuration
        self.lists = lists
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
        QuickBooksRules.onlineRefusals(document) + references(of: document).refusals(lists)
    }

    package func notices(written kinds: Set<DocumentKind>) -> [String] {
        guard !kinds.isEmpty else { return [] }
        let needed = QBOReferences.kinds(in: kinds)
        if lists.isEmpty {
            return [
                "the QBO XML files name customers, items, accounts and tax codes where QuickBooks Online needs their Ids: give the lists saved from QuickBooks Online with --qbo-lists (see the README) to write Ids"
            ]
        }
        var notices = lists.warnings
        if configuration.quickbooks.onlineCreateCustomers, !lists.has(.customer) {
            notices.append("--qbo-create-customers needs a Customer list: without one no customer is written to create")
        }
        let missing = needed.filter { !lists.has($0) && $0 != .invoice }
        if !missing.isEmpty {
            notices.append(
                "no \(missing.map(\.rawValue).joined(separator: ", ")) list was given: those references are written as configured, and must already be Ids"
            )
        }
        if needed.contains(.invoice), !lists.has(.invoice) {
            notices.append(
                "payments link their invoices by KCC number (DocNumber), not by Id: give an Invoice list with --qbo-lists to link them by Id"
            )
        }
        return notices
    }

    package func companion(of document: MappedDocument) -> Companion? {
        let name = document.contact.name
        guard configuration.quickbooks.onlineCreateCustomers, lists.lookup(.customer, name) == .missing else {
            return nil
        }
        return Companion(
            family: Self.customers, key: name,
            advice:
                "customer '\(name)' is written to be created: post that file first, save the Customer list again, and convert the held-back documents with --only"
        )
    }

    /// The references a document's entity carries, by list.
    func references(of mapped: MappedDocument) -> QBOReferences {
        QBOReferences(mapped, configuration: configuration)
    }

    package func makeWriter(for family: OutputFamily) -> any FamilyWriter {
        QBOXMLWriter(format: self, customers: family == Self.customers)
    }
}

/// Writes one batch request, each entity's children in the order of Intuit's schema.
final class QBOXMLWriter: FamilyWriter {
    private let configuration: QuickBooksConfiguration
    private let lists: QBOLists
    /// Writes customers to create, not the documents themselves.
    private let customers: Bool
    private let xml = XMLStreamWriter()
    let firstUnit = 1

    init(format: QBOXMLFormat, customers: Bool = false) {
        self.configuration = format.configuration
        self.lists = format.lists
        self.customers = customers
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
        if customers {
            try writeCustomer(mapped)
            try xml.endElement()
            return (xml.drain(), 1)
        }
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
            try ref("ItemRef", settings.item, .item)
            try xml.element("UnitPrice", pricing.rate)
            try xml.element("Qty", pricing.quantity.normalizedDescription)
            try ref("ItemAccountRef", line.account, .account)
            try ref("TaxCodeRef", line.tax[QuickBooksRules.onlineTaxCode] ?? "", .taxCode)
            try xml.endElement()
            try xml.endElement()
        }
        try xml.startElement("TxnTaxDetail")
        try xml.element("TotalTax", QuickBooksRules.amount(document.totals.tax))
        try xml.endElement()
        // SalesTransaction
        try ref("CustomerRef", mapped.contact.name, .customer)
        try billAddress(mapped.contact.address)
        if let due = document.dueDate, document.kind == .invoice { try xml.element("DueDate", due.description) }
        try xml.element("GlobalTaxCalculation", "TaxExcluded")
        if let email = mapped.contact.email {
            try xml.startElement("BillEmail")
            try xml.element("Address", email)
            try xml.endElement()
        }
        if refundReceipt { try ref("DepositToAccountRef", settings.refundFromAccount, .account) }
        try xml.endElement()
    }

    private func writePayment(_ payment: Payment, _ mapped: MappedDocument) throws {
        try xml.startElement("Payment")
        // Transaction
        try xml.element("TxnDate", payment.date.description)
        try ref("CurrencyRef", payment.currency.code)
        try xml.element("PrivateNote", QuickBooksRules.memo(.payment(payment)))
        if let invoice = payment.relatedInvoice {
            // The invoice's Id from an Invoice list, else its DocNumber (its KCC number) for a loader to look up.
            try xml.startElement("Line")
            try xml.element("Amount", QuickBooksRules.amount(payment.amount))
            try xml.startElement("LinkedTxn")
            if case .id(let id) = lists.lookup(.invoice, invoice) {
                try xml.element("TxnId", id)
            } else {
                try xml.element("TxnId", invoice)
            }
            try xml.element("TxnType", "Invoice")
            try xml.endElement()
            try xml.endElement()
        }
        // Payment
        try ref("CustomerRef", mapped.contact.name, .customer)
        try ref("DepositToAccountRef", QuickBooksRules.depositAccount(payment, configuration), .account)
        try xml.element("PaymentRefNum", payment.reference)
        try xml.element("TotalAmt", QuickBooksRules.amount(payment.amount))
        try xml.endElement()
    }

    private func ref(_ name: String, _ value: String) throws {
        try xml.element(name, value)
    }

    private func ref(_ element: String, _ value: String, _ kind: QBOLists.Kind) throws {
        try xml.reference(element, value, kind, lists)
    }

    /// The customer a document names, as QuickBooks Online creates it: its
    /// display name, e-mail, billing address and currency (a customer's
    /// currency cannot change once it has transactions).
    private func writeCustomer(_ mapped: MappedDocument) throws {
        try xml.startElement("Customer")
        try xml.element("DisplayName", mapped.contact.name)
        if let email = mapped.contact.email {
            try xml.startElement("PrimaryEmailAddr")
            try xml.element("Address", email)
            try xml.endElement()
        }
        try billAddress(mapped.contact.address)
        try ref("CurrencyRef", mapped.document.currency.code)
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

/// The list references of one document's entity: what the writer looks up.
struct QBOReferences {
    var values: [(kind: QBOLists.Kind, value: String)] = []

    init(_ mapped: MappedDocument, configuration: QuickBooksConfiguration) {
        values.append((.customer, mapped.contact.name))
        switch mapped.document {
        case .sales(let document):
            let settings = configuration.quickbooks
            for line in mapped.lines {
                values.append((.item, settings.item))
                values.append((.account, line.account))
                if let code = line.tax[QuickBooksRules.onlineTaxCode] { values.append((.taxCode, code)) }
            }
            if document.kind == .credit, settings.onlineRefunds.isRefundReceipt(relatedInvoice: document.relatedInvoice)
            {
                values.append((.account, settings.refundFromAccount))
            }
        case .payment(let payment):
            values.append((.account, QuickBooksRules.depositAccount(payment, configuration)))
            if let invoice = payment.relatedInvoice { values.append((.invoice, invoice)) }
        }
    }

    /// The lists a file of these document kinds refers to.
    static func kinds(in documents: Set<DocumentKind>) -> [QBOLists.Kind] {
        var kinds: [QBOLists.Kind] = [.customer, .account]
        if documents.contains(.invoice) || documents.contains(.credit) { kinds += [.item, .taxCode] }
        if documents.contains(.payment) { kinds.append(.invoice) }
        return kinds
    }

    /// A sentence for each name a given list lacks, or holds twice.
    func refusals(_ lists: QBOLists) -> [String] {
        var seen: Set<String> = []
        return values.compactMap { kind, value in
            guard seen.insert("\(kind.rawValue)\u{0}\(value)").inserted else { return nil }
            return lists.problem(kind, value)
        }
    }
}

extension XMLStreamWriter {
    /// A reference to a list entity: its Id with the list's name as `name`
    /// when the list was given (the writer has refused a document whose name
    /// it lacks), else the value as configured; a customer always keeps its name.
    /// `type` is the entity's kind where the element may name several (`EntityRef type="Customer"`).
    func reference(
        _ element: String, _ value: String, _ kind: QBOLists.Kind, _ lists: QBOLists, type: String? = nil
    ) throws {
        let id: String? =
            if case .id(let id) = lists.lookup(kind, value) { id } else { nil }
        guard id != nil || kind == .customer else { return try self.element(element, value) }
        try startElement(element)
        try attribute("type", ifPresent: type)
        try attribute("name", id.flatMap { lists.name(kind, id: $0) } ?? value)
        try text(id ?? value, field: element)
        try endElement()
    }
}
