import Foundation
import Testing

/// Runs the built `kccbridge` binary, as a user would.
struct Run {
    var status: Int32
    /// The signal that ended the process, if one did.
    var signal: Int32?
    var stdout: String
    var stderr: String

    static let binary: URL = {
        let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return exe.deletingLastPathComponent().appendingPathComponent("kccbridge")
    }()

    static let repositoryRoot: URL = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }()

    init(_ arguments: [String], in directory: URL = Run.repositoryRoot, environment: [String: String] = [:]) throws {
        try self.init(executable: Run.binary, arguments, in: directory, environment: environment)
    }

    /// Runs another program (a shell, `script`) the same way.
    static func program(_ path: String, _ arguments: [String], in directory: URL = Run.repositoryRoot) throws -> Run {
        try Run(executable: URL(fileURLWithPath: path), arguments, in: directory, environment: [:])
    }

    private init(executable: URL, _ arguments: [String], in directory: URL, environment: [String: String]) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = directory
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Both streams are drained at once: one left unread could fill its pipe and stall the process.
        nonisolated(unsafe) var errData = Data()
        let errorsRead = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            errorsRead.signal()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        errorsRead.wait()
        process.waitUntilExit()
        status = process.terminationStatus
        signal = process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil
        stdout = String(decoding: outData, as: UTF8.self)
        stderr = String(decoding: errData, as: UTF8.self)
    }
}

func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("kccbridge-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("kccbridge check and generate, run as a user would")
struct CommandLineTests {
    @Test("check exits 0 on a clean batch and prints one summary line")
    func clean() throws {
        let folder = try temporaryFolder()
        let batch = folder.appendingPathComponent("b.csv").path
        #expect(try Run(["generate", "--orders", "50", "--seed", "4", "--output", batch]).status == 0)
        let run = try Run(["check", batch])
        #expect(run.status == 0)
        #expect(
            run.stdout.hasSuffix(
                "b.csv: \(run.stdout.split(separator: " ")[1]) documents read, 0 held back, 0 warnings\n"))
    }

    @Test("check exits 1 and prints FILE:LINE: severity: message when a document is held back")
    func heldBack() throws {
        let folder = try temporaryFolder()
        let path = folder.appendingPathComponent("b.csv")
        #expect(try Run(["generate", "--orders", "3", "--seed", "4", "--output", path.path]).status == 0)
        var lines = try String(contentsOf: path, encoding: .utf8).components(separatedBy: "\r\n")
        lines[1] = lines[1].replacingOccurrences(of: ",GBP,", with: ",GPB,").replacingOccurrences(
            of: ",EUR,", with: ",GPB,"
        ).replacingOccurrences(of: ",USD,", with: ",GPB,")
        try lines.joined(separator: "\r\n").write(to: path, atomically: false, encoding: .utf8)
        let run = try Run(["check", "b.csv"], in: folder)
        #expect(run.status == 1)
        #expect(
            run.stderr.contains(
                "b.csv:2: error: Currency 'GPB' is not an ISO 4217 currency code — document INV-300000 held back"))
        #expect(run.stdout.contains(", 1 held back, "))
    }

    @Test("check exits 3 for an unreadable file, and goes on to the next file")
    func unreadable() throws {
        let folder = try temporaryFolder()
        let good = folder.appendingPathComponent("g.xml").path
        #expect(try Run(["generate", "--orders", "5", "--format", "xml", "--output", good]).status == 0)
        let run = try Run(["check", "/nonexistent/batch.csv", good])
        #expect(run.status == 3, "nothing could be written for the missing file")
        #expect(run.stderr.contains("/nonexistent/batch.csv: error: the file cannot be read (no such file or folder)"))
        #expect(run.stdout.contains("g.xml: ") && run.stdout.contains("0 held back"))
    }

    @Test(
        "findings of one kind: three printed, the rest counted in one line naming the problems file; --verbose prints all"
    )
    func summarisedFindings() throws {
        let folder = try temporaryFolder()
        let batch = folder.appendingPathComponent("b.csv").path
        #expect(try Run(["generate", "--orders", "40", "--seed", "5", "--output", batch]).status == 0)
        let ledger = folder.appendingPathComponent("l.sqlite").path
        func convert(_ out: String, _ extra: [String] = []) throws -> Run {
            try Run(
                [
                    "convert", batch, "--to", "xero-csv", "--out", folder.appendingPathComponent(out).path, "--ledger",
                    ledger,
                ]
                    + extra)
        }
        _ = try convert("first")
        let again = try convert("second")
        let lines = again.stderr.split(separator: "\n")
        let already = lines.filter { $0.contains("was already exported") && !$0.hasPrefix("  … and ") }
        #expect(already.count <= 3 * 2, "at most three of each kind (invoices, credit notes)")
        let counted = lines.filter { $0.hasPrefix("  … and ") && $0.contains("more errors like") }
        #expect(!counted.isEmpty && counted.allSatisfy { $0.contains("all are in ") && $0.contains("problems.csv") })
        // The problems file is for people: Excel reads it as UTF-8 by its byte-order mark; --no-bom leaves it off.
        let problems = folder.appendingPathComponent("second/b.xero-csv.problems.csv")
        #expect(try Data(contentsOf: problems).starts(with: [0xEF, 0xBB, 0xBF]))
        _ = try convert("plain", ["--no-bom"])
        let plain = folder.appendingPathComponent("plain/b.xero-csv.problems.csv")
        #expect(try Data(contentsOf: plain).starts(with: Array("File,Line".utf8)))
        let verbose = try convert("third", ["--verbose"])
        #expect(!verbose.stderr.contains("  … and "))
        #expect(
            verbose.stderr.split(separator: "\n").filter { $0.contains("was already exported") }.count > already.count)
    }

    @Test("UK dates read with the default format suggest --date-format DD/MM/YYYY")
    func dateHint() throws {
        let folder = try temporaryFolder()
        let sample = try String(
            contentsOf: Run.repositoryRoot.appendingPathComponent("samples/batch-2026-11.csv"), encoding: .utf8)
        let uk = sample.replacingOccurrences(of: "2026-11-02", with: "02/11/2026")
        let path = folder.appendingPathComponent("uk.csv")
        try uk.write(to: path, atomically: true, encoding: .utf8)
        let run = try Run(["check", path.path])
        #expect(run.status == 1)
        #expect(
            run.stderr.contains(
                "DocDate '02/11/2026' is not a date written YYYY-MM-DD (dates written day first need --date-format DD/MM/YYYY)"
            ))
    }

    @Test("a folder or a file without extension that is missing says so; a missing --config says it does not exist")
    func whatIsWrong() throws {
        let folder = try temporaryFolder()
        let run = try Run(["check", folder.path, folder.appendingPathComponent("nosuch").path])
        #expect(run.stderr.contains("\(folder.path): error: the file cannot be read (it is a folder, not a file)"))
        #expect(run.stderr.contains("nosuch: error: the file cannot be read (no such file or folder)"))
        let config = try Run([
            "convert", "samples/batch-2026-11.csv", "--to", "xero-csv", "--out", folder.path, "--no-ledger",
            "--config", "nosuch.yaml",
        ])
        #expect(
            config.status == 2 && config.stderr.contains("nosuch.yaml: error: the configuration file does not exist"))
        let watch = try Run(["watch", "samples/batch-2026-11.csv", "--to", "xero-csv", "--once"])
        #expect(
            watch.status == 2 && watch.stderr.contains("samples/batch-2026-11.csv is a file: give the route's folder"))
        #expect(!watch.stderr.contains("NSCocoaErrorDomain"))
    }

    @Test(
        "usage errors exit 2",
        arguments: [
            ["check"], ["check", "--date-format", "YYYY/DD/MM", "x.csv"], ["frobnicate"], ["generate"],
            ["generate", "--orders", "1", "--format", "json"], ["check", "--max-file-mb", "9000000000000", "x.csv"],
        ])
    func usage(arguments: [String]) throws {
        let run = try Run(arguments)
        #expect(run.status == 2)
        #expect(!run.stderr.isEmpty)
    }

    @Test("generate is reproducible and never overwrites")
    func generate() throws {
        let a = try Run(["generate", "--orders", "20", "--seed", "9", "--nasty"])
        let b = try Run(["generate", "--orders", "20", "--seed", "9", "--nasty"])
        #expect(a.status == 0 && a.stdout == b.stdout && a.stdout.hasPrefix("RecordType,DocNumber,"))
        let folder = try temporaryFolder()
        let path = folder.appendingPathComponent("x.xml").path
        #expect(try Run(["generate", "--orders", "2", "--format", "xml", "--output", path]).status == 0)
        let again = try Run(["generate", "--orders", "2", "--format", "xml", "--output", path])
        #expect(again.status == 3 && again.stderr.contains("already exists"))
    }
}

@Suite("The README tells the truth")
struct ReadmeTests {
    @Test("the broken sample prints exactly what the README shows, and exits 1")
    func brokenSample() throws {
        let readme = try String(contentsOf: Run.repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let marker = "prints exactly this (after any build messages) and exits with status 1:\n\n```\n"
        let start = try #require(readme.range(of: marker)).upperBound
        let end = try #require(readme.range(of: "```", range: start..<readme.endIndex)).lowerBound
        let run = try Run(["check", "samples/broken-batch.csv"])
        #expect(run.status == 1)
        #expect(run.stderr + run.stdout == String(readme[start..<end]), "findings on standard error, then the summary")
    }

    @Test("the README's first command checks the samples cleanly")
    func cleanSamples() throws {
        let run = try Run(["check", "samples/batch-2026-11.csv", "samples/batch-2026-11.xml"])
        #expect(run.status == 0)
        #expect(
            run.stdout
                == "samples/batch-2026-11.csv: 14 documents read, 0 held back, 0 warnings\nsamples/batch-2026-11.xml: 14 documents read, 0 held back, 0 warnings\n"
        )
    }
}
