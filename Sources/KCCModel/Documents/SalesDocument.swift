/// The kinds of record a KCC batch carries, spelled as the batch spells them.
public enum DocumentKind: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case invoice = "INVOICE"
    case credit = "CREDIT"
    case payment = "PAYMENT"

    public var description: String { rawValue }

    /// `invoice`, `credit note`, `payment`: for sentences.
    public var noun: String {
        switch self {
        case .invoice: "invoice"
        case .credit: "credit note"
        case .payment: "payment"
        }
    }
}

/// Where an order came from (the sales channel): e.g. source `AMAZON`, subsource `Amazon UK`.
public struct SalesChannel: Sendable, Hashable {
    public var source: String?
    public var subsource: String?

    public init(source: String? = nil, subsource: String? = nil) {
        self.source = source
        self.subsource = subsource
    }
}

/// An issued sales invoice or credit note with its lines and totals.
///
/// Amounts are positive for both kinds: the kind says a credit note is a credit.
public struct SalesDocument: Sendable, Hashable {
    /// `.invoice` or `.credit`.
    public var kind: DocumentKind
    /// The invoice or credit note number, e.g. `INV-100234`, `CRN-004511`.
    public var number: String
    /// The KCC sales order code, e.g. `SO-51877`.
    public var orderNumber: String
    public var date: CalendarDate
    /// Invoices only.
    public var dueDate: CalendarDate?
    public var customer: Customer
    public var currency: Currency
    public var channel: SalesChannel
    public var paymentMethod: String?
    /// Credit notes: the invoice credited; `nil` for a cancelled order credited before invoicing.
    public var relatedInvoice: String?
    /// Credit notes: e.g. `Cancelled`, `Returned`.
    public var reason: String?
    public var lines: [DocumentLine]
    public var totals: DocumentTotals

    public init(
        kind: DocumentKind, number: String, orderNumber: String, date: CalendarDate, dueDate: CalendarDate? = nil,
        customer: Customer, currency: Currency, channel: SalesChannel = SalesChannel(), paymentMethod: String? = nil,
        relatedInvoice: String? = nil, reason: String? = nil, lines: [DocumentLine], totals: DocumentTotals
    ) {
        precondition(kind != .payment, "a payment is a Payment, not a SalesDocument")
        self.kind = kind
        self.number = number
        self.orderNumber = orderNumber
        self.date = date
        self.dueDate = dueDate
        self.customer = customer
        self.currency = currency
        self.channel = channel
        self.paymentMethod = paymentMethod
        self.relatedInvoice = relatedInvoice
        self.reason = reason
        self.lines = lines
        self.totals = totals
    }
}

/// One line of an invoice or credit note, as KCC computed it.
public struct DocumentLine: Sendable, Hashable {
    /// 1-based, as KCC numbers it. Two identical lines stay two lines.
    public var lineNumber: Int
    public var sku: String?
    public var description: String
    /// Positive, for credit notes too.
    public var quantity: ExactDecimal
    /// Net of tax.
    public var unitPrice: Money
    /// 0–100, or `nil` when there is none.
    public var discountPercent: ExactDecimal?
    /// KCC's tax code, e.g. `T1`.
    public var taxCode: String
    /// Percent, e.g. `20`.
    public var taxRate: ExactDecimal
    /// Quantity × unit price less discount, rounded half-up.
    public var net: Money
    /// As KCC computed it; never recomputed.
    public var tax: Money

    public init(
        lineNumber: Int, sku: String? = nil, description: String, quantity: ExactDecimal, unitPrice: Money,
        discountPercent: ExactDecimal? = nil, taxCode: String, taxRate: ExactDecimal, net: Money, tax: Money
    ) {
        self.lineNumber = lineNumber
        self.sku = sku
        self.description = description
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.discountPercent = discountPercent
        self.taxCode = taxCode
        self.taxRate = taxRate
        self.net = net
        self.tax = tax
    }

    /// Net plus tax.
    public var gross: Money { net + tax }
}

/// A document's net, tax and gross totals; `gross == net + tax`.
public struct DocumentTotals: Sendable, Hashable {
    public var net: Money
    public var tax: Money
    public var gross: Money

    public init(net: Money, tax: Money, gross: Money) {
        self.net = net
        self.tax = tax
        self.gross = gross
    }

    /// The totals of `lines`, computed exactly; `nil` if they are too large to hold.
    public init?(summing lines: [DocumentLine], currency: Currency) {
        var net = Money.zero(currency)
        var tax = Money.zero(currency)
        for line in lines {
            guard let n = net.adding(line.net), let t = tax.adding(line.tax) else { return nil }
            net = n
            tax = t
        }
        guard let gross = net.adding(tax) else { return nil }
        self.init(net: net, tax: tax, gross: gross)
    }
}
