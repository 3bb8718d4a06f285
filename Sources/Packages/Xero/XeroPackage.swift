import KCCModel
import PackageInterface

/// Xero: the sales import CSV and the Accounting API's XML bodies, refunds
/// read back from API responses, and refund payments for refunds made elsewhere.
package struct XeroPackage: AccountingPackage {
    package let displayName = "Xero"
    package let sourceSystem = XeroRefunds.system
    package var configurationSection: (any ConfigurationSection.Type)? { XeroSettings.self }

    /// The tax rate's display name, as the CSV import shows it (`20% (VAT on Income)`).
    package static let taxName = TaxCodeField(key: "name", required: true, meaning: "as the CSV import shows it")
    /// The tax type's API code (`OUTPUT2`).
    package static let taxCode = TaxCodeField(key: "code", required: true, meaning: "as the API knows it")
    package var taxCodeFields: [TaxCodeField] { [Self.taxName, Self.taxCode] }

    /// UK VAT as Xero names it in a new organisation.
    package var defaultTaxFields: [String: [String: String]] {
        [
            "T0": ["name": "Zero Rated Income", "code": "ZERORATEDOUTPUT"],
            "T1": ["name": "20% (VAT on Income)", "code": "OUTPUT2"],
            "T5": ["name": "5% (VAT on Income)", "code": "RROUTPUT"],
            "T9": ["name": "No VAT", "code": "NONE"],
        ]
    }

    package let exportTargets = ["xero-csv", "xero-xml"]

    package init() {}

    package func exportFormat(_ target: String, configuration: BridgeConfiguration) -> (any ExportFormat)? {
        switch target {
        case "xero-csv": XeroCSVFormat(settings: configuration.xero, textPolicy: configuration.textCells)
        case "xero-xml": XeroXMLFormat(settings: configuration.xero)
        default: nil
        }
    }

    package var refundReaders: [any RefundReader] { [XeroXMLRefundReader(), XeroJSONRefundReader()] }

    package let refundTargets = ["xero-xml"]

    package func refundWriter(
        _ target: String, configuration: BridgeConfiguration, inputs: RefundWriterInputs
    ) -> (any RefundWriter)? {
        target == "xero-xml" ? XeroRefundPayments(payments: configuration.payments) : nil
    }
}
