/// One refund read back from an accounting package or a sales channel: the
/// record every refund reader produces, whatever the file.
///
/// A refund that could not be read properly still becomes a record, with its
/// ``problems``; reconciliation gives it the outcome `invalid`.
public struct Refund: Sendable, Hashable {
    /// Which system it came from: `xero`, `quickbooks-desktop`, `csv` ….
    public var system: String
    /// Where in which file.
    public var location: SourceLocation
    /// The source system's own id (Xero PaymentID, QuickBooks TxnID, Linnworks refund id …).
    public var id: String
    public var date: CalendarDate?
    /// Positive.
    public var amount: Money?
    /// The credit note the refund is allocated to, where the file says so.
    public var creditNote: String?
    /// The order number, where the file says so.
    public var orderNumber: String?
    /// Free text from the source; may hold either number.
    public var reference: String?
    /// How the money went back (card, cheque, a bank account).
    public var method: String?
    /// The customer's name, where the file gives it (for suggestions).
    public var customer: String?
    /// Why the record is not usable (no amount, unreadable date …), each at
    /// the record's place and naming its field; empty when it is usable.
    public var problems: [Finding]
    /// Deleted or voided in its source: never applied; if an earlier run
    /// applied it, a person must reverse it in KCC.
    public var isVoided = false

    public init(
        system: String, location: SourceLocation, id: String, date: CalendarDate? = nil, amount: Money? = nil,
        creditNote: String? = nil, orderNumber: String? = nil, reference: String? = nil, method: String? = nil,
        customer: String? = nil, problems: [Finding] = []
    ) {
        self.system = system
        self.location = location
        self.id = id
        self.date = date
        self.amount = amount
        self.creditNote = creditNote
        self.orderNumber = orderNumber
        self.reference = reference
        self.method = method
        self.customer = customer
        self.problems = problems
    }

    public var currency: Currency? { amount?.currency }
    public var isValid: Bool { problems.isEmpty && amount != nil && !id.isEmpty }
}
