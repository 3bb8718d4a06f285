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
    static func of(_ path: String) -> FileKind {
        guard let head = FileHead.text(path) else { return .unknown("the file is empty or cannot be read") }
        if head.contains("<KCCExportBatch") { return .batch }
        if !head.hasPrefix("<") {
            let header = head.prefix { $0 != "\n" && $0 != "\r" }.lowercased()
            if header.contains("recordtype") && header.contains("docnumber") { return .batch }
        }
        do {
            _ = try RefundFile.sniff(path, path)
            return .refunds
        } catch {
            return .unknown("it is neither a KCC export batch (a CSV whose header has RecordType and DocNumber, or an XML KCCExportBatch) nor a refund file (a Xero or qbXML response, or a CSV with a refund id and an amount)")
        }
    }
}

#if canImport(Glibc)
import Glibc
#endif

enum FileHead {
    /// The first 4 KiB as text (a byte-order mark and leading blanks dropped).
    static func text(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = read(fd, &buffer, buffer.count)
        guard n > 0 else { return nil }
        var bytes = buffer[0..<n]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        while let first = bytes.first, [0x20, 0x09, 0x0A, 0x0D].contains(first) { bytes = bytes.dropFirst() }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }
}
