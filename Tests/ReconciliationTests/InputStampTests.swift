import Foundation
import KCCModel
import KCCTestSupport
import Testing

@testable import Reconciliation

/// A refund file is hashed when its run begins and decided after: it must not change between the two, and it
/// must be a file that can be read twice.
@Suite("A refund file is the same from its run's start to its last refund decided")
struct InputStampTests {
    @Test("unchanged, renamed or only read: the same file; written to or replaced: refused")
    func changes() throws {
        let folder = TestFiles.makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/refunds.csv"
        try Data("RefundID,Amount\nR1,1.00\n".utf8).write(to: URL(fileURLWithPath: path))
        let stamp = try InputStamp(path, "refunds.csv")
        try stamp.require(unchangedAt: path, "refunds.csv")
        _ = try Data(contentsOf: URL(fileURLWithPath: path))
        try stamp.require(unchangedAt: path, "refunds.csv")

        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("R2,2.00\n".utf8))
        try handle.close()
        let refusal = try #require(throws: FileRefusal.self) { try stamp.require(unchangedAt: path, "refunds.csv") }
        #expect(refusal.finding.message.contains("the file changed while it was being read"))
        #expect(refusal.finding.location.file == "refunds.csv")

        // Another file put in its place, even of the same bytes.
        let again = try InputStamp(path, "refunds.csv")
        let copy = folder + "/copy.csv"
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: copy, toPath: path)
        #expect(throws: FileRefusal.self) { try again.require(unchangedAt: path, "refunds.csv") }
    }

    @Test("a pipe is refused before anything is read from it, saying to save it to a file")
    func pipe() throws {
        let folder = TestFiles.makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/refunds.fifo"
        #expect(mkfifo(path, 0o600) == 0)
        let refusal = try #require(throws: FileRefusal.self) { try InputStamp(path, "/dev/stdin") }
        #expect(refusal.finding.message.contains("not a file on disk but a pipe"))
    }

    @Test("a file that cannot be looked at is left to the reader to refuse, in its words")
    func missing() throws {
        let stamp = try InputStamp("/nonexistent/refunds.csv", "refunds.csv")
        try stamp.require(unchangedAt: "/nonexistent/refunds.csv", "refunds.csv")
    }
}
