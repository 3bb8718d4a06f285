import CSVStreaming
import KCCModel

/// Everything a user configures about how documents reach the accounting
/// package: one human-edited file (`kccbridge.yaml`), every key documented in
/// `samples/kccbridge.yaml`. The defaults are what a UK VAT-registered seller
/// on Xero's standard chart of accounts would start from.
public struct BridgeConfiguration: Sendable, Hashable {
    /// Sales channels (seed 003): per source and subsource, the sales account,
    /// tracking and customer; or, when disabled, the two defaults.
    public var channels = ChannelMapping()
    /// Payment method → bank account.
    public var payments = PaymentAccounts()
    /// KCC tax code → the package's tax rate.
    public var taxCodes: [String: TaxMapping] = BridgeConfiguration.ukVAT
    /// What to do with text cells that a spreadsheet could run as a formula, in CSV imports.
    public var textCells: TextCellPolicy = .escape
    public var xero = XeroSettings()
    /// How refund files are read back.
    public var refunds = RefundSettings()
    public var quickbooks = QuickBooksSettings()

    public init() {}

    /// UK VAT as Xero names it in a new organisation, with the codes a UK
    /// QuickBooks Desktop company and a UK QuickBooks Online company start with.
    public static let ukVAT: [String: TaxMapping] = [
        "T0": TaxMapping(name: "Zero Rated Income", code: "ZERORATEDOUTPUT", rate: ExactDecimal(0), desktop: "Z", online: "0.0% Z"),
        "T1": TaxMapping(name: "20% (VAT on Income)", code: "OUTPUT2", rate: ExactDecimal(20), desktop: "S", online: "20.0% S"),
        "T5": TaxMapping(name: "5% (VAT on Income)", code: "RROUTPUT", rate: ExactDecimal(5), desktop: "R", online: "5.0% R"),
        "T9": TaxMapping(name: "No VAT", code: "NONE", rate: ExactDecimal(0), desktop: "O", online: "No VAT"),
    ]
}

/// Sales channel mapping (seed 003).
public struct ChannelMapping: Sendable, Hashable {
    /// When `false`, every invoice goes to `defaultSalesAccount` and every
    /// credit note to `defaultCreditNoteAccount` with `refundTaxCode`.
    public var enabled = false
    /// Checked in order; a rule naming a subsource wins over one naming only the source.
    public var rules: [ChannelRule] = []
    /// Where sales go when mapping is off, or no rule matches.
    public var defaultSalesAccount = "200"
    /// "Default Credit Note Sales Account": where refunds go when mapping is off.
    public var defaultCreditNoteAccount: String?
    /// "Tax for Refund": a key of `tax_codes` applied to credit-note lines when mapping is off.
    public var refundTaxCode: String?

    public init() {}
}

/// One sales channel's accounts, tracking and customer.
public struct ChannelRule: Sendable, Hashable {
    public var source: String
    /// `nil`: any subsource of `source`.
    public var subsource: String?
    public var salesAccount: String?
    /// Up to two tracking categories (Xero allows two).
    public var tracking: [TrackingOption] = []
    /// Post every document of this channel to one contact (e.g. `Amazon UK Customers`).
    public var customer: String?
    /// Where the rule stands in the configuration file.
    public var line: Int

    public init(source: String, subsource: String? = nil, salesAccount: String? = nil, tracking: [TrackingOption] = [], customer: String? = nil, line: Int = 0) {
        self.source = source
        self.subsource = subsource
        self.salesAccount = salesAccount
        self.tracking = tracking
        self.customer = customer
        self.line = line
    }
}

/// A tracking category and the option chosen in it.
public struct TrackingOption: Sendable, Hashable {
    public var category: String
    public var option: String

    public init(category: String, option: String) {
        self.category = category
        self.option = option
    }
}

/// Payment method → bank account (seed 003: "the payment will cut on the payment method wise respective bank account").
public struct PaymentAccounts: Sendable, Hashable {
    /// Matched case-insensitively against the batch's `PaymentMethod`.
    public var byMethod: [String: String] = [:]
    /// For methods not listed (and documents without one); `nil` holds such payments back.
    public var defaultAccount: String? = "090"

    public init() {}

    /// The bank account for `method`, or `nil` if none is configured.
    public func account(for method: String?) -> String? {
        listedAccount(for: method) ?? defaultAccount
    }

    /// The account listed for `method` itself, ignoring the default (QuickBooks deposits the rest to Undeposited Funds).
    public func listedAccount(for method: String?) -> String? {
        guard let method else { return nil }
        return byMethod.first(where: { $0.key.caseInsensitiveEquals(method) })?.value
    }
}

/// A KCC tax code as the accounting package knows it.
public struct TaxMapping: Sendable, Hashable {
    /// The rate's display name, used by CSV imports (Xero: `20% (VAT on Income)`).
    public var name: String
    /// The API code, used by XML (Xero: `OUTPUT2`).
    public var code: String
    /// The percentage, if given: a KCC line at another rate is a warning.
    public var rate: ExactDecimal?
    /// QuickBooks Desktop's sales tax (VAT) code, at most 3 characters (`S`), for qbXML; `nil`: qbXML holds such lines back.
    public var desktop: String?
    /// QuickBooks Online's tax code (`20.0% S`, or its Id), for the QBO CSV and XML; `nil`: they hold such lines back.
    public var online: String?

    public init(name: String, code: String, rate: ExactDecimal? = nil, desktop: String? = nil, online: String? = nil) {
        self.name = name
        self.code = code
        self.rate = rate
        self.desktop = desktop
        self.online = online
    }
}

/// Choices that only Xero's files have.
public struct XeroSettings: Sendable, Hashable {
    /// The organisation's regional date format, for the CSV import.
    public var dateFormat: CalendarDate.Format = .dayMonthYear
    /// `DRAFT`, `SUBMITTED` or `AUTHORISED`, for the XML bodies.
    public var invoiceStatus = "AUTHORISED"
    /// Credit notes in the CSV import: negative unit amounts (default) or positive ones for the credit-note import screen.
    public var negativeCreditNotes = true
    /// Fill the CSV's `Total` and `TaxAmount` columns (Xero computes them when empty).
    public var fillTotals = false

    public static let statuses = ["DRAFT", "SUBMITTED", "AUTHORISED"]

    public init() {}
}

extension String {
    /// Equal when lower-cased: how channel names, payment methods and keys are matched.
    public func caseInsensitiveEquals(_ other: String) -> Bool {
        lowercased() == other.lowercased()
    }
}
