import KCCModel
import PackageInterface
import XMLStreaming

/// Refunds from QuickBooks Desktop qbXML query responses:
/// `ARRefundCreditCardQueryRs` (credit-card refunds, each applied to credit
/// memos), `CheckQueryRs` (cheques linked to a credit memo) and
/// `CreditMemoQueryRs` (credit memos listing the refunds linked to them).
/// The same refund seen through two responses keeps one id (its TxnID), so
/// reconciliation counts it once. A response whose `statusSeverity` is
/// `Error` is refused whole, quoting QuickBooks; `statusCode="1"` ("no
/// matching object", severity `Info`) is a valid empty result. Cheques linked
/// to no credit memo are not refunds, and are counted as such.
struct QBXMLRefundReader: RefundReader {
    static let system = "quickbooks-desktop"
    let format = "qbd-qbxml"
    let summary = "qbXML query responses (<QBXML>): ARRefundCreditCardQueryRs, CheckQueryRs, CreditMemoQueryRs"

    func recognises(_ head: [UInt8]) -> Bool {
        head.first == UInt8(ascii: "<") && String(decoding: head, as: UTF8.self).contains("<QBXML")
    }

    /// Amounts are in `refunds.desktop_currency`: qbXML names currencies by full name only.
    func read(_ path: String, displayName name: String, settings: RefundSettings) throws(FileRefusal) -> RefundRead {
        let currency = settings.desktopCurrency
        var read = RefundRead()
        var answered: Set<String> = []
        let inspect: (XMLElementStart) throws(FileRefusal) -> Void = { element throws(FileRefusal) in
            try Self.checkStatus(element, file: name)
            if element.name.hasSuffix("QueryRs") { answered.insert(element.name) }
        }
        let take: (XMLTree) -> Void = { record in
            switch record.name {
            case "ARRefundCreditCardRet":
                read.refunds += Self.cardRefunds(record, file: name, currency: currency)
            case "CheckRet":
                let refunds = Self.cheques(record, file: name, currency: currency)
                if refunds.isEmpty { read.passOver("cheques linked to no credit memo") }
                read.refunds += refunds
            default:
                read.refunds += Self.linkedToCreditMemo(record, file: name, currency: currency)
            }
        }
        let records: Set<String> = ["ARRefundCreditCardRet", "CheckRet", "CreditMemoRet"]
        try XMLRecords.scan(path, name, root: "QBXML", records: records, inspect: inspect, take: take)
        let readable: Set<String> = ["ARRefundCreditCardQueryRs", "CheckQueryRs", "CreditMemoQueryRs"]
        guard !answered.isDisjoint(with: readable) else {
            let what = answered.isEmpty ? "no query response" : answered.sorted().joined(separator: ", ")
            throw FileRefusal(
                at: SourceLocation(file: name),
                "this qbXML holds \(what), not \(readable.sorted().joined(separator: ", ")): it says nothing about refunds; query for those"
            )
        }
        return read
    }

    /// Refuses a response QuickBooks answered with an error, or with a warning:
    /// a query "not fully completed" (500) would pass for a short month.
    static func checkStatus(_ element: XMLElementStart, file: String) throws(FileRefusal) {
        guard element.name.hasSuffix("Rs") else { return }
        let severity = element[attribute: "statusSeverity"]?.trimmingWhitespace().lowercased() ?? ""
        // Intuit's codes: 0 OK, 1–499 information (1: no match), 500–999 warnings, 1000 and up errors.
        let code = Int(element[attribute: "statusCode"]?.trimmingWhitespace() ?? "0") ?? 0
        guard severity == "error" || severity == "warn" || code >= 500 else { return }
        let message = element[attribute: "statusMessage"] ?? "no message"
        throw FileRefusal(
            at: SourceLocation(file: file, line: element.line),
            "QuickBooks answered \(element.name) with \(severity == "warn" || (500..<1000).contains(code) ? "a warning" : "an error") (statusCode \(code): \(message)); this is not a whole list of refunds, and nothing was read from it: query again"
        )
    }

    private static func make(
        id: String?, date: String?, amount: String?, creditMemo: String?, memo: String?, method: String?,
        customer: String?, line: Int, file: String, currency: Currency
    ) -> Refund {
        let location = SourceLocation(file: file, line: line)
        var problems = RecordProblems(at: location)
        if id == nil { problems.add("TxnID is missing", field: "TxnID") }
        // qbXML writes linked amounts as negative; the sign there says only which side of the link.
        let money = RefundValues.amount(
            amount, currency: currency, field: "the amount", negativeIsRefund: true, problems: &problems)
        let day = RefundValues.date(date, slashFormat: .monthDayYear, field: "TxnDate", problems: &problems)
        return Refund(
            system: system, location: location, id: id ?? "", date: day, amount: money,
            creditNote: creditMemo, reference: memo, method: method, customer: customer, problems: problems.findings)
    }

    /// A credit-card refund, once per credit memo it is applied to.
    private static func cardRefunds(_ ret: XMLTree, file: String, currency: Currency) -> [Refund] {
        let applied = ret.all("RefundAppliedToTxnRet")
        let id = ret.value("TxnID")
        let method = ret.value("PaymentMethodRef/FullName") ?? ret.value("RefundFromAccountRef/FullName")
        guard !applied.isEmpty else {
            return [
                make(
                    id: id, date: ret.value("TxnDate"), amount: ret.value("TotalAmount"), creditMemo: nil,
                    memo: ret.value("Memo"),
                    method: method, customer: ret.value("CustomerRef/FullName"), line: ret.line, file: file,
                    currency: currency)
            ]
        }
        return applied.enumerated().map { index, txn in
            make(
                id: id.map { applied.count == 1 ? $0 : "\($0)#\(index + 1)" }, date: ret.value("TxnDate"),
                amount: txn.value("RefundAmount"),
                creditMemo: txn.value("RefNumber"), memo: ret.value("Memo"), method: method,
                customer: ret.value("CustomerRef/FullName"),
                line: txn.line, file: file, currency: currency)
        }
    }

    /// A cheque, once per credit memo it is linked to (cheques linked to nothing are not refunds).
    private static func cheques(_ ret: XMLTree, file: String, currency: Currency) -> [Refund] {
        let links = ret.all("LinkedTxn").filter { $0.value("TxnType") == "CreditMemo" }
        let id = ret.value("TxnID")
        return links.enumerated().map { index, txn in
            make(
                id: id.map { links.count == 1 ? $0 : "\($0)#\(index + 1)" }, date: ret.value("TxnDate"),
                amount: txn.value("Amount") ?? ret.value("Amount"), creditMemo: txn.value("RefNumber"),
                memo: ret.value("Memo"),
                method: "Cheque", customer: ret.value("PayeeEntityRef/FullName"), line: txn.line, file: file,
                currency: currency)
        }
    }

    /// The refunds a credit memo lists among its linked transactions.
    private static func linkedToCreditMemo(_ ret: XMLTree, file: String, currency: Currency) -> [Refund] {
        ret.all("LinkedTxn").filter { ["ARRefundCreditCard", "Check"].contains($0.value("TxnType") ?? "") }.map { txn in
            make(
                id: txn.value("TxnID"), date: txn.value("TxnDate"), amount: txn.value("Amount"),
                creditMemo: ret.value("RefNumber"),
                memo: ret.value("Memo"), method: txn.value("TxnType") == "Check" ? "Cheque" : "Card",
                customer: ret.value("CustomerRef/FullName"), line: txn.line, file: file, currency: currency)
        }
    }
}
