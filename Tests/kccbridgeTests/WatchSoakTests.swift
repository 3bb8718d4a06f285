import Foundation
import Testing

/// Files keep arriving while the watcher is killed with SIGKILL at random
/// moments and started again; at the end every file is in `archive/` or
/// `failed/` exactly once, every output once and whole, and the ledger agrees.
/// `swift test` drops 40 files; `bash bench/soak.sh` drops 300 (KCCBRIDGE_SOAK_FILES).
@Suite("kccbridge watch soak: files arriving while the watcher is killed at random")
struct WatchSoakTests {
    @Test("every file exactly once in archive/ or failed/, every output once and whole, the ledger in agreement")
    func arrivingWhileKilled() throws {
        let count = ProcessInfo.processInfo.environment["KCCBRIDGE_SOAK_FILES"].flatMap(Int.init) ?? 40
        let root = try temporaryFolder()
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
        while dropped.count < count || kills < 3 {
            let watcher = try WatchProcess(root: root, quietSeconds: 0.2)
            Thread.sleep(forTimeInterval: Double.random(in: 0.1...0.8, using: &rng))
            watcher.signal(SIGKILL)
            _ = watcher.wait()
            kills += 1
        }
        let final = try Run(["watch", root.path, "--to", "xero-csv", "--once", "--quiet-seconds", "0"])
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
        let ledger = try Run([
            "ledger", "export", "--format", "csv", "--no-bom", "--ledger",
            root.appendingPathComponent(".state/ledger.sqlite").path,
        ])
        let recorded = Set(
            ledger.stdout.split(separator: "\r\n").dropFirst().compactMap { line in
                line.split(separator: ",").first { $0.hasSuffix(".csv") && $0.contains("/out/") }.map {
                    String($0.split(separator: "/").last!)
                }
            })
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
