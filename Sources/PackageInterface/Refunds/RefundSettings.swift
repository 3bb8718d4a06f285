import KCCModel

/// How refund files are read back (`refunds:` in the configuration).
package struct RefundSettings: ConfigurationSection {
    package static let key = "refunds"

    /// For a refund CSV: which header names mean which field, matched ignoring
    /// case, spaces and punctuation. Configured names come first; the built-in
    /// ones (Linnworks, Xero and bank exports) still apply after them.
    package var columns: [RefundField: [String]] = [:]
    /// Dates written with slashes in a refund CSV: day first (default) or month first.
    package var csvDateFormat: CalendarDate.Format = .dayMonthYear
    /// The currency of a refund CSV without a currency column.
    package var defaultCurrency: Currency = .gbp
    /// QuickBooks Desktop's home currency (qbXML responses name currencies by full name only).
    package var desktopCurrency: Currency = .gbp
    /// A package's own credit-note ids → their KCC numbers, from lists the user
    /// gave (QuickBooks Online's CreditMemo list): filled by the packages
    /// (``AccountingPackage/prepare(_:configuration:)``), never configured.
    package var creditNoteNumbers: [String: String] = [:]
    /// "Sync the original order if missing": off by default.
    package var syncMissingOrders = false
    /// The name refunds from a CSV are known by in the ledger (refund ids are
    /// unique only within their source): e.g. `linnworks`, `bank`.
    package var csvSource = "csv"
    /// A negative amount in a refund CSV: `invalid` (default: a reversal or a
    /// receipt is not a refund, and is never applied silently) or `refund`
    /// (a bank file that writes money going out as negative).
    package var negativeAmountsAreRefunds = false

    /// Refund CSVs described in the configuration (`refunds.profiles`).
    package var profiles: [CSVProfileSettings] = []

    package init() {}

    /// The names the built-in CSV profiles and readers take (`--from`), which a configured profile may not reuse.
    package static let builtInProfileNames: Set<String> = [
        "linnworks", "linnworks-order-refunds", "shopify-orders", "shopify-payments", "stripe-payments",
        "stripe-balance",
        "stripe-balance-history",
        "paypal-activity",
        "amazon-settlement", "refund-csv",
        "xero-xml", "xero-json", "qbd-qbxml", "qbo-xml", "qbo-json",
    ]

    package mutating func read(_ node: ConfigNode, _ reader: SectionReader) {
        let allowed: Set<String> = [
            "columns", "csv_date_format", "default_currency", "desktop_currency", "sync_missing_orders",
            "csv_source", "negative_amounts", "profiles",
        ]
        for pair in reader.pairs(node, Self.key, allowed: allowed) {
            let full = "\(Self.key).\(pair.key)"
            let value = pair.value
            switch pair.key {
            case "columns":
                for column in reader.pairs(value, full, allowed: Set(RefundField.allCases.map(\.rawValue))) {
                    guard let field = RefundField(rawValue: column.key) else { continue }
                    let path = "\(full).\(column.key)"
                    let list = column.value.sequence ?? [column.value]
                    let texts = list.compactMap { reader.string($0, path) }
                    if texts.isEmpty { reader.problem(line: column.keyLine, path, "needs at least one header name") }
                    columns[field] = texts
                }
            case "csv_date_format":
                let formats = [CalendarDate.Format.dayMonthYear.rawValue, CalendarDate.Format.monthDayYear.rawValue]
                if let text = reader.choice(value, full, formats), let format = CalendarDate.Format(rawValue: text) {
                    csvDateFormat = format
                }
            case "default_currency", "desktop_currency":
                if let code = reader.string(value, full) {
                    if let currency = Currency(code: code) {
                        if pair.key == "default_currency" {
                            defaultCurrency = currency
                        } else {
                            desktopCurrency = currency
                        }
                    } else {
                        reader.problem(value, full, "'\(code)' is not an ISO 4217 currency code")
                    }
                }
            case "profiles":
                for profile in reader.pairs(value, full, allowed: nil) {
                    if Self.builtInProfileNames.contains(profile.key) {
                        reader.problem(
                            line: profile.keyLine, "\(full).\(profile.key)",
                            "is the name of a built-in profile; give yours another name")
                        continue
                    }
                    if let read = CSVProfileSettings.read(profile.key, profile.value, "\(full).\(profile.key)", reader)
                    {
                        profiles.append(read)
                    }
                }
            case "sync_missing_orders":
                if let flag = reader.bool(value, full) { syncMissingOrders = flag }
            case "csv_source":
                if let name = reader.string(value, full) { csvSource = name }
            case "negative_amounts":
                if let text = reader.choice(value, full, ["invalid", "refund"]) {
                    negativeAmountsAreRefunds = text == "refund"
                }
            default: break
            }
        }
    }
}

/// The fields of a refund record a CSV column can fill.
package enum RefundField: String, Sendable, Hashable, CaseIterable {
    case id
    case orderNumber = "order_number"
    case creditNote = "credit_note"
    case amount, currency, date, reference, method, customer

    /// Header names recognised without configuration (compared normalised: lower case, letters and digits only).
    package var builtInNames: [String] {
        switch self {
        case .id: ["RefundId", "Refund ID", "pkRefundRowId", "RefundRowId", "PaymentID", "TxnID", "Id"]
        case .orderNumber: ["OrderNumber", "NumOrderId", "Order Number", "Order Id", "OrderId", "Order"]
        case .creditNote: ["CreditNote", "Credit Note Number", "Credit Note", "CreditNoteNumber"]
        case .amount: ["Amount", "RefundAmount", "Refund Amount"]
        case .currency: ["Currency", "CurrencyCode", "Currency Code"]
        case .date: ["Date", "RefundDate", "Refund Date", "DateRefunded", "CreatedDate", "Created"]
        case .reference: ["Reference", "RefundReference", "Refund Reference", "Memo", "Description", "Narrative"]
        case .method: ["Method", "PaymentMethod", "Payment Method", "RefundMethod"]
        case .customer: ["Customer", "CustomerName", "Customer Name", "Name"]
        }
    }
}

extension BridgeConfiguration {
    /// The `refunds:` section.
    package var refunds: RefundSettings {
        get { self[RefundSettings.self] }
        set { self[RefundSettings.self] = newValue }
    }
}
