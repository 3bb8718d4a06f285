import Foundation
import KCCTestSupport
import Ledger
import Logging
import PackageRegistry
import ServiceLifecycle
import Testing

@testable import Watcher

/// The events a route logged, from any thread.
private final class EventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var events: [WatchEvent] = []

    func add(_ event: WatchEvent) {
        lock.lock()
        events.append(event)
        lock.unlock()
    }

    var outcomes: [WatchEvent.Outcome] {
        lock.lock()
        defer { lock.unlock() }
        return events.map(\.outcome)
    }
}

@Suite("A route served in process, as a Service of a ServiceGroup")
struct RouteServiceTests {
    @Test("a file renamed in is done; a graceful shutdown of the group logs stopping and stopped, and returns")
    func servedAndStopped() async throws {
        let root = TestFiles.makeFolder()
        var route = WatchRoute(root: root, targets: ["xero-csv"], packages: PackageRegistry.all)
        route.quietPeriod = .milliseconds(100)
        route.rescanInterval = .milliseconds(100)
        let ledger = try Ledger(path: route.ledgerPath, logger: Logger(label: "test"))
        let log = EventLog()
        let watcher = try Watcher(route: route, ledger: ledger, logger: Logger(label: "test")) { log.add($0) }
        let service = RouteService(watcher: watcher, retryPause: .milliseconds(100)) { log.add($0) }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service)], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let staging = root + "/.export.csv"
            try FileManager.default.copyItem(
                atPath: TestFiles.repositoryRoot() + "/samples/batch-2026-11.csv", toPath: staging)
            try FileManager.default.moveItem(atPath: staging, toPath: route.inbox + "/export.csv")
            var archived: [String] = []
            for _ in 0..<200 where archived.isEmpty {
                try await Task.sleep(for: .milliseconds(50))
                archived = (try? FileManager.default.contentsOfDirectory(atPath: route.archive)) ?? []
            }
            #expect(archived.count == 1 && archived[0].hasSuffix("-export.csv"))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let outcomes = log.outcomes
        for expected: WatchEvent.Outcome in [.started, .pickedUp, .done, .stopping, .stopped] {
            #expect(outcomes.contains(expected), "\(expected) in \(outcomes)")
        }
        #expect(outcomes.last == .stopped)
    }
}
