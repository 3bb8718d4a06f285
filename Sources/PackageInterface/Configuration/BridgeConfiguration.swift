import CSVStreaming
import KCCModel

/// Everything a user configures about how documents reach the accounting
/// package: one human-edited file (`kccbridge.yaml`), every key documented in
/// `samples/kccbridge.yaml`. The defaults are what a UK VAT-registered seller
/// on Xero's standard chart of accounts would start from.
package struct BridgeConfiguration: Sendable, Equatable {
    /// Sales channels: per source and subsource, the sales account,
    /// tracking and customer; or, when disabled, the two defaults.
    package var channels = ChannelMapping()
    /// Payment method → bank account.
    package var payments = PaymentAccounts()
    /// KCC tax code → each package's tax rate.
    package var taxCodes: [String: TaxMapping] = [:]
    /// The fields every tax code may carry, one list per package, in the
    /// registry's order (the first present names a tax code in messages).
    package var taxCodeFields: [TaxCodeField] = []
    /// What to do with text cells that a spreadsheet could run as a formula, in CSV imports.
    package var textCells: TextCellPolicy = .escape
    /// The sections their owners read (`xero`, `quickbooks`, `refunds`), by type.
    private var sections: [ObjectIdentifier: any ConfigurationSection] = [:]

    /// The top-level keys the core reads itself; every other key is a section's.
    package static let coreKeys: Set<String> = ["text_cells", "channels", "payments", "tax_codes"]

    /// The core settings only; `PackageSet.defaultConfiguration` adds the packages' defaults.
    package init() {}

    /// A section's settings: as configured, else its defaults.
    package subscript<Section: ConfigurationSection>(_ type: Section.Type) -> Section {
        get { sections[ObjectIdentifier(type)] as? Section ?? Section() }
        set { sections[ObjectIdentifier(type)] = newValue }
    }

    /// The UK VAT rates every package starts with (T0, T1, T5, T9): the
    /// packages add their names for them.
    package static let ukVATRates: [String: ExactDecimal] = [
        "T0": ExactDecimal(0), "T1": ExactDecimal(20), "T5": ExactDecimal(5), "T9": ExactDecimal(0),
    ]

    package static func == (lhs: BridgeConfiguration, rhs: BridgeConfiguration) -> Bool {
        guard lhs.channels == rhs.channels, lhs.payments == rhs.payments, lhs.taxCodes == rhs.taxCodes,
            lhs.taxCodeFields == rhs.taxCodeFields, lhs.textCells == rhs.textCells,
            Set(lhs.sections.keys) == Set(rhs.sections.keys)
        else { return false }
        return lhs.sections.allSatisfy { key, section in rhs.sections[key].map(section.isEqual) ?? false }
    }
}

extension ConfigurationSection {
    fileprivate func isEqual(_ other: any ConfigurationSection) -> Bool {
        (other as? Self) == self
    }
}

/// Sales channel mapping.
package struct ChannelMapping: Sendable, Hashable {
    /// When `false`, every invoice goes to `defaultSalesAccount` and every
    /// credit note to `defaultCreditNoteAccount` with `refundTaxCode`.
    package var enabled = false
    /// Checked in order; a rule naming a subsource wins over one naming only the source.
    package var rules: [ChannelRule] = []
    /// Where sales go when mapping is off, or no rule matches.
    /// `nil`: the package's own default (``ExportFormat/defaultSalesAccount``:
    /// Xero's account code `200`, QuickBooks's income account `Sales`).
    package var defaultSalesAccount: String?
    /// "Default Credit Note Sales Account": where refunds go when mapping is off.
    package var defaultCreditNoteAccount: String?
    /// "Tax for Refund": a key of `tax_codes` applied to credit-note lines when mapping is off.
    package var refundTaxCode: String?

    package init() {}
}

/// One sales channel's accounts, tracking and customer.
package struct ChannelRule: Sendable, Hashable {
    package var source: String
    /// `nil`: any subsource of `source`.
    package var subsource: String?
    package var salesAccount: String?
    /// Up to two tracking categories (Xero allows two).
    package var tracking: [TrackingOption] = []
    /// Post every document of this channel to one contact (e.g. `Amazon UK Customers`).
    package var customer: String?
    /// Where the rule stands in the configuration file.
    package var line: Int

    package init(
        source: String, subsource: String? = nil, salesAccount: String? = nil, tracking: [TrackingOption] = [],
        customer: String? = nil, line: Int = 0
    ) {
        self.source = source
        self.subsource = subsource
        self.salesAccount = salesAccount
        self.tracking = tracking
        self.customer = customer
        self.line = line
    }
}

/// A tracking category and the option chosen in it.
package struct TrackingOption: Sendable, Hashable {
    package var category: String
    package var option: String

    package init(category: String, option: String) {
        self.category = category
        self.option = option
    }
}

/// Payment method → bank account.
package struct PaymentAccounts: Sendable, Hashable {
    /// Matched case-insensitively against the batch's `PaymentMethod`.
    package var byMethod: [String: String] = [:]
    /// For methods not listed (and documents without one); `nil` holds such payments back.
    package var defaultAccount: String? = "090"

    package init() {}

    /// The bank account for `method`, or `nil` if none is configured.
    package func account(for method: String?) -> String? {
        listedAccount(for: method) ?? defaultAccount
    }

    /// The account listed for `method` itself, ignoring the default (QuickBooks deposits the rest to Undeposited Funds).
    package func listedAccount(for method: String?) -> String? {
        guard let method else { return nil }
        return byMethod.first(where: { $0.key.caseInsensitiveEquals(method) })?.value
    }
}
