import KCCModel

/// A refund reconciliation applied to a credit note, as an accounting package
/// must record it when the refund was made elsewhere (in a sales channel):
/// money paid back against the credit note.
public struct RefundPayment: Sendable, Hashable {
    public var refundID: String
    public var creditNote: String
    public var orderNumber: String?
    /// The customer the credit note was exported for.
    public var customerName: String
    public var amount: Money
    public var date: CalendarDate
    /// How the money went back (decides the bank account).
    public var method: String?
    public var reference: String?

    public init(
        refundID: String, creditNote: String, orderNumber: String?, customerName: String, amount: Money,
        date: CalendarDate,
        method: String?, reference: String?
    ) {
        self.refundID = refundID
        self.creditNote = creditNote
        self.orderNumber = orderNumber
        self.customerName = customerName
        self.amount = amount
        self.date = date
        self.method = method
        self.reference = reference
    }
}
