import KCCModel
import PackageInterface
import XMLStreaming

/// Refunds from Xero Accounting API responses, in both shapes Xero returns them:
/// `GET /Payments` (a refund of a sales credit note is a Payment of type
/// `ARCREDITPAYMENT`, the credit note inside an `Invoice` element of type
/// `ACCRECCREDIT`) and `GET /CreditNotes` (refunds listed under each credit
/// note's `Payments`). Other payment types are not refunds and are passed over.
struct XeroRefundReader: RefundReader {
    static let system = "xero"
    let format = "xero-xml"
    let summary = "Xero Accounting API responses (<Response>): Payments or CreditNotes"

    func recognises(_ head: [UInt8]) -> Bool {
        head.first == UInt8(ascii: "<") && String(decoding: head, as: UTF8.self).contains("<Response")
    }

    func read(_ path: String, displayName name: String, settings: RefundSettings) throws(FileRefusal) -> [Refund] {
        var refunds: [Refund] = []
        try XMLRecords.scan(path, name, root: "Response", records: ["Payment", "CreditNote"]) { record in
            if record.name == "Payment" {
                if let refund = Self.fromPayment(record, creditNote: nil, file: name) { refunds.append(refund) }
            } else {
                for payment in record["Payments"]?.all("Payment") ?? [] {
                    if let refund = Self.fromPayment(payment, creditNote: record, file: name) { refunds.append(refund) }
                }
            }
        }
        return refunds
    }

    /// One refund from a `Payment` element; `creditNote` is its parent in the `CreditNotes` shape.
    private static func fromPayment(_ payment: XMLTree, creditNote: XMLTree?, file: String) -> Refund? {
        let type = payment.value("PaymentType")
        if creditNote == nil {
            // Payments shape: only refunds of sales credit notes.
            let invoiceType = payment.value("Invoice/Type")
            guard type == "ARCREDITPAYMENT" || invoiceType == "ACCRECCREDIT" else { return nil }
        }
        let location = SourceLocation(file: file, line: payment.line)
        var problems = RecordProblems(at: location)
        let id = payment.value("PaymentID") ?? ""
        if id.isEmpty { problems.add("PaymentID is missing", field: "PaymentID") }
        let currencyCode =
            creditNote?.value("CurrencyCode") ?? payment.value("Invoice/CurrencyCode") ?? payment.value("CurrencyCode")
        let currency = RefundValues.currency(currencyCode, fallback: nil, field: "CurrencyCode", problems: &problems)
        let amount = RefundValues.amount(
            payment.value("Amount"), currency: currency, field: "Amount", problems: &problems)
        let date = RefundValues.date(
            payment.value("Date"), slashFormat: .dayMonthYear, field: "Date", problems: &problems)
        let creditNoteNumber =
            creditNote?.value("CreditNoteNumber") ?? payment.value("Invoice/InvoiceNumber")
            ?? payment.value("CreditNoteNumber")
        let order = creditNote?.value("Reference")
        return Refund(
            system: system, location: location, id: id, date: date, amount: amount,
            creditNote: creditNoteNumber, orderNumber: order, reference: payment.value("Reference"),
            method: payment.value("Account/Code") ?? payment.value("Account/Name"),
            customer: creditNote?.value("Contact/Name") ?? payment.value("Invoice/Contact/Name"),
            problems: problems.findings)
    }
}
