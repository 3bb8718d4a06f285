/// A prepayment or receipt taken in KCC, applied to an order and, where known, an invoice.
public struct Payment: Sendable, Hashable {
    /// The payment reference, e.g. `PAY-88812`.
    public var reference: String
    public var orderNumber: String
    public var date: CalendarDate
    public var customer: Customer
    /// Positive.
    public var amount: Money
    public var channel: SalesChannel
    /// e.g. `Card`, `PayPal`, `Amazon`: decides the bank account.
    public var paymentMethod: String?
    /// The invoice it pays, if known.
    public var relatedInvoice: String?

    public init(
        reference: String, orderNumber: String, date: CalendarDate, customer: Customer, amount: Money,
        channel: SalesChannel = SalesChannel(), paymentMethod: String? = nil, relatedInvoice: String? = nil
    ) {
        self.reference = reference
        self.orderNumber = orderNumber
        self.date = date
        self.customer = customer
        self.amount = amount
        self.channel = channel
        self.paymentMethod = paymentMethod
        self.relatedInvoice = relatedInvoice
    }

    public var currency: Currency { amount.currency }
}

/// One document of a batch: an invoice, a credit note or a payment.
public enum Document: Sendable, Hashable {
    case sales(SalesDocument)
    case payment(Payment)

    public var kind: DocumentKind {
        switch self {
        case .sales(let document): document.kind
        case .payment: .payment
        }
    }

    /// The invoice number, credit note number or payment reference.
    public var number: String {
        switch self {
        case .sales(let document): document.number
        case .payment(let payment): payment.reference
        }
    }

    public var orderNumber: String {
        switch self {
        case .sales(let document): document.orderNumber
        case .payment(let payment): payment.orderNumber
        }
    }

    public var customer: Customer {
        switch self {
        case .sales(let document): document.customer
        case .payment(let payment): payment.customer
        }
    }

    public var currency: Currency {
        switch self {
        case .sales(let document): document.currency
        case .payment(let payment): payment.currency
        }
    }

    public var date: CalendarDate {
        switch self {
        case .sales(let document): document.date
        case .payment(let payment): payment.date
        }
    }

    /// What the document is worth: gross for invoices and credit notes, the amount for payments.
    public var gross: Money {
        switch self {
        case .sales(let document): document.totals.gross
        case .payment(let payment): payment.amount
        }
    }

    public var relatedInvoice: String? {
        switch self {
        case .sales(let document): document.relatedInvoice
        case .payment(let payment): payment.relatedInvoice
        }
    }
}
