import DurableOutput
import KCCBatch
import Refunds

/// What a dropped file is: a KCC export batch to convert, or a refund file to reconcile.
enum FileKind: Equatable {
    case batch
    case refunds
    case unknown(String)

    /// Decided from the content: an XML root `KCCExportBatch`, or a CSV header
    /// with `RecordType` and `DocNumber`, is a batch; anything a refund reader
    /// recognises is a refund file.
    static func of(_ path: String, refunds: RefundFile) -> FileKind {
        guard let head = FileHead.text(path, count: 64 * 1024) else {
            return .unknown("the file is empty or cannot be read")
        }
        if head.hasPrefix("<"), head.contains("KCCExportBatch") { return .batch }
        if !head.hasPrefix("<") {
            let header = head.prefix { $0 != "\n" && $0 != "\r" }.lowercased()
            if header.contains("recordtype") && header.contains("docnumber") { return .batch }
        }
        do {
            _ = try refunds.sniff(path, path)
            return .refunds
        } catch {
            return .unknown(
                "it is neither a KCC export batch (a CSV whose header has RecordType and DocNumber, or an XML KCCExportBatch) nor a refund file (\(refunds.readers.map(\.summary).joined(separator: "; ")); or a CSV with a refund id and an amount)"
            )
        }
    }
}
