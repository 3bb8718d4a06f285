import KCCModel
import PackageInterface
import QuickBooksCommon

/// QuickBooks Online: the invoice import CSV and the v3 API's batch bodies.
public struct QuickBooksOnlinePackage: AccountingPackage {
    public let displayName = "QuickBooks Online"
    public let sourceSystem = "quickbooks-online"
    public var configurationSection: (any ConfigurationSection.Type)? { QuickBooksSettings.self }
    public var taxCodeFields: [TaxCodeField] { [QuickBooksRules.onlineTaxCode] }

    /// The codes a UK QuickBooks Online company starts with.
    public var defaultTaxFields: [String: [String: String]] {
        ["T0": ["qbo": "0.0% Z"], "T1": ["qbo": "20.0% S"], "T5": ["qbo": "5.0% R"], "T9": ["qbo": "No VAT"]]
    }

    public let exportTargets = ["qbo-csv", "qbo-xml"]

    public init() {}

    public func exportFormat(_ target: String, configuration: BridgeConfiguration) -> (any ExportFormat)? {
        switch target {
        case "qbo-csv": QBOCSVFormat(configuration: QuickBooksConfiguration(configuration))
        case "qbo-xml": QBOXMLFormat(configuration: QuickBooksConfiguration(configuration))
        default: nil
        }
    }
}
