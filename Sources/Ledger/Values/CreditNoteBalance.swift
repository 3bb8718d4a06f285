import KCCModel

/// A credit note the ledger knows, with what has been refunded against it so far.
package struct CreditNoteBalance: Sendable, Hashable, CustomStringConvertible {
    package var number: String
    package var orderNumber: String
    package var relatedInvoice: String?
    package var customerCode: String
    package var customerName: String
    /// The credit note's own date.
    package var date: CalendarDate
    /// The credit note's gross, as last exported.
    package var gross: Money
    /// The sum of the refunds applied to it.
    package var applied: Money
    /// How many refunds were applied to it.
    package var refundCount: Int

    package init(
        number: String, orderNumber: String, relatedInvoice: String?, customerCode: String, customerName: String,
        date: CalendarDate, gross: Money, applied: Money, refundCount: Int
    ) {
        self.number = number
        self.orderNumber = orderNumber
        self.relatedInvoice = relatedInvoice
        self.customerCode = customerCode
        self.customerName = customerName
        self.date = date
        self.gross = gross
        self.applied = applied
        self.refundCount = refundCount
    }

    /// What later refunds may still use: gross − applied.
    package var open: Money { gross - applied }

    package var currency: Currency { gross.currency }

    /// `CRN-004511: gross 50.00 GBP, 1 refund applied 20.00 GBP, open 30.00 GBP`.
    package var description: String {
        let refunds =
            switch refundCount {
            case 0: "no refunds applied"
            case 1: "1 refund applied \(applied)"
            default: "\(refundCount) refunds applied \(applied)"
            }
        return "\(number): gross \(gross), \(refunds), open \(open)"
    }
}
