import Foundation
import KCCTestSupport
import Ledger
import Logging
import Testing

/// A watcher as a real child process on real folders.
final class WatchProcess {
    let process = Process()
    let output = Pipe()

    convenience init(root: URL, quietSeconds: Double = 0.3, environment: [String: String] = [:]) throws {
        try self.init(
            ["watch", root.path, "--to", "xero-csv", "--quiet-seconds", "\(quietSeconds)"], environment: environment)
    }

    /// `kccbridge` with these arguments, in `folder`.
    init(_ arguments: [String], in folder: URL? = nil, environment: [String: String] = [:]) throws {
        process.executableURL = Run.binary
        process.arguments = arguments
        if let folder { process.currentDirectoryURL = folder }
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to end; returns its status (or signal).
    func wait() -> (status: Int32, signalled: Bool, log: String) {
        let log = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .uncaughtSignal, log)
    }
}

enum Route {
    static func names(_ root: URL, _ folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(folder).path)) ?? [])
            .sorted()
    }

    /// Drops a file the recommended way: written beside the inbox, then renamed in.
    static func drop(_ source: URL, as name: String, into root: URL) throws {
        let staging = root.appendingPathComponent(".staging-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: source, to: staging)
        try FileManager.default.moveItem(at: staging, to: root.appendingPathComponent("inbox/\(name)"))
    }

    static func waitUntil(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }

    /// The invariants of the contract: every input once in archive/ or failed/,
    /// nothing in work/ or inbox/, no temporary file anywhere, and every output
    /// name once.
    static func checkInvariants(_ root: URL, inputs: [String]) {
        let archived = names(root, "archive") + names(root, "failed").filter { !$0.hasSuffix(".error.txt") }
        let originals = archived.map { String($0[$0.index(after: $0.firstIndex(of: "-")!)...]) }.sorted()
        #expect(originals == inputs.sorted(), "archive/failed hold \(archived)")
        #expect(names(root, "work").isEmpty)
        #expect(names(root, "inbox").filter { !$0.hasPrefix(".") }.isEmpty)
        for folder in ["out", "archive", "failed", "work"] {
            #expect(
                !names(root, folder).contains { $0.contains(".kccbridge-tmp-") }, "temporary file left in \(folder)")
        }
    }
}

@Suite("kccbridge watch: real processes on real folders")
struct WatchTests {
    static let samples = Run.repositoryRoot.appendingPathComponent("samples")

    @Test("a ledger another kccbridge keeps busy at start-up is waited for (logged as waiting), then served")
    func busyAtStart() throws {
        let root = try temporaryFolder()
        let path = root.appendingPathComponent(".state/ledger.sqlite").path
        // Made, and closed: while another process holds it, opening it waits for that process.
        _ = try Ledger(path: path, logger: Logger(label: "test"))
        // Held past the 10 s busy timeout of the watcher's first try to open it.
        let holder = try LedgerStress(["hold", path, "12"])
        defer { holder.kill() }
        #expect(holder.waitForLine(startingWith: "holding") != nil)
        // Dropped before the watcher can open its ledger: taken once it has.
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        try Route.drop(Self.samples.appendingPathComponent("batch-2026-11.csv"), as: "export.csv", into: root)
        let watcher = try WatchProcess(root: root)
        #expect(Route.waitUntil(40) { Route.names(root, "archive").count == 1 })
        watcher.signal(SIGTERM)
        let (status, signalled, log) = watcher.wait()
        #expect(status == 0 && !signalled, "\(log)")
        #expect(
            log.contains("waiting: the ledger cannot be opened just now (another kccbridge is using the ledger"),
            "\(log)")
        #expect(log.contains("export.csv: done: xero-csv: 13 written"), "\(log)")
        Route.checkInvariants(root, inputs: ["export.csv"])
    }

    @Test("a renamed-in file is picked up at once; a slow writer is waited for; SIGTERM stops cleanly with status 0")
    func pickUpAndStop() throws {
        let root = try temporaryFolder()
        // The quiet period is long against the writer's pauses, even on a loaded machine.
        let watcher = try WatchProcess(root: root, quietSeconds: 1.5)
        #expect(
            Route.waitUntil(10) { FileManager.default.fileExists(atPath: root.appendingPathComponent("inbox").path) })
        let start = Date()
        try Route.drop(Self.samples.appendingPathComponent("batch-2026-11.csv"), as: "export.csv", into: root)
        #expect(Route.waitUntil(10) { Route.names(root, "archive").count == 1 })
        #expect(Date().timeIntervalSince(start) < 5)

        // A file written in place, slowly, in chunks: never taken half-written.
        let text = try String(contentsOf: Self.samples.appendingPathComponent("broken-batch.csv"), encoding: .utf8)
        // open(2), not FileManager.createFile: that one writes a temporary file and renames it in,
        // which the watcher rightly takes as "complete".
        let fd = open(root.appendingPathComponent("inbox/slow.csv").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        for chunk in text.utf8.chunked(200) {
            try handle.write(contentsOf: Data(chunk))
            Thread.sleep(forTimeInterval: 0.1)
            #expect(!Route.names(root, "work").contains { $0.hasSuffix("slow.csv") })
        }
        try handle.close()
        #expect(Route.waitUntil(10) { Route.names(root, "archive").count == 2 })

        watcher.signal(SIGTERM)
        let (status, signalled, log) = watcher.wait()
        #expect(status == 0 && !signalled, "\(log)")
        #expect(log.contains("export.csv: done: xero-csv: 13 written"))
        #expect(log.contains("slow.csv: done: xero-csv: 3 written, 7 held back"))
        Route.checkInvariants(root, inputs: ["export.csv", "slow.csv"])
        let outputs = Route.names(root, "out")
        #expect(outputs.filter { $0.hasSuffix("-slow.xero-invoices.csv") }.count == 1)
    }

    @Test(
        "the same content again is archived as a duplicate; a bad file goes to failed/ with the reason, and the watcher goes on"
    )
    func duplicateAndFailed() throws {
        let root = try temporaryFolder()
        for (source, name) in [("batch-2026-11.csv", "monday.csv"), ("batch-2026-11.csv", "tuesday.csv")] {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
            try Route.drop(Self.samples.appendingPathComponent(source), as: name, into: root)
            Thread.sleep(forTimeInterval: 0.02)
        }
        try "this is not a batch\n".write(
            to: root.appendingPathComponent("inbox/notes.txt"), atomically: true, encoding: .utf8)
        // A batch cut short: refused, its reason said once (it is both the refusal's finding and the run's failure).
        let xml = try Data(contentsOf: Self.samples.appendingPathComponent("batch-2026-11.xml"))
        try xml.prefix(3000).write(to: root.appendingPathComponent("inbox/cut.xml"))
        let run = try Run(["watch", root.path, "--to", "xero-csv", "--once", "--quiet-seconds", "0"])
        #expect(run.status == 1)
        #expect(run.stdout.contains("tuesday.csv: duplicate: the same content was converted before"), "\(run.stdout)")
        #expect(run.stdout.contains("notes.txt: failed: it is neither a KCC export batch"))
        let cut = try #require(run.stdout.split(separator: "\n").first { $0.contains("cut.xml: failed:") })
        #expect(cut.components(separatedBy: "the whole file is refused").count == 2, "said once: \(cut)")
        let failed = Route.names(root, "failed")
        #expect(failed.count == 4 && failed.contains { $0.hasSuffix("notes.txt.error.txt") })
        Route.checkInvariants(root, inputs: ["monday.csv", "tuesday.csv", "notes.txt", "cut.xml"])
        #expect(Route.names(root, "out").filter { $0.hasSuffix("xero-invoices.csv") }.count == 1)
    }

    @Test(
        "SIGKILL at each step of a file's journey; the next start finishes it exactly once",
        arguments: [
            "watch:after-claim", "convert:before-outputs", "convert:after-outputs", "watch:before-move",
        ])
    func killedAt(failpoint: String) throws {
        let root = try temporaryFolder()
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        try Route.drop(Self.samples.appendingPathComponent("batch-2026-11.csv"), as: "export.csv", into: root)
        let crashed = try Run(
            ["watch", root.path, "--to", "xero-csv", "--to", "qbd-iif", "--once", "--quiet-seconds", "0"],
            environment: ["KCCBRIDGE_FAILPOINT": failpoint])
        #expect(crashed.signal == SIGKILL)
        #expect(Route.names(root, "work").count == 1)  // claimed, unfinished

        let restarted = try Run([
            "watch", root.path, "--to", "xero-csv", "--to", "qbd-iif", "--once", "--quiet-seconds", "0",
        ])
        #expect(restarted.status == 0, "\(restarted.stdout)\(restarted.stderr)")
        Route.checkInvariants(root, inputs: ["export.csv"])
        let outputs = Route.names(root, "out")
        #expect(outputs.filter { $0.hasSuffix("xero-invoices.csv") }.count == 1, "\(outputs)")
        #expect(outputs.filter { $0.hasSuffix("qbd-transactions.iif") }.count == 1, "\(outputs)")
        // The ledger agrees with the outputs: every document once per target.
        let listed = try Run(["ledger", "list", "--ledger", root.appendingPathComponent(".state/ledger.sqlite").path])
        #expect(listed.stdout.hasSuffix("27 documents\n"), "\(listed.stdout)")
    }

    @Test("random SIGKILLs while files arrive: every input ends up once, outputs whole and once, ledger in agreement")
    func randomKills() throws {
        let root = try temporaryFolder()
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        var sources: [URL] = []
        for index in 0..<6 {
            let path = root.appendingPathComponent(".batch\(index).csv")
            #expect(
                try Run([
                    "generate", "--orders", "40", "--seed", "\(index + 100)", "--first-order", "\(index * 1000)",
                    "--output", path.path,
                ]).status == 0)
            sources.append(path)
        }
        var rng = SystemRandomNumberGenerator()
        var dropped: [String] = []
        for round in 0..<4 {
            let watcher = try WatchProcess(root: root)
            for _ in 0..<2 where dropped.count < sources.count {
                let name = "drop\(dropped.count).csv"
                try Route.drop(sources[dropped.count], as: name, into: root)
                dropped.append(name)
            }
            Thread.sleep(forTimeInterval: Double.random(in: 0.05...0.4, using: &rng))
            watcher.signal(round == 3 ? SIGTERM : SIGKILL)
            _ = watcher.wait()
        }
        let final = try Run(["watch", root.path, "--to", "xero-csv", "--once", "--quiet-seconds", "0"])
        #expect(final.status == 0, "\(final.stdout)")
        Route.checkInvariants(root, inputs: dropped)
        let invoices = Route.names(root, "out").filter { $0.hasSuffix("xero-invoices.csv") }
        #expect(invoices.count == dropped.count, "\(invoices)")
        // Every output is whole: it parses as Xero's template to its last line.
        for name in invoices {
            let text = try String(contentsOf: root.appendingPathComponent("out/\(name)"), encoding: .utf8)
            #expect(text.hasPrefix("*ContactName,") && text.hasSuffix("\r\n"))
        }
        let ledger = try Run([
            "ledger", "export", "--format", "csv", "--ledger", root.appendingPathComponent(".state/ledger.sqlite").path,
        ])
        let exportedFiles = Set(
            ledger.stdout.split(separator: "\r\n").dropFirst().compactMap { line in
                line.split(separator: ",").first { $0.hasSuffix(".csv") && $0.contains("/out/") }.map {
                    String($0.split(separator: "/").last!)
                }
            })
        #expect(exportedFiles.isSubset(of: Set(Route.names(root, "out"))))
    }
}

extension String.UTF8View {
    func chunked(_ size: Int) -> [[UInt8]] {
        var chunks: [[UInt8]] = []
        var current: [UInt8] = []
        for byte in self {
            current.append(byte)
            if current.count == size {
                chunks.append(current)
                current = []
            }
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }
}

@Suite("kccbridge watch: order, one watcher per route, failures, odd names")
struct WatchEdgeTests {
    static let samples = Run.repositoryRoot.appendingPathComponent("samples")

    @Test("a refund file renamed in while its batch is still being written waits for the batch, then matches")
    func arrivalOrder() throws {
        let root = try temporaryFolder()
        let watcher = try WatchProcess(root: root, quietSeconds: 1.0)
        #expect(
            Route.waitUntil(10) { FileManager.default.fileExists(atPath: root.appendingPathComponent("inbox").path) })
        let text = try String(contentsOf: Self.samples.appendingPathComponent("batch-2026-11.csv"), encoding: .utf8)
        let fd = open(root.appendingPathComponent("inbox/export.csv").path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let refunds = root.appendingPathComponent(".refunds.csv")
        try "RefundId,OrderNumber,Amount,Currency,Date\r\nW1,SO-51874,59.99,GBP,2026-11-20\r\n".write(
            to: refunds, atomically: true, encoding: .utf8)
        for (index, chunk) in text.utf8.chunked(1500).enumerated() {
            try handle.write(contentsOf: Data(chunk))
            if index == 1 {
                try FileManager.default.moveItem(at: refunds, to: root.appendingPathComponent("inbox/refunds.csv"))
            }
            Thread.sleep(forTimeInterval: 0.15)
        }
        try handle.close()
        #expect(Route.waitUntil(15) { Route.names(root, "archive").count == 2 })
        watcher.signal(SIGTERM)
        let (_, _, log) = watcher.wait()
        let exportLine = try #require(log.range(of: "export.csv: done"))
        let refundLine = try #require(log.range(of: "refunds.csv: done"))
        #expect(exportLine.lowerBound < refundLine.lowerBound, "\(log)")
        #expect(log.contains("1 refund: 1 matched-by-order"), "\(log)")
    }

    @Test("a second watcher on the same route is refused; the first goes on")
    func oneWatcherPerRoute() throws {
        let root = try temporaryFolder()
        let first = try WatchProcess(root: root)
        #expect(
            Route.waitUntil(10) {
                FileManager.default.fileExists(atPath: root.appendingPathComponent(".state/watch.lock").path)
            })
        Thread.sleep(forTimeInterval: 0.3)
        let second = try Run(["watch", root.path, "--to", "xero-csv", "--once"])
        #expect(
            second.status == 1 && second.stderr.contains("another kccbridge watch is working on"), "\(second.stderr)")
        first.signal(SIGTERM)
        #expect(first.wait().status == 0)
    }

    @Test("a batch whose outputs cannot be written goes to failed/, is not recorded, and converts when dropped again")
    func failedConversion() throws {
        let root = try temporaryFolder()
        let watcher = try WatchProcess(root: root)
        #expect(Route.waitUntil(10) { FileManager.default.fileExists(atPath: root.appendingPathComponent("out").path) })
        Thread.sleep(forTimeInterval: 0.3)
        // out/ becomes a file: no output can be made.
        try FileManager.default.removeItem(at: root.appendingPathComponent("out"))
        try "not a folder".write(to: root.appendingPathComponent("out"), atomically: true, encoding: .utf8)
        try Route.drop(Self.samples.appendingPathComponent("batch-2026-11.csv"), as: "export.csv", into: root)
        #expect(Route.waitUntil(10) { Route.names(root, "failed").count == 2 })
        // Put it right and drop the same content again: it is converted, not taken for a duplicate.
        try FileManager.default.removeItem(at: root.appendingPathComponent("out"))
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("out"), withIntermediateDirectories: true)
        try Route.drop(Self.samples.appendingPathComponent("batch-2026-11.csv"), as: "export-again.csv", into: root)
        #expect(Route.waitUntil(10) { Route.names(root, "archive").count == 1 })
        watcher.signal(SIGTERM)
        let (_, _, log) = watcher.wait()
        #expect(log.contains("export.csv: failed: xero-csv:"), "\(log)")
        #expect(log.contains("export-again.csv: done: xero-csv: 13 written"), "\(log)")
    }

    @Test("a very long file name is taken and processed; the names in work/, archive/ and failed/ stay within limits")
    func longName() throws {
        let root = try temporaryFolder()
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        let long = String(repeating: "x", count: 240) + ".csv"
        try Route.drop(Self.samples.appendingPathComponent("batch-2026-11.csv"), as: long, into: root)
        let run = try Run(["watch", root.path, "--to", "xero-csv", "--once", "--quiet-seconds", "0"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(Route.names(root, "archive").count == 1 && Route.names(root, "inbox").isEmpty)
        #expect(Route.names(root, "archive")[0].utf8.count <= 200 && Route.names(root, "archive")[0].hasSuffix(".csv"))
        #expect(Route.names(root, "out").count == 3)
    }
}
