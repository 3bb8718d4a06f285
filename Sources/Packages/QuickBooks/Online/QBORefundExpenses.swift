import KCCModel
import PackageInterface
import QuickBooksCommon
import XMLStreaming

/// Refunds made elsewhere (a sales channel), for QuickBooks Online, whose
/// credit notes went there as `CreditMemo`s (`quickbooks.online_refunds:
/// credit_memo`): each a `Purchase` of type `Check`, money paid to the
/// customer out of `quickbooks.refund_account` (a bank account), its one line
/// on Accounts Receivable naming the customer, as QuickBooks Online records a
/// credit memo refunded to a customer. Bodies for the v3 batch endpoint, at
/// most 30 per file. QuickBooks Online's API cannot link the two in the same
/// call (the link is a `Payment` naming both by Id); see the README.
package struct QBORefundExpenses: RefundWriter {
    package let target = "qbo-xml"
    package let fileSuffix = "qbo-refunds.xml"
    package var maximumPerFile: Int? { QBOXMLFormat.itemsPerBatch }

    package var notice: String? {
        guard (try? lists.get())?.isEmpty ?? false else { return nil }
        return
            "the QuickBooks Online refunds name the customer and accounts where QuickBooks Online needs their Ids: give the lists with --qbo-lists to write Ids"
    }

    let configuration: QuickBooksConfiguration
    /// The lists, or why they cannot be read (which refuses every refund).
    let lists: Result<QBOLists, FileRefusal>

    package init(configuration: QuickBooksConfiguration) {
        self.configuration = configuration
        let paths = configuration.quickbooks.onlineLists
        self.lists = Result { () throws(FileRefusal) in try QBOLists.load(paths) }
    }

    package func refusal(_ refund: RefundPayment) -> String? {
        let settings = configuration.quickbooks
        guard settings.onlineRefunds == .creditMemo else {
            return
                "credit notes go to QuickBooks Online as refund receipts here (quickbooks.online_refunds: \(settings.onlineRefunds.rawValue)), which record the money paid back already: writing refund \(refund.refundID) too would count it twice; reconcile without --to qbo-xml"
        }
        guard settings.refundAccount != nil else {
            return
                "refund \(refund.refundID) is money paid out of a bank account: set quickbooks.refund_account to the bank account refunds are paid from"
        }
        let lists: QBOLists
        switch self.lists {
        case .success(let found): lists = found
        case .failure(let refusal): return refusal.description
        }
        let references: [(QBOLists.Kind, String)] = [
            (.customer, refund.customerName), (.account, settings.accountsReceivable),
            (.account, settings.refundFromAccount),
        ]
        for (kind, value) in references {
            if let problem = lists.problem(kind, value) { return "refund \(refund.refundID): \(problem)" }
        }
        return nil
    }

    package func contents(_ refunds: [RefundPayment]) throws -> [UInt8] {
        let lists = (try? self.lists.get()) ?? QBOLists()
        let settings = configuration.quickbooks
        let xml = XMLStreamWriter()
        try xml.startDocument()
        try xml.startElement("IntuitBatchRequest", namespace: QBOXMLFormat.namespace)
        for refund in refunds {
            let memo =
                "Refund \(refund.refundID) of KCC \(refund.creditNote)"
                + (refund.orderNumber.map { ", order \($0)" } ?? "")
            try xml.startElement("BatchItemRequest")
            try xml.attribute("bId", refund.refundID)
            try xml.attribute("operation", "create")
            try xml.startElement("Purchase")
            // Transaction
            try xml.element("TxnDate", refund.date.description)
            try xml.element("CurrencyRef", refund.amount.currency.code)
            try xml.element("PrivateNote", memo)
            try xml.startElement("Line")
            try xml.element("LineNum", "1")
            try xml.element("Description", memo)
            try xml.element("Amount", QuickBooksRules.amount(refund.amount))
            try xml.element("DetailType", "AccountBasedExpenseLineDetail")
            try xml.startElement("AccountBasedExpenseLineDetail")
            try xml.reference("CustomerRef", refund.customerName, .customer, lists)
            try xml.reference("AccountRef", settings.accountsReceivable, .account, lists)
            try xml.endElement()
            try xml.endElement()
            // Purchase
            try xml.reference("AccountRef", settings.refundFromAccount, .account, lists)
            try xml.element("PaymentType", "Check")
            try xml.reference("EntityRef", refund.customerName, .customer, lists, type: "Customer")
            try xml.element("TotalAmt", QuickBooksRules.amount(refund.amount))
            try xml.endElement()
            try xml.endElement()
        }
        try xml.endDocument()
        return xml.drain()
    }
}
