import DurableOutput
import KCCModel
import Mapping

/// Why a whole refund file cannot be read (nothing from it is used).
public typealias RefundFileError = FileRefusal

/// The refund file formats read back (`--from`).
public enum RefundFormat: String, Sendable, CaseIterable {
    /// Xero Accounting API responses: `Payments` or `CreditNotes`.
    case xeroXML = "xero-xml"
    /// qbXML query responses: `ARRefundCreditCardQueryRs`, `CheckQueryRs`, `CreditMemoQueryRs`.
    case qbdQBXML = "qbd-qbxml"
    /// Any CSV (a Linnworks refund export, a report, a bank file), columns mapped by header.
    case refundCSV = "refund-csv"
}

/// Reads every refund of a file, in file order.
public enum RefundFile {
    /// Reads `path` in `format`, or the format sniffed from its content when `nil`.
    /// Whole-file problems throw; a bad record comes back as a refund with problems.
    public static func read(_ path: String, displayName: String? = nil, format: RefundFormat? = nil,
                            settings: RefundSettings = RefundSettings()) throws(RefundFileError) -> [Refund] {
        let name = displayName ?? path
        let chosen: RefundFormat
        if let format { chosen = format } else { chosen = try sniff(path, name) }
        switch chosen {
        case .xeroXML: return try XeroRefundReader.read(path, name)
        case .qbdQBXML: return try QBXMLRefundReader.read(path, name, currency: settings.desktopCurrency)
        case .refundCSV: return try CSVRefundReader.read(path, name, mapping: settings)
        }
    }

    /// The format of a refund file, from its content: an XML root `Response` is
    /// Xero's, `QBXML` is QuickBooks Desktop's; anything else that starts like
    /// text with commas is CSV. A file it cannot place is an error, never a guess.
    public static func sniff(_ path: String, _ name: String) throws(RefundFileError) -> RefundFormat {
        guard let head = FileHead.bytes(path) else {
            throw RefundFileError(at: SourceLocation(file: name), "the file cannot be read or is empty")
        }
        if head.first == UInt8(ascii: "<") {
            let text = String(decoding: head, as: UTF8.self)
            if text.contains("<Response") { return .xeroXML }
            if text.contains("<QBXML") { return .qbdQBXML }
            throw RefundFileError(at: SourceLocation(file: name), "this XML is neither a Xero API response (<Response>) nor a qbXML response (<QBXML>); name the format with --from")
        }
        let firstLine = head.prefix { $0 != UInt8(ascii: "\n") }
        if firstLine.contains(UInt8(ascii: ",")) { return .refundCSV }
        throw RefundFileError(at: SourceLocation(file: name, line: 1), "the file is not XML and its first line has no commas, so it is not a refund CSV either; name the format with --from")
    }
}
