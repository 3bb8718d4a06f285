import KCCTestSupport
import PackageRegistry
import Refunds
import Testing

@testable import Watcher

@Suite("Watcher names and kinds")
struct WatcherNameTests {
    @Test("claimed names carry the time, keep the dropped name, and stay short enough for every derived name")
    func claimedNames() {
        let short = Watcher.claimedName("export.csv")
        #expect(short.hasSuffix("Z-export.csv") && Watcher.originalName(short) == "export.csv")
        let long = Watcher.claimedName(String(repeating: "é", count: 300) + ".xml")
        #expect(long.utf8.count <= 200 && long.hasSuffix(".xml"))
        #expect(Watcher.originalName("no-stamp.csv") == "no-stamp.csv")
    }

    @Test("a claimed name gives back the time it was claimed, to the millisecond; another name gives none")
    func claimTimes() {
        #expect(Watcher.claimTime("20261121T093000.123Z-export.csv")?.iso8601 == "2026-11-21T09:30:00.123Z")
        #expect(Watcher.claimTime("20261121T093000.123Z-a-b.csv")?.iso8601 == "2026-11-21T09:30:00.123Z")
        let claimed = Watcher.claimedName("export.csv")
        #expect(Watcher.claimTime(claimed) != nil)
        #expect(Watcher.claimTime("export.csv") == nil)
        #expect(Watcher.claimTime("my-export.csv") == nil)
        #expect(Watcher.claimTime("20261121T093000Z-export.csv") == nil)
    }

    @Test("in-flight names are never taken", arguments: [".hidden.csv", "~lock.csv", "export.csv.tmp", "export.part"])
    func inFlight(name: String) {
        #expect(WatchRoute.isInFlight(name))
    }

    @Test("a batch is told from a refund file by its content, wherever the root element stands")
    func kinds() {
        let refunds = RefundFile(readers: PackageRegistry.all.refundReaders)
        let root = TestFiles.repositoryRoot()
        #expect(FileKind.of(root + "/samples/batch-2026-11.csv", refunds: refunds) == .batch)
        #expect(FileKind.of(root + "/samples/batch-2026-11.xml", refunds: refunds) == .batch)
        #expect(
            FileKind.of(root + "/Tests/ReconciliationTests/Fixtures/linnworks-refunds.csv", refunds: refunds)
                == .refunds)
        #expect(
            FileKind.of(root + "/Tests/ReconciliationTests/Fixtures/xero-payments.xml", refunds: refunds) == .refunds)
        let path = TestFiles.temporaryPath(".xml")
        TestFiles.write(
            path,
            "<?xml version=\"1.0\"?>\n<!-- " + String(repeating: "padding ", count: 1000)
                + "-->\n<k:KCCExportBatch xmlns:k=\"urn:kccbridge:kcc-batch:1\"/>")
        defer { TestFiles.remove(path) }
        #expect(FileKind.of(path, refunds: refunds) == .batch)
        let junk = TestFiles.temporaryPath(".txt")
        TestFiles.write(junk, "hello\n")
        defer { TestFiles.remove(junk) }
        guard case .unknown = FileKind.of(junk, refunds: refunds) else {
            Issue.record("junk taken for a known kind")
            return
        }
    }
}
