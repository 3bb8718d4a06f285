import Foundation
import KCCTestSupport
import Testing

/// Files keep arriving while the watchers are killed with SIGKILL at random
/// moments and started again; at the end every file is in `archive/` or
/// `failed/` exactly once, every output once and whole, and the ledger agrees.
/// With an SQLite ledger one watcher serves the route; with a shared
/// PostgreSQL ledger two do, as two machines would, and either is killed.
/// `swift test` drops 40 files; `bash bench/soak.sh` drops 300 (KCCBRIDGE_SOAK_FILES).
@Suite("kccbridge watch soak: files arriving while the watchers are killed at random")
struct WatchSoakTests {
    /// One watcher on an SQLite ledger; two on a PostgreSQL ledger when a server is there (always in CI).
    static let setups: [String] =
        ["sqlite"] + (TestPostgres.address != nil || TestPostgres.required ? ["postgres"] : [])

    @Test(
        "every file exactly once in archive/ or failed/, every output once and whole, the ledger in agreement",
        arguments: setups)
    func arrivingWhileKilled(ledgerKind: String) throws {
        let count = ProcessInfo.processInfo.environment["KCCBRIDGE_SOAK_FILES"].flatMap(Int.init) ?? 40
        let root = try temporaryFolder()
        let ledgerLocation =
            ledgerKind == "postgres"
            ? try TestPostgres.newDatabase() : root.appendingPathComponent(".state/ledger.sqlite").path
        let watcherCount = ledgerKind == "postgres" ? 2 : 1
        let watchArguments = [
            "watch", root.path, "--to", "xero-csv", "--quiet-seconds", "0.2", "--ledger", ledgerLocation,
        ]
        let staging = root.appendingPathComponent(".staging")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        // Distinct batches (their own numbers and content); one in ten is broken, so failed/ is used too.
        var names: [String] = []
        for index in 0..<count {
            let name = String(format: "batch%04d.csv", index)
            let path = staging.appendingPathComponent(name)
            if index % 10 == 9 {
                try "RecordType,DocNumber\r\nINVOICE,\r\n".write(to: path, atomically: true, encoding: .utf8)
            } else {
                #expect(
                    try Run([
                        "generate", "--orders", "2", "--seed", "\(index)", "--first-order", "\(index * 10)",
                        "--output", path.path,
                    ]).status == 0)
            }
            names.append(name)
        }

        // The feeder renames files in at random moments, while the watcher is killed and restarted.
        let dropped = DroppedFiles()
        let toDrop = names
        let feeder = Thread {
            var rng = SystemRandomNumberGenerator()
            for name in toDrop {
                try? FileManager.default.moveItem(
                    at: staging.appendingPathComponent(name), to: root.appendingPathComponent("inbox/\(name)"))
                dropped.add()
                Thread.sleep(forTimeInterval: Double.random(in: 0...0.03, using: &rng))
            }
        }
        feeder.start()
        var rng = SystemRandomNumberGenerator()
        var kills = 0
        var running: [WatchProcess?] = Array(repeating: nil, count: watcherCount)
        while dropped.count < count || kills < 3 * watcherCount {
            for index in running.indices where running[index] == nil {
                running[index] = try WatchProcess(watchArguments)
            }
            Thread.sleep(forTimeInterval: Double.random(in: 0.1...0.8, using: &rng))
            let victim = Int.random(in: 0..<watcherCount, using: &rng)
            running[victim]?.signal(SIGKILL)
            _ = running[victim]?.wait()
            running[victim] = nil
            kills += 1
        }
        for watcher in running.compactMap({ $0 }) {
            watcher.signal(SIGKILL)
            _ = watcher.wait()
        }
        let final = try Run([
            "watch", root.path, "--to", "xero-csv", "--once", "--quiet-seconds", "0", "--ledger", ledgerLocation,
        ])
        // 0, or 1 if a broken file was still left for this last run.
        #expect(final.status == 0 || final.status == 1, "\(final.stdout.suffix(500))\(final.stderr.suffix(500))")

        Route.checkInvariants(root, inputs: names)
        let failed = Route.names(root, "failed").filter { !$0.hasSuffix(".error.txt") }
        #expect(failed.count == count / 10, "\(failed)")
        #expect(Route.names(root, "failed").filter { $0.hasSuffix(".error.txt") }.count == failed.count)
        // Every good file converted once: its outputs carry its claimed name, and each is whole.
        let outputs = Route.names(root, "out").filter {
            $0.hasSuffix(".xero-invoices.csv") || $0.hasSuffix(".xero-credit-notes.csv")
        }
        let stems = Set(outputs.map { String($0[..<$0.range(of: ".xero-")!.lowerBound]) })
        let archived = Set(Route.names(root, "archive").map { String($0.dropLast(".csv".count)) })
        #expect(stems == archived, "converted: \(stems.count), archived: \(archived.count), after \(kills) kills")
        #expect(archived.count == names.count - count / 10)
        for name in outputs {
            let text = try String(contentsOf: root.appendingPathComponent("out/\(name)"), encoding: .utf8)
            #expect(text.hasPrefix("*ContactName,") && text.hasSuffix("\r\n"), "\(name) is whole")
        }
        // The ledger agrees with the outputs: what it records is on disk, and every file on disk is recorded.
        let ledger = try Run(["ledger", "export", "--format", "csv", "--no-bom", "--ledger", ledgerLocation])
        let recorded = Set(
            ledger.stdout.split(separator: "\r\n").dropFirst().compactMap { line in
                line.split(separator: ",").first { $0.hasSuffix(".csv") && $0.contains("/out/") }.map {
                    String($0.split(separator: "/").last!)
                }
            })
        if watcherCount > 1 {
            // The watchers really shared the route: runs of two processes overlapped in time.
            let runs = try Run([
                "ledger", "export", "--table", "runs", "--format", "csv", "--no-bom", "--ledger", ledgerLocation,
            ])
            let spans = runs.stdout.split(separator: "\r\n").dropFirst().map {
                $0.split(separator: ",", omittingEmptySubsequences: false)
            }
            .filter { $0.count > 8 && !$0[2].isEmpty }.map { (start: $0[1], end: $0[2], pid: $0[8]) }
            let overlapping = spans.contains { a in
                spans.contains { b in a.pid != b.pid && a.start < b.end && b.start < a.end }
            }
            #expect(overlapping, "no two watchers worked at the same time in \(spans.count) runs")
        }
        let onDisk = Set(outputs)
        #expect(
            recorded == onDisk,
            "recorded but missing: \(recorded.subtracting(onDisk)); on disk, unrecorded: \(onDisk.subtracting(recorded))"
        )
    }
}

/// How many files the feeder has dropped, read by the test's thread.
private final class DroppedFiles: @unchecked Sendable {
    private let lock = NSLock()
    private var dropped = 0

    func add() {
        lock.lock()
        dropped += 1
        lock.unlock()
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return dropped
    }
}
