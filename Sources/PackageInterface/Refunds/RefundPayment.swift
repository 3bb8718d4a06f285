import KCCModel

/// A refund reconciliation applied to a credit note, as an accounting package
/// must record it when the refund was made elsewhere (in a sales channel):
/// money paid back against the credit note.
package struct RefundPayment: Sendable, Hashable {
    package var refundID: String
    package var creditNote: String
    package var orderNumber: String?
    /// The customer the credit note was exported for.
    package var customerName: String
    package var amount: Money
    package var date: CalendarDate
    /// How the money went back (decides the bank account).
    package var method: String?
    package var reference: String?

    package init(
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
