import KCCModel
import PackageInterface
import QuickBooksCommon

/// QuickBooks Desktop: the IIF import and qbXML 13.0 request sets, refunds
/// read back from qbXML query responses, and refunds made elsewhere as IIF
/// transactions or qbXML refund requests.
package struct QuickBooksDesktopPackage: AccountingPackage {
    package let displayName = "QuickBooks Desktop"
    package let sourceSystem = QBXMLRefundReader.system
    package var configurationSection: (any ConfigurationSection.Type)? { QuickBooksSettings.self }
    package var taxCodeFields: [TaxCodeField] { [QuickBooksRules.desktopTaxCode] }

    /// The codes a UK QuickBooks Desktop company starts with.
    package var defaultTaxFields: [String: [String: String]] {
        ["T0": ["qbd": "Z"], "T1": ["qbd": "S"], "T5": ["qbd": "R"], "T9": ["qbd": "O"]]
    }

    package let exportTargets = ["qbd-iif", "qbd-qbxml"]

    package init() {}

    package func exportFormat(_ target: String, configuration: BridgeConfiguration) -> (any ExportFormat)? {
        switch target {
        case "qbd-iif": IIFFormat(configuration: QuickBooksConfiguration(configuration))
        case "qbd-qbxml": QBXMLFormat(configuration: QuickBooksConfiguration(configuration))
        default: nil
        }
    }

    package var refundReaders: [any RefundReader] { [QBXMLRefundReader()] }

    package let refundTargets = ["qbd-iif", "qbd-qbxml"]

    package func creditNoteIDsNeeded(for target: String) -> String? {
        target == "qbd-qbxml" ? "a CreditMemoQueryRs response naming QuickBooks's credit memos" : nil
    }

    package func creditNotes(from path: String, displayName: String) throws(FileRefusal) -> RefundWriterInputs {
        let memos = try QBXMLCreditMemos.read(path, displayName: displayName)
        guard !memos.creditNoteIDs.isEmpty else {
            throw FileRefusal(
                at: SourceLocation(file: displayName),
                "\(displayName) holds no CreditMemoRet: give the response to a CreditMemoQueryRq, not a request")
        }
        return memos
    }

    package func refundWriter(
        _ target: String, configuration: BridgeConfiguration, inputs: RefundWriterInputs
    ) -> (any RefundWriter)? {
        switch target {
        case "qbd-iif": IIFRefunds(settings: configuration.quickbooks)
        case "qbd-qbxml":
            DesktopRefundRequests(
                configuration: QuickBooksConfiguration(configuration), creditMemoTxnIDs: inputs.creditNoteIDs,
                remaining: inputs.remaining)
        default: nil
        }
    }
}
