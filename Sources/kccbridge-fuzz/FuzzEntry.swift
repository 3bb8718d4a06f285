import DurableOutput
import KCCBatch
import KCCModel
import PackageRegistry
import QuickBooksOnline
import Refunds

#if canImport(Glibc)
import Glibc
#endif

/// libFuzzer's entry point: every reader of untrusted files gets the same
/// bytes, as a CSV and as an XML file. A crash, a hang or a leak here is a bug;
/// a refused file is the expected answer to garbage.
/// Every refund reader the program has.
private let refunds = RefundFile(readers: PackageRegistry.all.refundReaders)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    for suffix in [".csv", ".xml"] {
        let path = "/tmp/kccbridge-fuzz-\(getpid())\(suffix)"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { return 0 }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        _ = BatchFile.check(path, report: { _ in })
        // Sniffed as a user's file would be, then forced through every reader and CSV profile.
        _ = try? refunds.read(path)
        for format in refunds.formats() { _ = try? refunds.read(path, format: format) }
        for package in PackageRegistry.all.packages { _ = try? package.creditNotes(from: path, displayName: path) }
        // QuickBooks Online lists (`--qbo-lists`) are untrusted files too.
        _ = try? QBOLists.load([path])
        unlink(path)
    }
    return 0
}
