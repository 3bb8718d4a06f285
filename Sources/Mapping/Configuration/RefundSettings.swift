import KCCModel

/// How refund files are read back (`refunds:` in the configuration).
public struct RefundSettings: Sendable, Hashable {
    /// For a refund CSV: which header names mean which field, matched ignoring
    /// case, spaces and punctuation. Configured names come first; the built-in
    /// ones (Linnworks, Xero and bank exports) still apply after them.
    public var columns: [RefundField: [String]] = [:]
    /// Dates written with slashes in a refund CSV: day first (default) or month first.
    public var csvDateFormat: CalendarDate.Format = .dayMonthYear
    /// The currency of a refund CSV without a currency column.
    public var defaultCurrency: Currency = .gbp
    /// QuickBooks Desktop's home currency (qbXML responses name currencies by full name only).
    public var desktopCurrency: Currency = .gbp
    /// "Sync the original order if missing" (seed 001): off by default.
    public var syncMissingOrders = false
    /// The name refunds from a CSV are known by in the ledger (refund ids are
    /// unique only within their source): e.g. `linnworks`, `bank`.
    public var csvSource = "csv"
    /// A negative amount in a refund CSV: `invalid` (default: a reversal or a
    /// receipt is not a refund, and is never applied silently) or `refund`
    /// (a bank file that writes money going out as negative).
    public var negativeAmountsAreRefunds = false

    public init() {}
}

/// The fields of a refund record a CSV column can fill.
public enum RefundField: String, Sendable, Hashable, CaseIterable {
    case id, orderNumber = "order_number", creditNote = "credit_note", amount, currency, date, reference, method, customer

    /// Header names recognised without configuration (compared normalised: lower case, letters and digits only).
    public var builtInNames: [String] {
        switch self {
        case .id: ["RefundId", "Refund ID", "pkRefundRowId", "RefundRowId", "PaymentID", "TxnID", "Id"]
        case .orderNumber: ["OrderNumber", "NumOrderId", "Order Number", "Order Id", "OrderId", "Order"]
        case .creditNote: ["CreditNote", "Credit Note Number", "Credit Note", "CreditNoteNumber"]
        case .amount: ["Amount", "RefundAmount", "Refund Amount", "Total"]
        case .currency: ["Currency", "CurrencyCode", "Currency Code"]
        case .date: ["Date", "RefundDate", "Refund Date", "DateRefunded", "CreatedDate", "Created"]
        case .reference: ["Reference", "RefundReference", "Refund Reference", "Memo", "Description", "Narrative"]
        case .method: ["Method", "PaymentMethod", "Payment Method", "RefundMethod"]
        case .customer: ["Customer", "CustomerName", "Customer Name", "Name"]
        }
    }
}
