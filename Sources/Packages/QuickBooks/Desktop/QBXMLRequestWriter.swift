import KCCModel
import PackageInterface
import QuickBooksCommon
import XMLStreaming

/// Writes qbXML 13.0 requests into an ``XMLStreamWriter``, every aggregate's
/// children in the order of Intuit's schema sequence (`qbxmlops130.xsd`).
struct QBXMLRequestWriter {
    let xml: XMLStreamWriter
    let configuration: QuickBooksConfiguration
    private var settings: QuickBooksSettings { configuration.quickbooks }

    /// `<?xml …?>`, `<?qbxml version="13.0"?>`, `<QBXML><QBXMLMsgsRq onError="…">`.
    func startRequestSet() throws {
        try xml.startDocument()
        try xml.processingInstruction("qbxml", "version=\"13.0\"")
        try xml.startElement("QBXML")
        try xml.startElement("QBXMLMsgsRq")
        try xml.attribute("onError", settings.onError.rawValue)
    }

    /// `InvoiceAddRq` or `CreditMemoAddRq`.
    func salesAdd(_ document: SalesDocument, _ mapped: MappedDocument) throws {
        let isInvoice = document.kind == .invoice
        let name = isInvoice ? "Invoice" : "CreditMemo"
        let refNumber = QuickBooksRules.shortNumber(document.number, settings)
        try xml.startElement("\(name)AddRq")
        try xml.attribute("requestID", document.number)
        try xml.startElement("\(name)Add")
        // A credit memo names itself as a macro, so a refund later in the same request set can apply to it (``DesktopRefund``).
        if !isInvoice { try xml.attribute("defMacro", DesktopRefund.macro(refNumber)) }
        try ref("CustomerRef", mapped.contact.name)
        if let className = QuickBooksRules.className(mapped) { try ref("ClassRef", className) }
        try ref("ARAccountRef", settings.accountsReceivable)
        try xml.element("TxnDate", document.date.description)
        try xml.element("RefNumber", refNumber)
        try billAddress(mapped.contact.address)
        if isInvoice, let due = document.dueDate { try xml.element("DueDate", due.description) }
        try xml.element("Memo", QuickBooksRules.memo(.sales(document)))
        for line in mapped.lines {
            let pricing = QuickBooksRules.pricing(line)
            try xml.startElement("\(name)LineAdd")
            try ref("ItemRef", settings.item)
            try xml.element("Desc", pricing.description)
            try xml.element("Quantity", pricing.quantity.normalizedDescription)
            try xml.element("Rate", pricing.rate)
            try xml.element("Amount", QuickBooksRules.amount(line.line.net))
            try xml.element("TaxAmount", QuickBooksRules.amount(line.line.tax))
            try ref("SalesTaxCodeRef", line.tax[QuickBooksRules.desktopTaxCode] ?? "")
            try ref("OverrideItemAccountRef", line.account)
            try xml.endElement()
        }
        try xml.endElement()
        try xml.endElement()
    }

    /// `ReceivePaymentAddRq`: a prepayment, applied by QuickBooks to the
    /// customer's open invoices when it names one (a request set cannot name
    /// an invoice's TxnID before QuickBooks gives it), else left as a credit.
    func receivePaymentAdd(_ payment: Payment, _ mapped: MappedDocument) throws {
        try xml.startElement("ReceivePaymentAddRq")
        try xml.attribute("requestID", payment.reference)
        try xml.startElement("ReceivePaymentAdd")
        try ref("CustomerRef", mapped.contact.name)
        try ref("ARAccountRef", settings.accountsReceivable)
        try xml.element("TxnDate", payment.date.description)
        try xml.element("RefNumber", QuickBooksRules.shortNumber(payment.reference, settings))
        try xml.element("TotalAmount", QuickBooksRules.amount(payment.amount))
        try xml.element("Memo", QuickBooksRules.memo(.payment(payment)))
        try ref("DepositToAccountRef", QuickBooksRules.depositAccount(payment, configuration))
        try xml.element("IsAutoApply", payment.relatedInvoice == nil ? "false" : "true")
        try xml.endElement()
        try xml.endElement()
    }

    /// `ARRefundCreditCardAddRq` or `CheckAddRq`, by `quickbooks.desktop_refunds`.
    func refund(_ refund: DesktopRefund) throws {
        let amount = QuickBooksRules.amount(refund.amount)
        let memo = refund.memo ?? "Refund of credit memo \(refund.creditMemoRefNumber)"
        switch settings.desktopRefunds {
        case .creditCard:
            try xml.startElement("ARRefundCreditCardAddRq")
            try xml.attribute("requestID", refund.requestID)
            try xml.startElement("ARRefundCreditCardAdd")
            try ref("CustomerRef", refund.customer)
            try ref("RefundFromAccountRef", refund.account)
            try ref("ARAccountRef", settings.accountsReceivable)
            try xml.element("TxnDate", refund.date.description)
            try xml.element("RefNumber", ifPresent: refund.refNumber)
            try xml.element("Memo", memo)
            try xml.startElement("RefundAppliedToTxnAdd")
            try creditMemoTxnID(refund)
            try xml.element("RefundAmount", amount)
        case .cheque:
            try xml.startElement("CheckAddRq")
            try xml.attribute("requestID", refund.requestID)
            try xml.startElement("CheckAdd")
            try ref("AccountRef", refund.account)
            try ref("PayeeEntityRef", refund.customer)
            try xml.element("RefNumber", ifPresent: refund.refNumber)
            try xml.element("TxnDate", refund.date.description)
            try xml.element("Memo", memo)
            try xml.startElement("ApplyCheckToTxnAdd")
            try creditMemoTxnID(refund)
            try xml.element("Amount", amount)
            try xml.endElement()
            // The cheque's one line debits Accounts Receivable for the customer, which the applied credit memo clears.
            try xml.startElement("ExpenseLineAdd")
            try ref("AccountRef", settings.accountsReceivable)
            try xml.element("Amount", amount)
            try xml.element("Memo", memo)
            try ref("CustomerRef", refund.customer)
        }
        try xml.endElement()
        try xml.endElement()
        try xml.endElement()
    }

    private func creditMemoTxnID(_ refund: DesktopRefund) throws {
        try xml.startElement("TxnID")
        if let id = refund.creditMemoTxnID {
            try xml.text(id, field: "TxnID")
        } else {
            try xml.attribute("useMacro", DesktopRefund.macro(refund.creditMemoRefNumber))
        }
        try xml.endElement()
    }

    /// `<name><FullName>value</FullName></name>`: every list reference is by full name.
    private func ref(_ name: String, _ fullName: String) throws {
        try xml.startElement(name)
        try xml.element("FullName", fullName)
        try xml.endElement()
    }

    private func billAddress(_ address: Address) throws {
        guard !address.isEmpty else { return }
        try xml.startElement("BillAddress")
        let layout: [(name: String, part: KeyPath<Address, String?>)] = [
            ("Addr1", \.line1), ("Addr2", \.line2), ("City", \.town), ("State", \.county), ("PostalCode", \.postcode),
            ("Country", \.country),
        ]
        for (name, value) in address.parts(layout) { try xml.element(name, value) }
        try xml.endElement()
    }
}
