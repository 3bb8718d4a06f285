import DurableOutput
import GRDB
import KCCModel
import Ledger
import Logging

// A helper for the ledger's tests of real processes: several of these write to
// one ledger at once, or one is killed with SIGKILL in the middle of a run.
//
//   ledger-stress write LEDGER OUTDIR TAG RUNS DOCS   RUNS export runs of DOCS documents each;
//                                                     prints "started", then "committed first"
//   ledger-stress crash LEDGER OUTDIR TAG             begins a run, writes one output whole and
//                                                     one half, prints "ready", waits to be killed
//   ledger-stress hold LEDGER SECONDS                 holds the write lock, prints "holding"
//
// Prints "ok" at the end; exit status 0, 3 when the ledger was busy, 1 on other errors.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func say(_ line: String) {
    print(line)
    fflush(nil)
}

func fail(_ error: any Error) -> Never {
    say("error: \(error)")
    exit((error as? LedgerError)?.code == .busy ? 3 : 1)
}

/// One document of run `run` at position `index`, written to `file`.
func document(tag: String, run: Int, index: Int, file: String) -> ExportedDocument {
    let isCredit = index % 4 == 3
    return ExportedDocument(
        kind: isCredit ? .credit : .invoice, number: "\(tag)-\(isCredit ? "CRN" : "INV")-\(run)-\(index)",
        orderNumber: "SO-\(tag)-\(run)-\(index / 4)", customerCode: "C-\(index % 7)",
        customerName: "Customer \(index % 7)",
        date: CalendarDate(validYear: 2026, month: 11, day: 20),
        gross: Money(minorUnits: Int64(1000 + index), currency: .gbp),
        outputFile: file, outputIndex: index + 2
    )
}

/// Writes `documents` as a small CSV, durably, the way an exporter would.
func writeOutput(_ path: String, _ documents: [ExportedDocument]) throws {
    let file = try DurableFile(path: path)
    try file.write("number,gross\r\n")
    for d in documents { try file.write("\(d.number),\(d.gross.amountText)\r\n") }
    try file.commit()
}

let arguments = Array(CommandLine.arguments.dropFirst())
let logger = Logger(label: "ledger-stress") { _ in SwiftLogNoOpLogHandler() }
let sha = String(repeating: "ab", count: 32)

switch arguments.first {
case "write" where arguments.count == 6:
    let (path, folder, tag) = (arguments[1], arguments[2], arguments[3])
    guard let runs = Int(arguments[4]), let count = Int(arguments[5]) else {
        fail(LedgerError(.invalidValue, "RUNS and DOCS are numbers"))
    }
    do {
        let ledger = try Ledger(path: path, logger: logger)
        say("started")
        for run in 0..<runs {
            let output = "\(folder)/\(tag)-\(run).csv"
            let id = try ledger.beginRun(
                ExportPlan(inputFile: "\(tag).csv", inputSHA256: sha, target: "xero-csv", outputPaths: [output]))
            let documents = (0..<count).map { document(tag: tag, run: run, index: $0, file: output) }
            try writeOutput(output, documents)
            try ledger.completeRun(id, documents: documents)
            if run == 0 { say("committed first") }
        }
        say("ok \(runs)")
    } catch {
        fail(error)
    }

case "crash" where arguments.count == 4:
    let (path, folder, tag) = (arguments[1], arguments[2], arguments[3])
    do {
        let ledger = try Ledger(path: path, logger: logger)
        let whole = "\(folder)/\(tag)-whole.csv"
        let half = "\(folder)/\(tag)-half.csv"
        let id = try ledger.beginRun(
            ExportPlan(inputFile: "\(tag).csv", inputSHA256: sha, target: "xero-csv", outputPaths: [whole, half]))
        try writeOutput(whole, (0..<3).map { document(tag: tag, run: 0, index: $0, file: whole) })
        let unfinished = try DurableFile(path: half)
        try unfinished.write(Array(repeating: UInt8(ascii: "x"), count: 300_000))
        say("ready \(id)")
        while true { pause() }
    } catch {
        fail(error)
    }

case "hold" where arguments.count == 3:
    guard let seconds = UInt32(arguments[2]) else { fail(LedgerError(.invalidValue, "SECONDS is a number")) }
    do {
        let queue = try DatabaseQueue(path: arguments[1])
        try queue.inTransaction(.immediate) { _ in
            say("holding")
            sleep(seconds)
            return .commit
        }
        say("ok")
    } catch {
        fail(error)
    }

default:
    say("usage: ledger-stress write LEDGER OUTDIR TAG RUNS DOCS | crash LEDGER OUTDIR TAG | hold LEDGER SECONDS")
    exit(2)
}
