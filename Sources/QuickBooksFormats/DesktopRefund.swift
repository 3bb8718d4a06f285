import KCCModel
import Mapping
import XMLStreaming

/// A refund of a credit memo in QuickBooks Desktop (seed 001): money paid back
/// by card (`ARRefundCreditCardAdd`) or by cheque (`CheckAdd`), as
/// `quickbooks.desktop_refunds` says. The reconciliation pass makes these.
public struct DesktopRefund: Sendable, Hashable {
    /// The credit memo's QuickBooks `RefNumber` (the shortened KCC number).
    public var creditMemoRefNumber: String
    /// The credit memo's `TxnID` from a `CreditMemoQueryRs`; `nil`: the credit
    /// memo is added earlier in the same request set, which names it by the macro `TxnID:<RefNumber>`.
    public var creditMemoTxnID: String?
    /// The customer's full name in QuickBooks.
    public var customer: String
    /// Positive.
    public var amount: Money
    public var date: CalendarDate
    /// The account the money leaves (`quickbooks.refund_account`, default Undeposited Funds).
    public var account: String
    /// The request's `requestID`, e.g. the KCC credit note number.
    public var requestID: String
    /// The refund's own number (a cheque number), at most 11 characters.
    public var refNumber: String?
    public var memo: String?

    public init(creditMemoRefNumber: String, creditMemoTxnID: String? = nil, customer: String, amount: Money, date: CalendarDate,
                account: String, requestID: String, refNumber: String? = nil, memo: String? = nil) {
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

    /// The macro a credit memo defines and a refund in the same request set uses.
    static func macro(_ refNumber: String) -> String { "TxnID:CreditMemo:\(refNumber)" }

    /// A whole qbXML request set of refunds, each an `ARRefundCreditCardAddRq`
    /// or `CheckAddRq` by `configuration.quickbooks.desktopRefunds`.
    public static func requestSet(_ refunds: [DesktopRefund], configuration: BridgeConfiguration) throws -> [UInt8] {
        let xml = XMLStreamWriter()
        let writer = QBXMLRequestWriter(xml: xml, configuration: configuration)
        try writer.startRequestSet()
        for refund in refunds { try writer.refund(refund) }
        try xml.endDocument()
        return xml.drain()
    }
}
