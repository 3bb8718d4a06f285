import KCCModel
import PackageInterface
import QuickBooksCommon

/// QuickBooks Online: the invoice import CSV and the v3 API's batch bodies.
package struct QuickBooksOnlinePackage: AccountingPackage {
    package let displayName = "QuickBooks Online"
    package let sourceSystem = "quickbooks-online"
    package var configurationSection: (any ConfigurationSection.Type)? { QuickBooksSettings.self }
    package var taxCodeFields: [TaxCodeField] { [QuickBooksRules.onlineTaxCode] }

    /// The codes a UK QuickBooks Online company starts with.
    package var defaultTaxFields: [String: [String: String]] {
        ["T0": ["qbo": "0.0% Z"], "T1": ["qbo": "20.0% S"], "T5": ["qbo": "5.0% R"], "T9": ["qbo": "No VAT"]]
    }

    package let exportTargets = ["qbo-csv", "qbo-xml"]

    package var refundReaders: [any RefundReader] { [QBOXMLRefundReader(), QBOJSONRefundReader()] }

    package func prepare(_ settings: inout RefundSettings, configuration: BridgeConfiguration) throws(FileRefusal) {
        let lists = try QBOLists.load(configuration.quickbooks.onlineLists)
        settings.creditNoteNumbers.merge(lists.numbers(.creditMemo)) { first, _ in first }
    }

    package let refundTargets = ["qbo-xml"]

    package func refundWriter(
        _ target: String, configuration: BridgeConfiguration, inputs: RefundWriterInputs
    ) -> (any RefundWriter)? {
        target == "qbo-xml" ? QBORefundExpenses(configuration: QuickBooksConfiguration(configuration)) : nil
    }

    package init() {}

    package func exportFormat(
        _ target: String, configuration: BridgeConfiguration
    ) throws(FileRefusal) -> (any ExportFormat)? {
        switch target {
        case "qbo-csv": QBOCSVFormat(configuration: QuickBooksConfiguration(configuration))
        case "qbo-xml":
            QBOXMLFormat(
                configuration: QuickBooksConfiguration(configuration),
                lists: try QBOLists.load(configuration.quickbooks.onlineLists))
        default: nil
        }
    }
}
