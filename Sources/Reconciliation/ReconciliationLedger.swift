import KCCModel

/// A credit note as the ledger knows it: what was exported, and how much of
/// it refunds have used so far.
public struct CreditNoteBalance: Sendable, Hashable {
    public var number: String
    public var orderNumber: String
    public var customerName: String
    public var date: CalendarDate?
    public var gross: Money
    /// The sum of refunds applied to it so far.
    public var applied: Money

    public init(number: String, orderNumber: String, customerName: String, date: CalendarDate?, gross: Money, applied: Money) {
        self.number = number
        self.orderNumber = orderNumber
        self.customerName = customerName
        self.date = date
        self.gross = gross
        self.applied = applied
    }

    /// What is still open for refunds.
    public var open: Money { gross - applied }
    public var currency: Currency { gross.currency }
}

/// A decision a person recorded with `kccbridge resolve`.
public struct Resolution: Sendable, Hashable {
    public enum Decision: Sendable, Hashable {
        /// Allocate the refund to this credit note.
        case creditNote(String)
        /// Leave the refund out of KCC; it stays listed as resolved.
        case ignore
    }

    public var decision: Decision
    public var note: String
    public var who: String
    public var when: String

    public init(decision: Decision, note: String, who: String, when: String) {
        self.decision = decision
        self.note = note
        self.who = who
        self.when = when
    }
}

/// What reconciliation needs to know of earlier exports and refunds. The
/// ledger implements it; tests use an in-memory one.
public protocol ReconciliationLedger {
    func creditNote(_ number: String) throws -> CreditNoteBalance?
    func creditNotes(forOrder orderNumber: String) throws -> [CreditNoteBalance]
    /// An invoice or payment was exported for this order.
    func isOrderKnown(_ orderNumber: String) throws -> Bool
    func isRefundApplied(id: String, system: String) throws -> Bool
    func resolution(refundID: String, system: String) throws -> Resolution?
    /// Every exported credit note number (for typo suggestions).
    func creditNoteNumbers() throws -> [String]
    /// Credit notes of exactly this amount dated within the range (for near-miss suggestions).
    func creditNotes(amount: Money, from: CalendarDate, through: CalendarDate) throws -> [CreditNoteBalance]
}
