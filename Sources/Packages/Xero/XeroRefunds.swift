import KCCModel
import PackageInterface
import XMLStreaming

/// What Xero's Accounting API responses say about money paid back to
/// customers, read the same from XML and JSON (both become the same small
/// trees). Status and type are read, never ignored:
///
/// - `GET /Payments`: a payment of type `ARCREDITPAYMENT` (a sales credit
///   note refunded), `AROVERPAYMENTPAYMENT` or `ARPREPAYMENTPAYMENT` (an
///   overpayment or prepayment refunded) is a refund. Customers' payments
///   (`ACCRECPAYMENT`) and every supplier-side payment (`ACCPAY…`, `AP…`)
///   are counted as not refunds.
/// - `GET /CreditNotes`: the `Payments` of a sales credit note (`ACCRECCREDIT`)
///   are its refunds; a supplier credit note's (`ACCPAYCREDIT`) are not, and
///   `Allocations` (credit applied to an invoice) are not money back.
/// - `GET /Overpayments`, `GET /Prepayments`: the `Payments` of a received
///   overpayment or prepayment are refunds.
/// - A `DELETED` or `VOIDED` payment (or credit note) is a voided refund:
///   never applied; reconciliation lists it as a reversal if it was applied before.
/// - An error response (`ApiException`, a `Response` with `Errors` or a status
///   other than `OK`, a JSON error body) is refused whole, quoting Xero's words.
enum XeroRefunds {
    static let system = "xero"
    /// The payment types that are money back to a customer.
    static let refundTypes: Set<String> = ["ARCREDITPAYMENT", "AROVERPAYMENTPAYMENT", "ARPREPAYMENTPAYMENT"]
    static let voidedStatuses: Set<String> = ["DELETED", "VOIDED"]
    /// The record elements of every response shape read.
    static let records: Set<String> = ["Payment", "CreditNote", "Overpayment", "Prepayment"]

    /// Takes one record into `read`.
    static func take(_ record: XMLTree, file: String, into read: inout RefundRead) {
        switch record.name {
        case "Payment":
            takePayment(record, parent: nil, file: file, into: &read)
        case "CreditNote":
            let type = record.value("Type")
            let payments = record["Payments"]?.all("Payment") ?? []
            read.passOver(
                "credit note allocations to invoices (not money back)",
                count: record["Allocations"]?.all("Allocation").count ?? 0)
            guard type == "ACCRECCREDIT" else {
                let kind =
                    type.map { "payments of credit notes of type \($0) (supplier credit notes)" }
                    ?? "payments of credit notes of no stated type"
                read.passOver(kind, count: payments.count)
                return
            }
            for payment in payments { takePayment(payment, parent: record, file: file, into: &read) }
        default:
            // Overpayment or Prepayment: money received from a customer (RECEIVE-…), or paid to a supplier (SPEND-…).
            let type = record.value("Type") ?? ""
            let payments = record["Payments"]?.all("Payment") ?? []
            read.passOver("\(record.name.lowercased())s themselves (\(type)): money in or out, not a refund")
            read.passOver(
                "\(record.name.lowercased()) allocations to invoices (not money back)",
                count: record["Allocations"]?.all("Allocation").count ?? 0)
            guard type.hasPrefix("RECEIVE") else {
                read.passOver("refunds of supplier \(record.name.lowercased())s (\(type))", count: payments.count)
                return
            }
            for payment in payments { takePayment(payment, parent: record, file: file, into: &read) }
        }
    }

    /// One payment: a refund, or a count of what it is instead.
    private static func takePayment(_ payment: XMLTree, parent: XMLTree?, file: String, into read: inout RefundRead) {
        let type = payment.value("PaymentType")
        if parent == nil {
            // Payments shape: the type says what the money was; older responses name the credit note's type only.
            let isRefund = type.map(refundTypes.contains) ?? (payment.value("Invoice/Type") == "ACCRECCREDIT")
            guard isRefund else {
                let kind =
                    switch type ?? "" {
                    case "ACCRECPAYMENT": "customer payments (ACCRECPAYMENT)"
                    case let other where other.hasPrefix("ACCPAY") || other.hasPrefix("AP"):
                        "supplier payments and refunds (\(other))"
                    case "": "payments of no stated type"
                    case let other: "payments of type \(other)"
                    }
                read.passOver(kind)
                return
            }
        } else if let type, !refundTypes.contains(type) {
            read.passOver("payments of type \(type)")
            return
        }
        read.refunds.append(refund(payment, parent: parent, file: file))
    }

    private static func refund(_ payment: XMLTree, parent: XMLTree?, file: String) -> Refund {
        let location = SourceLocation(file: file, line: payment.line > 0 ? payment.line : nil)
        var problems = RecordProblems(at: location)
        let id = payment.value("PaymentID") ?? ""
        if id.isEmpty { problems.add("PaymentID is missing", field: "PaymentID") }
        // Two of one element: which counts is a guess, and a guess about money is refused.
        for field in ["PaymentID", "Amount", "Date", "Status", "PaymentType", "CurrencyCode"]
        where payment.all(field).count > 1 {
            problems.add("\(field) is given twice", field: field)
        }
        let currencyCode =
            parent?.value("CurrencyCode") ?? payment.value("Invoice/CurrencyCode") ?? payment.value("CurrencyCode")
        let currency = RefundValues.currency(currencyCode, fallback: nil, field: "CurrencyCode", problems: &problems)
        let amount = RefundValues.amount(
            payment.value("Amount"), currency: currency, field: "Amount", problems: &problems)
        let date = RefundValues.date(
            payment.value("Date").map(jsonDate), slashFormat: .dayMonthYear, field: "Date", problems: &problems)
        for message in payment["ValidationErrors"]?.all("ValidationError").compactMap({ $0.value("Message") }) ?? [] {
            problems.add("Xero reported: \(message)")
        }
        let isCreditNote = parent?.name == "CreditNote"
        let creditNote = isCreditNote ? parent?.value("CreditNoteNumber") : creditNoteOf(payment)
        var refund = Refund(
            system: system, location: location, id: id, date: date, amount: amount,
            creditNote: creditNote, orderNumber: isCreditNote ? parent?.value("Reference") : nil,
            reference: payment.value("Reference"),
            method: payment.value("Account/Code") ?? payment.value("Account/Name"),
            customer: parent?.value("Contact/Name") ?? payment.value("Invoice/Contact/Name"),
            problems: problems.findings)
        // A deleted or voided credit note, overpayment or prepayment voids the refunds under it.
        let statuses = [payment.value("Status"), parent?.value("Status")].compactMap { $0 }
        refund.isVoided = statuses.contains(where: voidedStatuses.contains)
        return refund
    }

    /// The credit note a payment in the Payments shape refunds: the `Invoice` of type `ACCRECCREDIT`.
    private static func creditNoteOf(_ payment: XMLTree) -> String? {
        guard payment.value("Invoice/Type").map({ $0 == "ACCRECCREDIT" }) ?? true else { return nil }
        return payment.value("Invoice/InvoiceNumber") ?? payment.value("CreditNote/CreditNoteNumber")
            ?? payment.value("CreditNoteNumber")
    }

    /// `/Date(1543449600000+0000)/`, as Xero's JSON writes dates, as `2018-11-29`; other text as it is.
    static func jsonDate(_ text: String) -> String {
        guard text.hasPrefix("/Date("), text.hasSuffix(")/") else { return text }
        let inner = text.dropFirst(6).dropLast(2)
        let millis = inner.prefix { $0 == "-" || ("0"..."9").contains($0) }
        let zone = inner.dropFirst(millis.count)
        // Milliseconds, then nothing or a `+hhmm` zone: anything else (`1e20`, `.5`) is not one of Xero's dates.
        guard
            zone.isEmpty
                || (zone.count == 5 && (zone.first == "+" || zone.first == "-")
                    && zone.dropFirst().allSatisfy { ("0"..."9").contains($0) })
        else { return text }
        // Beyond year 9999 either way is no date at all (and would overflow the arithmetic).
        let limit: Int64 = 253_402_300_800_000
        guard let ms = Int64(millis), ms > -limit, ms < limit else { return text }
        // The date is midnight of the day in the organisation's books, given in UTC.
        let days = Int((ms >= 0 ? ms : ms - 86_399_999) / 86_400_000)
        return CalendarDate(daysSinceEpoch: days).description
    }

    /// The words of an error response, for the refusal: Xero's type, number, message and each validation message.
    static func errorText(_ tree: XMLTree) -> String? {
        let messages = Self.collect(tree, named: ["Message", "Description", "Detail"])
        let type = tree.value("Type") ?? tree.value("Title")
        let number = tree.value("ErrorNumber") ?? tree.value("Status")
        guard !messages.isEmpty || type != nil else { return nil }
        let head = [type, number.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")
        return ([head].filter { !$0.isEmpty } + Array(unique(messages).prefix(5))).joined(separator: ": ")
    }

    /// The messages once each, in order.
    private static func unique(_ items: [String]) -> [String] {
        var seen: Set<String> = []
        return items.filter { seen.insert($0).inserted }
    }

    private static func collect(_ tree: XMLTree, named names: Set<String>) -> [String] {
        var found: [String] = []
        if names.contains(tree.name) {
            let text = tree.text.trimmingWhitespace()
            if !text.isEmpty { found.append(text) }
        }
        for child in tree.children where child.name != "StackTrace" { found += collect(child, named: names) }
        return found
    }

    /// A refusal for an error response.
    static func refusal(_ file: String, line: Int?, _ words: String) -> FileRefusal {
        FileRefusal(
            at: SourceLocation(file: file, line: line),
            "this is an error response from Xero, not a list of refunds (\(words)); nothing was read from it: query again"
        )
    }
}
