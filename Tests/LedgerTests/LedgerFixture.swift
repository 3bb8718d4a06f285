import DurableOutput
import Foundation
import InMemoryLogging
import KCCModel
import KCCTestSupport
import Ledger
import Logging
import Synchronization
import Testing

/// A logger for ledgers whose log the test does not read.
let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

/// A clock the tests move by hand.
final class TestClock: Sendable {
    private let current: Mutex<Timestamp>

    init(_ start: Timestamp = Timestamp(CalendarDate(year: 2026, month: 11, day: 20)!, seconds: 9 * 3600)) {
        current = Mutex(start)
    }

    var now: Timestamp { current.withLock { $0 } }

    func advance(seconds: Int64) {
        current.withLock { $0 = Timestamp(millisecondsSinceEpoch: $0.millisecondsSinceEpoch + seconds * 1000) }
    }
}

/// Where a test's ledger lives: the same tests run against both stores.
enum StoreKind: String, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// The stores the tests run against: PostgreSQL too when a server is named
/// (and always in CI, where a missing server fails the tests instead of skipping them).
let stores: [StoreKind] = TestPostgres.address != nil || TestPostgres.required ? [.sqlite, .postgres] : [.sqlite]

/// A ledger in a new temporary folder (an SQLite file in it, or a new
/// PostgreSQL database), with a hand-moved clock and a log the test can read.
struct LedgerFixture {
    let folder: String
    /// The ledger's location: the SQLite file, or the PostgreSQL address.
    let path: String
    let clock = TestClock()
    let log = InMemoryLogHandler()
    let ledger: Ledger

    init(store: StoreKind = .sqlite, busyTimeout: Duration = .seconds(10)) throws {
        folder = TestFiles.makeFolder()
        switch store {
        case .sqlite: path = folder + "/state/ledger.sqlite"
        case .postgres: path = try TestPostgres.newDatabase()
        }
        ledger = try Self.open(path, clock: clock, log: log, busyTimeout: busyTimeout)
    }

    /// Another connection to the same file, as another kccbridge would open it.
    func reopen(busyTimeout: Duration = .seconds(10)) throws -> Ledger {
        try Self.open(path, clock: clock, log: log, busyTimeout: busyTimeout)
    }

    private static func open(
        _ path: String, clock: TestClock, log: InMemoryLogHandler, busyTimeout: Duration
    ) throws -> Ledger {
        try Ledger(
            path: path, options: LedgerOptions(busyTimeout: busyTimeout, clock: { clock.now }),
            logger: Logger(label: "test") { _ in log }
        )
    }

    func output(_ name: String) -> String { folder + "/" + name }

    /// Recovers the runs of a ledger the test let go of, as a crash would: its
    /// locks end when its lock file closes, which a process being started at
    /// that moment by another test (between its fork and its exec) may delay
    /// a little. So this tries for up to five seconds.
    func recoverAfterCrash(_ ledger: Ledger? = nil) throws -> [RecoveredRun] {
        let ledger = ledger ?? self.ledger
        for _ in 0..<250 {
            let recovered = try ledger.recoverPendingRuns()
            if !recovered.isEmpty { return recovered }
            usleep(20_000)
        }
        return []
    }

    /// A plan for outputs `names` in the fixture's folder.
    func plan(_ names: [String], target: String = "xero-csv", reexport: Bool = false) -> ExportPlan {
        ExportPlan(
            inputFile: "batch-2026-11.csv", inputSHA256: String(repeating: "0f", count: 32), target: target,
            outputPaths: names.map(output), reexport: reexport
        )
    }

    /// A reconciliation run of `r.csv` that wrote nothing and records `outcomes` (refunds seen and decided)
    /// and `refunds` (those applied).
    @discardableResult
    func reconcile(_ outcomes: [RefundOutcomeRecord], refunds: [RefundApplication] = []) throws -> RunID {
        let run = try beginReconciliation()
        try ledger.completeRun(run, documents: [], refunds: refunds, outcomes: outcomes)
        return run
    }

    private func beginReconciliation() throws -> RunID {
        try ledger.beginRun(
            ExportPlan(
                inputFile: "r.csv", inputSHA256: String(repeating: "a", count: 64), target: "reconcile", outputPaths: []
            ))
    }

    /// A reconciliation run whose refunds and outcomes are handed to the ledger in parts of `size`.
    @discardableResult
    func reconcile(inPartsOf size: Int, _ outcomes: [RefundOutcomeRecord], refunds: [RefundApplication]) throws -> RunID
    {
        let run = try beginReconciliation()
        try ledger.completeRun(run, documents: []) { record in
            for start in stride(from: 0, to: max(refunds.count, outcomes.count), by: size) {
                try record(
                    Array(refunds[min(start, refunds.count)..<min(start + size, refunds.count)]),
                    Array(outcomes[min(start, outcomes.count)..<min(start + size, outcomes.count)]))
            }
        }
        return run
    }

    /// Writes an output the way an exporter does, so that it exists when the run is completed.
    func write(_ name: String, _ text: String = "header\r\n") throws {
        let file = try DurableFile(path: output(name))
        try file.write(text)
        try file.commit()
    }

    /// Begins a run for `file`, writes it, and completes it with `documents`.
    @discardableResult
    func export(
        _ documents: [ExportedDocument], to file: String, target: String = "xero-csv", reexport: Bool = false,
        refunds: [RefundApplication] = []
    ) throws -> RunID {
        let id = try ledger.beginRun(plan([file], target: target, reexport: reexport))
        try write(file)
        try ledger.completeRun(
            id,
            documents: documents.map {
                var d = $0
                d.outputFile = output(file)
                return d
            }, refunds: refunds)
        return id
    }
}

/// Documents as a test needs them; the output file is set by ``LedgerFixture/export(_:to:target:reexport:refunds:)``.
enum Sample {
    static let day = CalendarDate(year: 2026, month: 11, day: 18)!

    static func invoice(
        _ number: String, order: String = "SO-51877", gross: Int64 = 12_000, currency: Currency = .gbp,
        at index: Int = 2
    ) -> ExportedDocument {
        ExportedDocument(
            kind: .invoice, number: number, orderNumber: order, customerCode: "C-10442", customerName: "Jane Smith",
            date: day, gross: Money(minorUnits: gross, currency: currency), outputFile: "", outputIndex: index
        )
    }

    static func credit(
        _ number: String, order: String = "SO-51877", invoice: String? = "INV-100234", gross: Int64 = 5_000,
        currency: Currency = .gbp, at index: Int = 3
    ) -> ExportedDocument {
        ExportedDocument(
            kind: .credit, number: number, orderNumber: order, relatedInvoice: invoice, customerCode: "C-10442",
            customerName: "Jane Smith", date: day, gross: Money(minorUnits: gross, currency: currency), outputFile: "",
            outputIndex: index
        )
    }

    /// How a reconciliation of `r.csv` decided refund `id` (seen on `line`).
    static func outcome(
        _ id: String, source: String = "xero", _ outcome: String, reason: String, line: Int, amount: Int64? = nil
    ) -> RefundOutcomeRecord {
        RefundOutcomeRecord(
            refundID: id, sourceSystem: source, outcome: outcome, reason: reason,
            amount: amount.map { Money(minorUnits: $0, currency: .gbp) }, sourceFile: "r.csv", sourceLine: line)
    }

    static func refund(
        _ id: String, to creditNote: String, _ minorUnits: Int64, currency: Currency = .gbp, source: String = "xero"
    ) -> RefundApplication {
        RefundApplication(
            refundID: id, sourceSystem: source, creditNote: creditNote,
            amount: Money(minorUnits: minorUnits, currency: currency))
    }
}
