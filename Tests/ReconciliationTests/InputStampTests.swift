import Foundation
import KCCModel
import KCCTestSupport
import Testing

@testable import Reconciliation

/// A refund file is hashed when its run begins and decided after: its bytes must not change between the two,
/// and it must be a file that can be read more than once.
@Suite("A refund file is the same from its run's start to its last refund decided")
struct InputStampTests {
    private static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test("read, its mode changed or renamed away: the same file; written to or replaced: refused")
    func changes() throws {
        let folder = TestFiles.makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/refunds.csv"
        try Self.write("RefundID,Amount\nR1,1.00\n", to: path)

        let stamp = try InputStamp(path, "refunds.csv")
        _ = try Data(contentsOf: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try stamp.require(unchangedAt: path, "refunds.csv")
        try FileManager.default.moveItem(atPath: path, toPath: folder + "/away.csv")
        try stamp.require(unchangedAt: path, "refunds.csv")
        try FileManager.default.moveItem(atPath: folder + "/away.csv", toPath: path)

        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data("R2,2.00\n".utf8))
        try handle.close()
        let refusal = try #require(throws: FileRefusal.self) { try stamp.require(unchangedAt: path, "refunds.csv") }
        #expect(refusal.finding.message.contains("the file changed while it was being read"))
        #expect(refusal.finding.location.file == "refunds.csv")

        // Another file put in its place, even of the same bytes.
        let again = try InputStamp(path, "refunds.csv")
        try FileManager.default.copyItem(atPath: path, toPath: folder + "/copy.csv")
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.moveItem(atPath: folder + "/copy.csv", toPath: path)
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

    @Test("a missing file or a folder is refused at once, in the words the readers use")
    func unreadable() throws {
        let folder = TestFiles.makeFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let missing = try #require(throws: FileRefusal.self) { try InputStamp(folder + "/none.csv", "none.csv") }
        #expect(missing.finding.message.hasPrefix("the file cannot be read ("), "\(missing.finding.message)")
        let isFolder = try #require(throws: FileRefusal.self) { try InputStamp(folder, "refunds") }
        #expect(isFolder.finding.message.hasPrefix("the file cannot be read ("), "\(isFolder.finding.message)")
    }
}
