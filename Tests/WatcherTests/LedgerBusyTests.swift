import Foundation
import KCCTestSupport
import Ledger
import Logging
import PackageRegistry
import Synchronization
import Testing

@testable import Watcher

@Suite("The watcher beside another kccbridge that keeps the ledger busy")
struct LedgerBusyTests {
    private let quiet = Logger(label: "test")

    /// A route to xero-csv with its inbox and its ledger made (kept open by the caller while the test runs).
    private static func route() throws -> (WatchRoute, Ledger) {
        let route = WatchRoute(root: TestFiles.makeFolder(), targets: ["xero-csv"], packages: PackageRegistry.all)
        try FileManager.default.createDirectory(atPath: route.inbox, withIntermediateDirectories: true)
        return (route, try Ledger(path: route.ledgerPath, logger: Logger(label: "test")))
    }

    /// Copies the repository's `sample` into the route's inbox; its name there.
    @discardableResult
    private static func drop(_ sample: String, into route: WatchRoute) throws -> String {
        let name = URL(fileURLWithPath: sample).lastPathComponent
        try FileManager.default.copyItem(
            atPath: TestFiles.repositoryRoot() + "/" + sample, toPath: route.inbox + "/" + name)
        return name
    }

    @Test(
        "a file whose run finds the ledger busy stays in work/, not in failed/, and is done once the ledger is free",
        arguments: ["samples/batch-2026-11.csv", "Tests/ReconciliationTests/Fixtures/linnworks-refunds.csv"])
    func busyLedger(sample: String) throws {
        let (route, made) = try Self.route()
        let name = try Self.drop(sample, into: route)

        let holder = try LedgerStress(["hold", route.ledgerPath, "60"])
        defer { holder.kill() }
        #expect(holder.waitForLine(startingWith: "holding") != nil)
        let ledger = try Ledger(
            path: route.ledgerPath, options: LedgerOptions(busyTimeout: .milliseconds(300)), logger: quiet)
        let watcher = try Watcher(route: route, ledger: ledger, logger: quiet) { _ in }
        let error = #expect(throws: LedgerError.self) { try watcher.processReady(renamedIn: [name]) { false } }
        #expect(error?.code == .busy)
        #expect(
            error?.description.contains("\(name) stays in work/ and is taken again when the ledger is free") == true)
        // Nothing is wrong with the file: it is not in failed/, and no error text tells a person to fix it.
        #expect(TestFiles.names(in: route.work).count == 1)
        #expect(TestFiles.names(in: route.failed).isEmpty)
        #expect(TestFiles.names(in: route.out).isEmpty)

        holder.kill()
        try watcher.processReady(renamedIn: []) { false }
        #expect(TestFiles.names(in: route.work).isEmpty)
        #expect(TestFiles.names(in: route.failed).isEmpty)
        #expect(TestFiles.names(in: route.archive).count == 1)
        #expect(!TestFiles.names(in: route.out).isEmpty)
        #expect(try ledger.runs(status: .committed).count == 1)
        withExtendedLifetime(made) {}
    }

    @Test(
        "content dropped again, taken while the ledger is busy: a batch is a duplicate once it is free, a refund file reconciled again",
        arguments: ["samples/batch-2026-11.csv", "Tests/ReconciliationTests/Fixtures/linnworks-refunds.csv"])
    func droppedAgainWhileBusy(sample: String) throws {
        let (route, made) = try Self.route()
        let name = URL(fileURLWithPath: sample).lastPathComponent
        let events = Mutex<[WatchEvent]>([])
        let ledger = try Ledger(
            path: route.ledgerPath, options: LedgerOptions(busyTimeout: .milliseconds(300)), logger: quiet)
        let watcher = try Watcher(route: route, ledger: ledger, logger: quiet) { event in
            events.withLock { $0.append(event) }
        }
        try Self.drop(sample, into: route)
        try watcher.processReady(renamedIn: [name]) { false }
        #expect(TestFiles.names(in: route.archive).count == 1)

        try Self.drop(sample, into: route)
        let holder = try LedgerStress(["hold", route.ledgerPath, "60"])
        defer { holder.kill() }
        #expect(holder.waitForLine(startingWith: "holding") != nil)
        #expect(throws: LedgerError.self) { try watcher.processReady(renamedIn: [name]) { false } }
        #expect(TestFiles.names(in: route.work).count == 1)
        holder.kill()
        events.withLock { $0 = [] }
        try watcher.processReady(renamedIn: []) { false }

        #expect(TestFiles.names(in: route.work).isEmpty)
        #expect(TestFiles.names(in: route.failed).isEmpty)
        #expect(TestFiles.names(in: route.archive).count == 2)
        let last = try #require(events.withLock { $0.last })
        let runs = try ledger.runs(status: .committed)
        if sample.hasSuffix("batch-2026-11.csv") {
            #expect(last.outcome == .duplicate, "\(last)")
            #expect(runs.count == 1)
        } else {
            // Refunds that waited (for their export, for a person) get their chance: not "done before".
            #expect(last.outcome == .done, "\(last)")
            #expect(!last.detail.contains("before the interruption"), "\(last)")
            #expect(runs.count == 2)
        }
        withExtendedLifetime(made) {}
    }
}
