import KCCModel
import PackageInterface
import QuickBooksCommon
import XMLStreaming

/// A refund of a credit memo in QuickBooks Desktop: money paid back
/// by card (`ARRefundCreditCardAdd`) or by cheque (`CheckAdd`), as
/// `quickbooks.desktop_refunds` says. The reconciliation pass makes these.
package struct DesktopRefund: Sendable, Hashable {
    /// The credit memo's QuickBooks `RefNumber` (the shortened KCC number).
    package var creditMemoRefNumber: String
    /// The credit memo's `TxnID` from a `CreditMemoQueryRs`; `nil`: the credit
    /// memo is added earlier in the same request set, which names it by the macro `TxnID:<RefNumber>`.
    package var creditMemoTxnID: String?
    /// The customer's full name in QuickBooks.
    package var customer: String
    /// Positive.
    package var amount: Money
    package var date: CalendarDate
    /// The account the money leaves (`quickbooks.refund_account`, default Undeposited Funds).
    package var account: String
    /// The request's `requestID`, e.g. the KCC credit note number.
    package var requestID: String
    /// The refund's own number (a cheque number), at most 11 characters.
    package var refNumber: String?
    package var memo: String?

    package init(
        creditMemoRefNumber: String, creditMemoTxnID: String? = nil, customer: String, amount: Money,
        date: CalendarDate,
        account: String, requestID: String, refNumber: String? = nil, memo: String? = nil
    ) {
        self.creditMemoRefNumber = creditMemoRefNumber
        self.creditMemoTxnID = creditMemoTxnID
        self.customer = customer
        self.amount = amount
        self.date = date
        self.account = account
        self.requestID = requestID
        self.refNumber = refNumber
        self.memo = memo
    }

    /// The TxnID of the credit memo for KCC credit note `number`: by the full
    /// number (a credit memo's Memo names it), else by its shortened RefNumber.
    package static func txnID(
        for number: String, in ids: [String: String], configuration: QuickBooksConfiguration
    ) -> String? {
        ids[number] ?? ids[QuickBooksRules.shortNumber(number, configuration.quickbooks)]
    }

    /// The macro a credit memo defines and a refund in the same request set uses.
    static func macro(_ refNumber: String) -> String { "TxnID:CreditMemo:\(refNumber)" }

    /// A whole qbXML request set of refunds, each an `ARRefundCreditCardAddRq`
    /// or `CheckAddRq` by `configuration.quickbooks.desktopRefunds`.
    package static func requestSet(_ refunds: [DesktopRefund], configuration: QuickBooksConfiguration) throws -> [UInt8]
    {
        let xml = XMLStreamWriter()
        let writer = QBXMLRequestWriter(xml: xml, configuration: configuration)
        try writer.startRequestSet()
        for refund in refunds { try writer.refund(refund) }
        try xml.endDocument()
        return xml.drain()
    }
}

/// Refunds made elsewhere (a sales channel), applied to credit memos QuickBooks
/// already has: `ARRefundCreditCardAdd` or `CheckAdd` requests (qbXML 13.0),
/// each against its credit memo's TxnID from a `CreditMemoQueryRs` (`--credit-memos`).
package struct DesktopRefundRequests: RefundWriter {
    package let target = "qbd-qbxml"
    package let fileSuffix = "qbd-refunds.qbxml"
    package let configuration: QuickBooksConfiguration
    /// Credit memo TxnIDs by RefNumber or KCC number.
    package let creditMemoTxnIDs: [String: String]
    /// What QuickBooks says is left on each credit memo, by the same keys.
    package let remaining: [String: ExactDecimal]

    package init(
        configuration: QuickBooksConfiguration, creditMemoTxnIDs: [String: String],
        remaining: [String: ExactDecimal] = [:]
    ) {
        self.configuration = configuration
        self.creditMemoTxnIDs = creditMemoTxnIDs
        self.remaining = remaining
    }

    package func holdBack(_ refund: RefundPayment) -> String? {
        let short = QuickBooksRules.shortNumber(refund.creditNote, configuration.quickbooks)
        guard let left = remaining[refund.creditNote] ?? remaining[short] else { return nil }
        let amount = ExactDecimal(units: refund.amount.minorUnits, scale: refund.amount.currency.minorUnitDigits)
        guard amount.compare(left) > 0 else { return nil }
        return
            "QuickBooks says credit memo \(refund.creditNote) has \(left.normalizedDescription) remaining (CreditRemaining), less than refund \(refund.refundID)'s \(refund.amount): it was refunded or applied there already, so the refund is held back"
    }

    package func refusal(_ refund: RefundPayment) -> String? {
        guard DesktopRefund.txnID(for: refund.creditNote, in: creditMemoTxnIDs, configuration: configuration) == nil
        else { return nil }
        return
            "refund \(refund.refundID) pays back credit memo \(refund.creditNote), whose QuickBooks TxnID is not in --credit-memos (query the credit memos again and run once more)"
    }

    package func contents(_ refunds: [RefundPayment]) throws -> [UInt8] {
        let desktop = refunds.compactMap { refund -> DesktopRefund? in
            guard
                let txnID = DesktopRefund.txnID(
                    for: refund.creditNote, in: creditMemoTxnIDs, configuration: configuration)
            else { return nil }
            return DesktopRefund(
                creditMemoRefNumber: QuickBooksRules.shortNumber(refund.creditNote, configuration.quickbooks),
                creditMemoTxnID: txnID,
                customer: refund.customerName, amount: refund.amount, date: refund.date,
                account: configuration.quickbooks.refundFromAccount,
                requestID: refund.refundID,
                memo: "Refund \(refund.refundID) of KCC \(refund.creditNote)"
                    + (refund.orderNumber.map { ", order \($0)" } ?? ""))
        }
        return try DesktopRefund.requestSet(desktop, configuration: configuration)
    }
}
