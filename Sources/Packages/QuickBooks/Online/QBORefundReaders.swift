import KCCModel
import PackageInterface
import XMLStreaming

/// Refunds from QuickBooks Online's v3 API, in XML (`IntuitResponse`) or JSON
/// (`{"QueryResponse": …}`): the answer to `select * from RefundReceipt`, or
/// to `select * from Payment`, saved from the API explorer or any tool.
///
/// - A `RefundReceipt` is money paid back: its amount is `TotalAmt`; its KCC
///   credit note is its `DocNumber` (kccbridge's own refund receipts carry the
///   KCC number there), its memo the private note. A receipt of zero is a
///   voided one (QuickBooks Online keeps a voided transaction with its
///   amounts set to zero) and is counted, never applied.
/// - A credit memo is refunded in QuickBooks Online by paying the customer
///   (a cheque or an expense against Accounts Receivable) and linking that
///   payment to the credit memo in a `Payment` whose lines name both. Such a
///   `Payment` is read as a refund of the amount linked to the cheque or
///   expense; the credit memo is named there only by its Id, so the refund
///   is matched by a KCC number in its private note, else left, with that
///   Id, for a person to match. Any other `Payment` is a
///   customer's payment and is counted, not read.
/// - An error response (`Fault`) is refused whole, quoting QuickBooks.
enum QBORefunds {
    static let system = "quickbooks-online"
    /// The records read.
    static let records: Set<String> = ["RefundReceipt", "Payment"]

    /// A reference's value: the element's text in XML, its `value` member in JSON.
    static func refValue(_ record: XMLTree, _ name: String) -> String? {
        record.value("\(name)/value") ?? record.value(name)
    }

    /// A reference's name: its `name` attribute in XML, its `name` member in JSON.
    static func refName(_ record: XMLTree, _ name: String) -> String? {
        record.value("\(name)/name") ?? record[name]?.attributes["name"]?.trimmingWhitespace()
    }

    /// The KCC credit notes of QuickBooks Online's credit memos, by the memo's
    /// Id (from a CreditMemo list given with `--qbo-lists`).
    static func take(
        _ record: XMLTree, file: String, creditMemos: [String: String], into read: inout RefundRead
    ) {
        switch record.name {
        case "RefundReceipt": takeReceipt(record, file: file, into: &read)
        default: takePayment(record, file: file, creditMemos: creditMemos, into: &read)
        }
    }

    private static func takeReceipt(_ receipt: XMLTree, file: String, into read: inout RefundRead) {
        // Both notes are kept: either may name the KCC credit note.
        let reference = [
            receipt.value("PrivateNote"), receipt.value("CustomerMemo/value") ?? receipt.value("CustomerMemo"),
        ]
        .compactMap { $0 }.joined(separator: "; ")
        let method =
            refName(receipt, "PaymentMethodRef") ?? refValue(receipt, "PaymentMethodRef").map { "method Id \($0)" }
        var refund = make(
            receipt, amount: receipt.value("TotalAmt"), amountField: "TotalAmt",
            creditNote: receipt.value("DocNumber"), reference: reference.isEmpty ? nil : reference,
            method: method, file: file)
        // QuickBooks Online keeps a voided transaction with its amounts set to zero.
        if let total = receipt.value("TotalAmt"), (try? ExactDecimal(parsing: total))?.isZero == true {
            refund.isVoided = true
            refund.amount = nil
            refund.problems = []
        }
        read.refunds.append(refund)
    }

    private static func takePayment(
        _ payment: XMLTree, file: String, creditMemos numbers: [String: String], into read: inout RefundRead
    ) {
        var creditMemos: [String] = []
        var paidOut: [String] = []
        var outAmounts: [String] = []
        for line in payment.entities("Line") {
            let links = line.entities("LinkedTxn")
            let types = links.compactMap { $0.value("TxnType") }
            creditMemos += links.filter { $0.value("TxnType") == "CreditMemo" }.compactMap { $0.value("TxnId") }
            if types.contains(where: { $0 == "Expense" || $0 == "Check" }) {
                paidOut += links.compactMap { $0.value("TxnId") }
                if let amount = line.value("Amount") { outAmounts.append(amount) }
            }
        }
        guard !creditMemos.isEmpty, !outAmounts.isEmpty else {
            read.passOver("customer payments")
            return
        }
        // The lines are added exactly; a line that is not a number is left for the amount's own check.
        var total: ExactDecimal? = ExactDecimal(0)
        for amount in outAmounts {
            total = (try? ExactDecimal(parsing: amount)).flatMap { total?.adding($0) }
        }
        let memoIDs = creditMemos.joined(separator: ", ")
        // One credit memo whose KCC number the CreditMemo list gives is the refund's credit note.
        let known = Set(creditMemos.compactMap { numbers[$0] })
        read.refunds.append(
            make(
                payment, amount: total.map(\.description) ?? outAmounts.joined(separator: "+"),
                amountField: "Line/Amount", creditNote: known.count == 1 ? known.first : nil,
                reference: [
                    payment.value("PrivateNote"),
                    "credit memo Id \(memoIDs) refunded by \(paidOut.joined(separator: ", "))",
                ].compactMap { $0 }.joined(separator: "; "),
                method: "cheque or expense", file: file))
    }

    private static func make(
        _ record: XMLTree, amount: String?, amountField: String, creditNote: String?, reference: String?,
        method: String?, file: String
    ) -> Refund {
        let location = SourceLocation(file: file, line: record.line > 0 ? record.line : nil)
        var problems = RecordProblems(at: location)
        let id = record.value("Id") ?? ""
        if id.isEmpty { problems.add("Id is missing", field: "Id") }
        for field in ["Id", "TotalAmt", "TxnDate", "DocNumber"] where record.all(field).count > 1 {
            problems.add("\(field) is given twice", field: field)
        }
        let currency = RefundValues.currency(
            refValue(record, "CurrencyRef"), fallback: nil, field: "CurrencyRef", problems: &problems)
        let money = RefundValues.amount(amount, currency: currency, field: amountField, problems: &problems)
        let date = RefundValues.date(record.value("TxnDate"), slashFormat: .iso, field: "TxnDate", problems: &problems)
        let customer = record.value("CustomerRef/name") ?? refValue(record, "CustomerRef")
        return Refund(
            system: system, location: location, id: id, date: date, amount: money, creditNote: creditNote,
            reference: reference, method: method, customer: customer, problems: problems.findings)
    }

    static func refusal(_ file: String, _ fault: XMLTree) -> FileRefusal {
        FileRefusal(
            at: SourceLocation(file: file, line: fault.line > 0 ? fault.line : nil),
            "QuickBooks Online answered with an error (\(QBOLists.faultText(fault))); this is not a list of refunds, and nothing was read from it: run the query again"
        )
    }

    static func otherEntity(_ file: String, _ entity: String) -> FileRefusal {
        FileRefusal(
            at: SourceLocation(file: file),
            "this QuickBooks Online response lists \(entity) records, not refunds: query RefundReceipt (select * from RefundReceipt) or Payment"
        )
    }

    static func changeFeed(_ file: String, line: Int?) -> FileRefusal {
        FileRefusal(
            at: SourceLocation(file: file, line: line),
            "this is a change-feed (CDC) answer, which holds deleted records without their amounts: query RefundReceipt and Payment instead; a receipt voided since shows there with a total of zero"
        )
    }

    static func nothingRead(_ file: String) -> FileRefusal {
        FileRefusal(
            at: SourceLocation(file: file),
            "this QuickBooks Online response holds no RefundReceipt or Payment records: query for those (select * from RefundReceipt)"
        )
    }
}

/// QuickBooks Online API responses in XML.
struct QBOXMLRefundReader: RefundReader {
    let format = "qbo-xml"
    let summary = "QuickBooks Online API responses in XML (<IntuitResponse>): RefundReceipt, Payment"

    func recognises(_ head: [UInt8]) -> Bool {
        head.first == UInt8(ascii: "<") && String(decoding: head, as: UTF8.self).contains("<IntuitResponse")
    }

    func read(_ path: String, displayName name: String, settings: RefundSettings) throws(FileRefusal) -> RefundRead {
        var read = RefundRead()
        var fault: XMLTree?
        var answered = false
        var sawQuery = false
        var expectEntity = false
        var other: String?
        let inspect: (XMLElementStart) throws(FileRefusal) -> Void = { element throws(FileRefusal) in
            if element.name == "CDCResponse" { throw QBORefunds.changeFeed(name, line: element.line) }
            if element.name == "QueryResponse" {
                sawQuery = true
                expectEntity = true
            } else if expectEntity {
                // The first element in QueryResponse that is not a refund record: the answer to another query.
                other = other ?? element.name
                expectEntity = false
            }
        }
        let take: (XMLTree) -> Void = { record in
            if record.name == "Fault" {
                fault = fault ?? record
            } else {
                answered = true
                expectEntity = false
                QBORefunds.take(record, file: name, creditMemos: settings.creditNoteNumbers, into: &read)
            }
        }
        try XMLRecords.scan(
            path, name, root: "IntuitResponse", records: QBORefunds.records.union(["Fault"]), inspect: inspect,
            take: take)
        if let fault { throw QBORefunds.refusal(name, fault) }
        if !answered, let other { throw QBORefunds.otherEntity(name, other) }
        guard answered || sawQuery else { throw QBORefunds.nothingRead(name) }
        return read
    }
}

/// QuickBooks Online API responses in JSON.
struct QBOJSONRefundReader: RefundReader {
    let format = "qbo-json"
    let summary = "QuickBooks Online API responses in JSON ({\"QueryResponse\": …}): RefundReceipt, Payment"

    func recognises(_ head: [UInt8]) -> Bool {
        guard head.first == UInt8(ascii: "{") else { return false }
        let text = String(decoding: head, as: UTF8.self)
        return text.contains("\"QueryResponse\"") || text.contains("\"RefundReceipt\"") || text.contains("\"Payment\"")
            || (text.contains("\"Fault\"") && text.contains("\"time\""))
    }

    func read(_ path: String, displayName name: String, settings: RefundSettings) throws(FileRefusal) -> RefundRead {
        let tree = try JSONRecords.read(path, name, root: "IntuitResponse")
        if let fault = tree["Fault"] { throw QBORefunds.refusal(name, fault) }
        if tree["CDCResponse"] != nil { throw QBORefunds.changeFeed(name, line: tree["CDCResponse"]?.line) }
        var read = RefundRead()
        var answered = false
        for holder in [tree["QueryResponse"], tree].compactMap({ $0 }) {
            for kind in QBORefunds.records.sorted() {
                let records = holder.entities(kind)
                if holder[kind] != nil { answered = true }
                for record in records {
                    QBORefunds.take(record, file: name, creditMemos: settings.creditNoteNumbers, into: &read)
                }
            }
        }
        // The answer to a query of other records (a Customer list) is not an empty month.
        let entities = (tree["QueryResponse"]?.children ?? []).map(\.name).filter { $0.first?.isUppercase == true }
        if !answered, let other = entities.first { throw QBORefunds.otherEntity(name, other) }
        guard answered || tree["QueryResponse"] != nil else { throw QBORefunds.nothingRead(name) }
        return read
    }
}
