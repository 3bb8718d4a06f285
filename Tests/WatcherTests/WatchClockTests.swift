import Foundation
import KCCTestSupport
import Ledger
import Logging
import PackageRegistry
import Synchronization
import Testing

@testable import Watcher

/// A clock the test moves: waiting on it moves it on at once.
private final class HandClock: WatchClock {
    private let now: Mutex<Int64>

    init(_ start: Int64) { now = Mutex(start) }

    func nanosecondsSinceEpoch() -> Int64 { now.withLock { $0 } }

    func sleep(_ duration: Duration) { advance(duration) }

    func advance(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        now.withLock { $0 += seconds * 1_000_000_000 + attoseconds / 1_000_000_000 }
    }
}

/// The outcomes a watcher reported.
private final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [WatchEvent.Outcome] = []

    func add(_ event: WatchEvent) {
        lock.lock()
        list.append(event.outcome)
        lock.unlock()
    }

    var all: [WatchEvent.Outcome] {
        lock.lock()
        defer { lock.unlock() }
        return list
    }
}

@Suite("The watcher's quiet period, judged by a clock the test moves")
struct WatchClockTests {
    /// A route whose quiet period is a whole minute, and a file written in place at `written` (nanoseconds).
    private func route(writtenAt written: Int64) throws -> WatchRoute {
        let root = TestFiles.makeFolder()
        var route = WatchRoute(root: root, targets: ["xero-csv"], packages: PackageRegistry.all)
        route.quietPeriod = .seconds(60)
        try FileManager.default.createDirectory(atPath: route.inbox, withIntermediateDirectories: true)
        let path = route.inbox + "/export.csv"
        try FileManager.default.copyItem(
            atPath: TestFiles.repositoryRoot() + "/samples/batch-2026-11.csv", toPath: path)
        var times = [
            timespec(tv_sec: Int(written / 1_000_000_000), tv_nsec: Int(written % 1_000_000_000)),
            timespec(tv_sec: Int(written / 1_000_000_000), tv_nsec: Int(written % 1_000_000_000)),
        ]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        return route
    }

    @Test("a file written in place is left until it has been unchanged for the quiet period, then taken")
    func quietPeriod() throws {
        let written: Int64 = 1_795_000_000_000_000_000
        let route = try route(writtenAt: written)
        let clock = HandClock(written + 10_000_000_000)  // ten seconds after the last write
        let outcomes = Outcomes()
        let ledger = try Ledger(path: route.ledgerPath, logger: Logger(label: "test"))
        let watcher = try Watcher(route: route, ledger: ledger, logger: Logger(label: "test"), clock: clock) {
            outcomes.add($0)
        }
        try watcher.processReady(renamedIn: []) { false }
        #expect(TestFiles.names(in: route.inbox) == ["export.csv"])
        clock.advance(.seconds(49))  // 59 s quiet: not yet
        try watcher.processReady(renamedIn: []) { false }
        #expect(TestFiles.names(in: route.inbox) == ["export.csv"])
        clock.advance(.seconds(1))  // 60 s quiet: taken
        try watcher.processReady(renamedIn: []) { false }
        #expect(TestFiles.names(in: route.inbox).isEmpty)
        #expect(TestFiles.names(in: route.archive).count == 1)
        #expect(outcomes.all == [.pickedUp, .done])
    }

    @Test("--once waits, on the watcher's clock, for a file still being written, then drains the inbox")
    func drainWaits() throws {
        let written: Int64 = 1_795_000_000_000_000_000
        let route = try route(writtenAt: written)
        let clock = HandClock(written + 1_000_000_000)  // one second after the last write
        let outcomes = Outcomes()
        let ledger = try Ledger(path: route.ledgerPath, logger: Logger(label: "test"))
        let watcher = try Watcher(route: route, ledger: ledger, logger: Logger(label: "test"), clock: clock) {
            outcomes.add($0)
        }
        let started = Date()
        #expect(try watcher.drain() == 0)
        // A minute of the watcher's time, not of the test's.
        #expect(Date().timeIntervalSince(started) < 20)
        #expect(clock.nanosecondsSinceEpoch() - written >= 60_000_000_000)
        #expect(TestFiles.names(in: route.archive).count == 1)
        #expect(outcomes.all == [.waiting, .pickedUp, .done])
    }

    @Test("--once gives up on a file that never stops changing after its patience, and counts it")
    func drainGivesUp() throws {
        let written: Int64 = 1_795_000_000_000_000_000
        let route = try route(writtenAt: written)
        // The file's time is always "just now": it never becomes quiet.
        final class Writing: WatchClock {
            let clock: HandClock
            let path: String
            init(_ clock: HandClock, _ path: String) {
                self.clock = clock
                self.path = path
            }
            func nanosecondsSinceEpoch() -> Int64 { clock.nanosecondsSinceEpoch() }
            func sleep(_ duration: Duration) {
                clock.advance(duration)
                let now = clock.nanosecondsSinceEpoch()
                var times = [
                    timespec(tv_sec: Int(now / 1_000_000_000), tv_nsec: Int(now % 1_000_000_000)),
                    timespec(tv_sec: Int(now / 1_000_000_000), tv_nsec: Int(now % 1_000_000_000)),
                ]
                _ = utimensat(AT_FDCWD, path, &times, 0)
            }
        }
        let clock = Writing(HandClock(written), route.inbox + "/export.csv")
        let outcomes = Outcomes()
        let ledger = try Ledger(path: route.ledgerPath, logger: Logger(label: "test"))
        let watcher = try Watcher(route: route, ledger: ledger, logger: Logger(label: "test"), clock: clock) {
            outcomes.add($0)
        }
        #expect(try watcher.drain(patience: .seconds(600)) == 1)
        #expect(TestFiles.names(in: route.inbox) == ["export.csv"])
        #expect(outcomes.all == [.waiting, .waiting])
    }
}
