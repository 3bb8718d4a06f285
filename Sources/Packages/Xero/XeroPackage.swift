import KCCModel
import PackageInterface

/// Xero: the sales import CSV and the Accounting API's XML bodies, refunds
/// read back from API responses, and refund payments for refunds made elsewhere.
public struct XeroPackage: AccountingPackage {
    public let displayName = "Xero"
    public let sourceSystem = XeroRefunds.system
    public var configurationSection: (any ConfigurationSection.Type)? { XeroSettings.self }

    /// The tax rate's display name, as the CSV import shows it (`20% (VAT on Income)`).
    public static let taxName = TaxCodeField(key: "name", required: true, meaning: "as the CSV import shows it")
    /// The tax type's API code (`OUTPUT2`).
    public static let taxCode = TaxCodeField(key: "code", required: true, meaning: "as the API knows it")
    public var taxCodeFields: [TaxCodeField] { [Self.taxName, Self.taxCode] }

    /// UK VAT as Xero names it in a new organisation.
    public var defaultTaxFields: [String: [String: String]] {
        [
            "T0": ["name": "Zero Rated Income", "code": "ZERORATEDOUTPUT"],
            "T1": ["name": "20% (VAT on Income)", "code": "OUTPUT2"],
            "T5": ["name": "5% (VAT on Income)", "code": "RROUTPUT"],
            "T9": ["name": "No VAT", "code": "NONE"],
        ]
    }

    public let exportTargets = ["xero-csv", "xero-xml"]

    public init() {}

    public func exportFormat(_ target: String, configuration: BridgeConfiguration) -> (any ExportFormat)? {
        switch target {
        case "xero-csv": XeroCSVFormat(settings: configuration.xero, textPolicy: configuration.textCells)
        case "xero-xml": XeroXMLFormat(settings: configuration.xero)
        default: nil
        }
    }

    public var refundReaders: [any RefundReader] { [XeroXMLRefundReader(), XeroJSONRefundReader()] }

    public let refundTargets = ["xero-xml"]

    public func refundWriter(
        _ target: String, configuration: BridgeConfiguration, inputs: RefundWriterInputs
    ) -> (any RefundWriter)? {
        target == "xero-xml" ? XeroRefundPayments(payments: configuration.payments) : nil
    }
}
