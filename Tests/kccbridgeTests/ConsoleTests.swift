import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `kccbridge` with `arguments`, sent SIGINT (Ctrl-C) 0.3 s after it has started listening for it: its status and
/// what it printed.
private func runInterrupted(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = Run.binary
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    // On a loaded machine a fixed wait from the start can land before the command listens, and the test would
    // time the machine, not the command: so wait until its SIGINT and SIGTERM handlers are in place.
    let deadline = Date().addingTimeInterval(30)
    while FileManager.default.fileExists(atPath: "/proc/self/status") && !handlesInterrupts(process.processIdentifier)
        && process.isRunning && Date() < deadline
    {
        usleep(5_000)
    }
    usleep(300_000)
    kill(process.processIdentifier, SIGINT)
    nonisolated(unsafe) var errors = Data()
    let errorsRead = DispatchSemaphore(value: 0)
    DispatchQueue.global().async {
        errors = err.fileHandleForReading.readDataToEndOfFile()
        errorsRead.signal()
    }
    let output = out.fileHandleForReading.readDataToEndOfFile()
    errorsRead.wait()
    process.waitUntilExit()
    return (
        process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: errors, as: UTF8.self)
    )
}

/// Whether process `pid` has its own handlers for SIGINT and SIGTERM (the `SigCgt` mask of `/proc/PID/status`).
private func handlesInterrupts(_ pid: Int32) -> Bool {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }),
        let mask = UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16)
    else { return false }
    let wanted: UInt64 = 1 << (UInt64(SIGINT) - 1) | 1 << (UInt64(SIGTERM) - 1)
    return mask & wanted == wanted
}

/// The JSON document a command printed, as a dictionary.
private func json(_ run: Run) throws -> [String: Any] {
    let value = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
    return try #require(value as? [String: Any], "stdout is one JSON object: \(run.stdout)")
}

@Suite("The console: streams, --quiet, --format json, exit statuses, check --to, progress, Ctrl-C, completions")
struct ConsoleTests {
    @Test("--quiet prints nothing when all is well and nothing but the status when documents are held back")
    func quiet() throws {
        let folder = try temporaryFolder()
        let convert = try Run([
            "convert", "samples/batch-2026-11.csv", "--to", "xero-xml", "--out", folder.path, "--no-ledger", "--quiet",
        ])
        #expect(convert.status == 0 && convert.stdout.isEmpty && convert.stderr.isEmpty)
        #expect(
            FileManager.default.fileExists(
                atPath: folder.appendingPathComponent("batch-2026-11.xero-invoices.xml").path))
        let broken = try Run(["check", "samples/broken-batch.csv", "--quiet"])
        #expect(broken.status == 1 && broken.stdout.isEmpty && broken.stderr.isEmpty)
        // An error that stops a file is still said.
        let missing = try Run(["check", "/nonexistent/b.csv", "--quiet"])
        #expect(missing.status == 3 && missing.stdout.isEmpty)
        #expect(missing.stderr == "/nonexistent/b.csv: error: the file cannot be read (no such file or folder)\n")
    }

    @Test("check --format json: one document with counts, held-back numbers and every finding; nothing on stderr")
    func checkJSON() throws {
        let run = try Run(["check", "samples/broken-batch.csv", "--format", "json"])
        #expect(run.status == 1 && run.stderr.isEmpty)
        let result = try json(run)
        #expect(result["command"] as? String == "check" && result["status"] as? Int == 1)
        let file = try #require((result["files"] as? [[String: Any]])?.first)
        #expect(file["documentsRead"] as? Int == 10)
        #expect((file["heldBack"] as? [String])?.count == 7)
        let findings = try #require(file["findings"] as? [[String: Any]])
        #expect(findings.count >= 8, "every finding, not a summary")
        #expect(findings.contains { $0["line"] as? Int == 11 && ($0["message"] as? String)?.contains("GPB") == true })
    }

    @Test("convert and ledger list --format json name the outputs and the documents; the outputs exist")
    func convertJSON() throws {
        let folder = try temporaryFolder()
        let ledger = folder.appendingPathComponent("l.sqlite").path
        let run = try Run([
            "convert", "samples/batch-2026-11.csv", "--to", "xero-csv", "--out",
            folder.appendingPathComponent("out").path,
            "--ledger", ledger, "--format", "json",
        ])
        #expect(run.status == 0 && run.stderr.isEmpty)
        let file = try #require((try json(run)["files"] as? [[String: Any]])?.first)
        #expect(
            file["written"] as? Int == 13 && file["notCarried"] as? Int == 1 && file["target"] as? String == "xero-csv")
        let outputs = try #require(file["outputs"] as? [String])
        #expect(outputs.count == 3 && outputs.allSatisfy { FileManager.default.fileExists(atPath: $0) })
        let list = try Run(["ledger", "list", "--ledger", ledger, "--format", "json"])
        let documents = try #require(try json(list)["documents"] as? [[String: Any]])
        #expect(list.status == 0 && documents.count == 13)
        let first = try #require(documents.first)
        #expect(first["target"] as? String == "xero-csv" && (first["gross"] as? [String: Any])?["currency"] != nil)
    }

    @Test("reconcile --format json gives each refund's outcome and the command that resolves it")
    func reconcileJSON() throws {
        let folder = try temporaryFolder()
        let refunds = folder.appendingPathComponent("r.csv")
        try "RefundId,OrderNumber,Amount,Currency,Date\r\nR-9,SO-1,25.00,GBP,2026-11-20\r\n"
            .write(to: refunds, atomically: true, encoding: .utf8)
        let run = try Run([
            "reconcile", refunds.path, "--out", folder.appendingPathComponent("out").path, "--ledger",
            folder.appendingPathComponent("l.sqlite").path, "--format", "json",
        ])
        #expect(run.status == 1)
        let file = try #require((try json(run)["files"] as? [[String: Any]])?.first)
        #expect(file["refundsRead"] as? Int == 1 && file["needingPerson"] as? Int == 1)
        let refund = try #require((file["refunds"] as? [[String: Any]])?.first)
        #expect(refund["id"] as? String == "R-9" && refund["outcome"] as? String == "skipped-unmatched-order")
        #expect((refund["amount"] as? [String: Any])?["amount"] as? String == "25.00")
        #expect(((refund["commands"] as? [String])?.first ?? "").contains("kccbridge resolve R-9"))
        let money = try #require((file["money"] as? [String: Any])?["GBP"] as? [String: Any])
        #expect(money["read"] as? String == "25.00" && money["listed"] as? String == "25.00")
        #expect(file["totalsAgree"] as? Bool == true)
        // A ledger named by a relative path is named whole in the commands, so they work from any folder.
        let relative = try Run(
            ["reconcile", refunds.path, "--out", "again", "--ledger", "rel.sqlite", "--format", "json"], in: folder)
        let again = try #require((try json(relative)["files"] as? [[String: Any]])?.first)
        let commands = try #require((again["refunds"] as? [[String: Any]])?.first?["commands"] as? [String])
        #expect(commands.allSatisfy { $0.contains("--ledger \(folder.path)/rel.sqlite") }, "\(commands)")
    }

    @Test("exit status 3 when nothing could be written: a missing batch, an output folder that cannot be made")
    func nothingWritten() throws {
        let folder = try temporaryFolder()
        let missing = try Run([
            "convert", "/nonexistent/b.csv", "--to", "xero-csv", "--out", folder.path, "--no-ledger",
        ])
        #expect(missing.status == 3 && missing.stdout.contains("nothing written"))
        let blocker = folder.appendingPathComponent("file")
        try "x".write(to: blocker, atomically: true, encoding: .utf8)
        let run = try Run([
            "convert", "samples/batch-2026-11.csv", "--to", "xero-csv", "--out",
            blocker.appendingPathComponent("out").path,
            "--no-ledger",
        ])
        #expect(run.status == 3 && run.stderr.contains("cannot be made (\(blocker.path) is a file, not a folder)"))
    }

    @Test("the wrong kind of document says what it is and what to run instead (exit 3, nothing written)")
    func wrongKind() throws {
        let folder = try temporaryFolder()
        let refunds = folder.appendingPathComponent("refunds.csv")
        try "RefundId,OrderNumber,Amount,Currency,Date\r\nR-1,SO-1,5.00,GBP,2026-11-20\r\n"
            .write(to: refunds, atomically: true, encoding: .utf8)
        let convert = try Run(["convert", refunds.path, "--to", "xero-csv", "--out", folder.path, "--no-ledger"])
        #expect(convert.status == 3)
        #expect(
            convert.stderr.contains("this CSV is not a KCC export batch")
                && convert.stderr.contains("kccbridge reconcile"))
        let out = folder.appendingPathComponent("out").path
        for batch in ["samples/batch-2026-11.csv", "samples/batch-2026-11.xml"] {
            let reconcile = try Run([
                "reconcile", batch, "--out", out, "--ledger", folder.appendingPathComponent("l.sqlite").path,
            ])
            #expect(reconcile.status == 3)
            #expect(
                reconcile.stderr.contains("this is a KCC export batch")
                    && reconcile.stderr.contains("kccbridge convert \(batch)"))
        }
        // A file made for Xero, given back to convert.
        let xero = try Run(["convert", "samples/batch-2026-11.csv", "--to", "xero-xml", "--out", out, "--no-ledger"])
        #expect(xero.status == 0)
        let again = try Run([
            "convert", out + "/batch-2026-11.xero-invoices.xml", "--to", "xero-csv", "--out", out + "/2", "--no-ledger",
        ])
        #expect(
            again.status == 3
                && again.stderr.contains("its root element is <Invoices>, where a batch starts with <KCCExportBatch>"))
    }

    @Test("--only names the numbers the batch does not hold, here and in the problems file")
    func onlyMissing() throws {
        let folder = try temporaryFolder()
        let list = folder.appendingPathComponent("only.txt")
        try "INV-100870\nINV-999999\nCRN-000001\n".write(to: list, atomically: true, encoding: .utf8)
        let run = try Run([
            "convert", "samples/batch-2026-11.csv", "--to", "xero-xml", "--out",
            folder.appendingPathComponent("out").path,
            "--no-ledger", "--only", list.path,
        ])
        #expect(run.status == 0, "a warning, nothing held back")
        #expect(
            run.stderr.contains("--only names 2 documents this batch does not hold: CRN-000001, INV-999999"),
            "\(run.stderr)")
        #expect(run.stdout.contains("14 documents read, 1 written"))
    }

    @Test("no internal words or system error domains in help or messages")
    func plainWords() throws {
        var texts: [String] = []
        for command in [
            "check", "convert", "reconcile", "resolve", "watch", "generate", "ledger list", "ledger export",
        ] {
            texts.append(try Run(command.split(separator: " ").map(String.init) + ["--help"]).stdout)
        }
        let folder = try temporaryFolder()
        texts.append(try Run(["check", "samples/broken-batch.csv", "samples/batch-2026-11.xml", folder.path]).stderr)
        texts.append(try Run(["watch", "samples/batch-2026-11.csv", "--to", "xero-csv"]).stderr)
        texts.append(
            try Run(["convert", "samples/batch-2026-11.csv", "--to", "xero-csv", "--out", "/proc/nope", "--no-ledger"])
                .stderr)
        for text in texts {
            for word in ["version 1", "seed 0", "NSCocoaErrorDomain", "Error Domain", "Code=", "nil"] {
                #expect(!text.contains(word), "'\(word)' in: \(text.prefix(400))")
            }
        }
    }

    @Test(
        "a batch of more documents than are asked about one by one, converted twice: every one held back the second time"
    )
    func duplicatesInBulk() throws {
        let folder = try temporaryFolder()
        let batch = folder.appendingPathComponent("b.csv").path
        #expect(try Run(["generate", "--orders", "600", "--seed", "6", "--output", batch]).status == 0)
        let ledger = folder.appendingPathComponent("l.sqlite").path
        func convert(_ out: String) throws -> [String: Any] {
            let run = try Run([
                "convert", batch, "--to", "xero-xml", "--out", folder.appendingPathComponent(out).path, "--ledger",
                ledger,
                "--format", "json",
            ])
            return try #require((try json(run)["files"] as? [[String: Any]])?.first)
        }
        let first = try convert("one")
        let read = try #require(first["documentsRead"] as? Int)
        #expect(read > 600 && first["written"] as? Int == read)
        let second = try convert("two")
        #expect(second["written"] as? Int == 0 && (second["heldBack"] as? [String])?.count == read)
        let findings = try #require(second["findings"] as? [[String: Any]])
        #expect(
            findings.allSatisfy { ($0["message"] as? String)?.contains("was already exported to xero-xml") == true })
    }

    @Test("reconcile lists a few refunds of each outcome needing a person, then counts the rest; --verbose lists all")
    func reconcileSummarised() throws {
        let folder = try temporaryFolder()
        let refunds = folder.appendingPathComponent("r.csv")
        let rows = (1...7).map { "R-\($0),SO-9\($0),5.00,GBP,2026-11-20" }.joined(separator: "\r\n")
        try "RefundId,OrderNumber,Amount,Currency,Date\r\n\(rows)\r\n".write(
            to: refunds, atomically: true, encoding: .utf8)
        let ledger = folder.appendingPathComponent("l.sqlite").path
        let run = try Run([
            "reconcile", refunds.path, "--out", folder.appendingPathComponent("a").path, "--ledger", ledger,
        ])
        #expect(run.status == 1)
        #expect(run.stderr.components(separatedBy: ": skipped-unmatched-order: refund").count - 1 == 3)
        #expect(
            run.stderr.contains("  … and 4 more skipped-unmatched-order refunds (R-4, R-5, R-6 …): all are in "),
            "\(run.stderr)")
        let verbose = try Run([
            "reconcile", refunds.path, "--out", folder.appendingPathComponent("b").path, "--ledger", ledger,
            "--verbose",
        ])
        #expect(verbose.stderr.components(separatedBy: ": skipped-unmatched-order: refund").count - 1 == 7)
    }

    @Test("Ctrl-C during a check: one line, exit 130, and --format json names the file as interrupted")
    func checkInterrupted() throws {
        let folder = try temporaryFolder()
        let batch = folder.appendingPathComponent("big.csv").path
        #expect(try Run(["generate", "--orders", "20000", "--seed", "8", "--output", batch]).status == 0)
        let (status, text, _) = try runInterrupted(["check", batch, "--format", "json"])
        #expect(status == 130)
        let result = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let file = try #require((result["files"] as? [[String: Any]])?.first)
        #expect(result["status"] as? Int == 130 && file["interrupted"] as? Bool == true)
        #expect(file["refused"] as? Bool == false, "stopped, not refused")
    }

    @Test("check --to applies the configuration's mapping as convert would: a tax code it lacks is held back")
    func checkMapping() throws {
        let folder = try temporaryFolder()
        let config = folder.appendingPathComponent("k.yaml")
        try "tax_codes:\n  T0: { name: \"Zero Rated Income\", code: ZERORATEDOUTPUT, rate: 0 }\n"
            .write(to: config, atomically: true, encoding: .utf8)
        #expect(try Run(["check", "samples/batch-2026-11.csv"]).status == 0)
        let run = try Run(["check", "samples/batch-2026-11.csv", "--to", "xero-csv", "--config", config.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("TaxCode T1 has no entry under tax_codes in the configuration"))
        #expect(run.stdout.contains("batch-2026-11.csv → xero-csv: 14 documents read, "))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["k.yaml"], "nothing written")
        let alone = try Run(["check", "samples/batch-2026-11.csv", "--config", config.path])
        #expect(alone.status == 2 && alone.stderr.contains("--config matters only with --to TARGET"))
    }

    @Test("no progress line when standard error is not a terminal; on a terminal it counts megabytes and documents")
    func progress() throws {
        let folder = try temporaryFolder()
        let batch = folder.appendingPathComponent("b.csv").path
        #expect(try Run(["generate", "--orders", "4000", "--seed", "3", "--output", batch]).status == 0)
        let piped = try Run(["check", batch])
        #expect(piped.status == 0 && !piped.stderr.contains("\r") && !piped.stderr.contains("MB read"))
        // `script` gives the command a terminal; where it is missing, the piped half above still ran.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/script") else {
            print("note: /usr/bin/script is missing, so the progress line on a terminal is not tested here")
            return
        }
        let command = "\(Run.binary.path) check \(batch)"
        let onTerminal = try Run.program("/usr/bin/script", ["-qec", command, "/dev/null"])
        #expect(onTerminal.status == 0)
        #expect(onTerminal.stdout.contains("\r") && onTerminal.stdout.contains("MB read"), "\(onTerminal.stdout)")
        #expect(onTerminal.stdout.contains("documents read, 0 held back"))
    }

    @Test("Ctrl-C during a convert: one line says nothing was written, exit 130, no output and nothing in the ledger")
    func interrupted() throws {
        let folder = try temporaryFolder()
        let batch = folder.appendingPathComponent("big.csv").path
        #expect(try Run(["generate", "--orders", "20000", "--seed", "8", "--output", batch]).status == 0)
        let out = folder.appendingPathComponent("out")
        let ledger = folder.appendingPathComponent("l.sqlite").path
        let (status, _, errors) = try runInterrupted([
            "convert", batch, "--to", "xero-csv", "--out", out.path, "--ledger", ledger,
        ])
        #expect(status == 130, "\(errors)")
        #expect(
            errors.hasSuffix(
                "interrupted: nothing of \(batch) was written or recorded as exported\n"
            ))
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
        let list = try Run(["ledger", "list", "--ledger", ledger])
        #expect(list.stdout == "0 documents\n")
    }

    @Test("Ctrl-C while a file commits: that file is done, the files after it are named as not started, exit 130")
    func interruptedBetweenFiles() throws {
        let folder = try temporaryFolder()
        let (first, second) = (folder.appendingPathComponent("a.csv"), folder.appendingPathComponent("b.csv"))
        for copy in [first, second] {
            try FileManager.default.copyItem(
                at: Run.repositoryRoot.appendingPathComponent("samples/batch-2026-11.csv"), to: copy)
        }
        let out = folder.appendingPathComponent("out")
        let ledger = folder.appendingPathComponent("l.sqlite").path
        // Ctrl-C pressed once the first file's outputs are in place, before the ledger records them.
        let run = try Run(
            ["convert", first.path, second.path, "--to", "xero-csv", "--out", out.path, "--ledger", ledger],
            environment: ["KCCBRIDGE_FAILPOINT": "convert:after-outputs:interrupt"])
        #expect(run.status == 130, "\(run.stderr)")
        #expect(run.stderr.contains("interrupted before \(second.path): not read, nothing of it written or recorded"))
        let written = try FileManager.default.contentsOfDirectory(atPath: out.path)
        #expect(written.contains("a.xero-invoices.csv") && !written.contains { $0.hasPrefix("b.") })
        #expect(
            try Run(["ledger", "list", "--ledger", ledger]).stdout != "0 documents\n", "the first file is recorded")
    }

    @Test("Ctrl-C while waiting for another kccbridge to open the ledger stops at once: exit 130, nothing done")
    func interruptedWhileLedgerBusy() throws {
        let folder = try temporaryFolder()
        let batch = Run.repositoryRoot.appendingPathComponent("samples/batch-2026-11.csv").path
        let out = folder.appendingPathComponent("out")
        let ledger = folder.appendingPathComponent("l.sqlite").path
        // Another process opening the ledger holds byte 0 of its lock file; this one does, for the whole test.
        let fd = open(ledger + ".lock", O_RDWR | O_CREAT, 0o644)
        #expect(fd >= 0)
        defer { close(fd) }
        var lock = flock()
        lock.l_type = Int16(F_WRLCK)
        lock.l_whence = Int16(SEEK_SET)
        lock.l_start = 0
        lock.l_len = 1
        #expect(fcntl(fd, F_SETLK, &lock) == 0)
        let started = Date()
        let (status, _, errors) = try runInterrupted([
            "convert", batch, "--to", "xero-csv", "--out", out.path, "--ledger", ledger,
        ])
        // The busy timeout is 10 s: a stop that waited it out would also fail as busy (exit 3), not 130.
        #expect(status == 130, "\(errors)")
        #expect(Date().timeIntervalSince(started) < 8, "the wait was given up, not sat out")
        #expect(
            errors.hasSuffix("interrupted before \(batch): not read, nothing of it written or recorded\n"), "\(errors)")
        #expect(!errors.contains("error:"))
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    @Test("--format json lists every file named: one a stop left unread says so, where it was left out")
    func interruptedJSONListsEveryFile() throws {
        let folder = try temporaryFolder()
        // Long enough that the stop comes while it is read, 0.3 s after the command listens: a debug build checks
        // 4,000 orders in 0.36 s on a fast machine, which made the stop come too late now and then; 20,000 take
        // about 1.5 s (as for the test above).
        let long = folder.appendingPathComponent("long.csv").path
        #expect(try Run(["generate", "--orders", "20000", "--seed", "8", "--output", long]).status == 0)
        let sample = Run.repositoryRoot.appendingPathComponent("samples/batch-2026-11.csv").path
        let (status, stdout, errors) = try runInterrupted(["check", "--format", "json", long, sample])
        #expect(status == 130, "\(errors)")
        let json = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any]
        let files = try #require(json?["files"] as? [[String: Any]], "\(stdout)")
        let inputs = files.map { $0["input"] as? String ?? "" }
        #expect(inputs == [long, sample])
        #expect(files.allSatisfy { $0["interrupted"] as? Bool == true })
        let reason = files.last?["failure"] as? String
        #expect(reason == "interrupted before this file was read: nothing of it was written or recorded")
    }

    @Test("completions offer --to targets, date formats and encodings, and complete file names (bash, zsh, fish)")
    func completions() throws {
        for shell in ["bash", "zsh", "fish"] {
            let script = try Run(["--generate-completion-script", shell]).stdout
            for value in ["xero-csv", "qbo-xml", "DD/MM/YYYY", "windows-1252", "stripe-balance", "json"] {
                #expect(script.contains(value), "\(shell) completes \(value)")
            }
        }
        // Bash, asked as it asks when Tab is pressed after `--to ` and after `check `.
        let folder = try temporaryFolder()
        let script = folder.appendingPathComponent("kccbridge.bash")
        try Run(["--generate-completion-script", "bash"]).stdout.write(to: script, atomically: true, encoding: .utf8)
        for name in ["a.csv", "b.xml", "c.txt"] {
            try "".write(to: folder.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        func complete(_ words: [String]) throws -> [String] {
            let line = words.joined(separator: " ")
            let array = words.map { "'\($0)'" }.joined(separator: " ")
            let shell = """
                source \(script.path); COMP_WORDS=(\(array)); COMP_CWORD=\(words.count - 1); \
                COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}; _kccbridge kccbridge '\(words.last ?? "")' '\(words[words.count - 2])'; \
                printf '%s\\n' "${COMPREPLY[@]}"
                """
            let run = try Run.program("/bin/bash", ["-c", shell], in: folder)
            return run.stdout.split(separator: "\n").map(String.init).sorted()
        }
        #expect(try complete(["kccbridge", "convert", "a.csv", "--to", ""]).contains("xero-csv"))
        #expect(try complete(["kccbridge", "check", "--date-format", ""]) == ["DD/MM/YYYY", "YYYY-MM-DD"])
        #expect(try complete(["kccbridge", "check", ""]) == ["a.csv", "b.xml"])
    }
}
