import ArgumentParser
import Conversion
import Foundation
import KCCModel
import Ledger
import Logging
import PackageInterface
import PackageRegistry

/// `kccbridge convert FILE... --to TARGET --out DIR`.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert KCC export batches into an accounting package's import files.",
        discussion: """
            Targets: \(PackageRegistry.all.exportTargets.joined(separator: ", ")).
            Good documents are written; a document with a problem is held back and listed, here and in <batch>.<target>.problems.csv beside the outputs. \
            Outputs appear whole or not at all, and an existing file is never overwritten. \
            Findings go to standard error, the summary to standard output; --format json prints one JSON document instead. \
            Exit status 0 when everything was written, 1 when anything was held back, 3 when nothing could be written for a file.
            """
    )

    @Argument(help: "Batch files (.csv or .xml).", completion: .file(extensions: ["csv", "xml"]))
    var files: [String]

    @Option(
        help: "The target format: \(PackageRegistry.all.exportTargets.joined(separator: ", ")).",
        completion: .list(PackageRegistry.all.exportTargets))
    var to: String

    @Option(help: "The folder for the output files (created if missing).", completion: .directory)
    var out: String

    @Option(
        help: "The configuration file (default: kccbridge.yaml in the current folder, else built-in defaults).",
        completion: .file(extensions: ["yaml", "yml"]))
    var config: String?

    @Flag(
        name: .customLong("pre-check"),
        help: "Say what would be written where, and what would be held back; write nothing.")
    var preCheck = false

    @Flag(help: "List where every document went (a pre-check always does).")
    var list = false

    @Option(
        help:
            "Convert only the documents named in this file: a problems file from an earlier run (its Document column), or one number per line.",
        completion: .file(extensions: ["csv", "txt"])
    )
    var only: String?

    @Flag(help: "Export documents the ledger holds as already exported to this target (recorded as a re-export).")
    var reexport = false

    @Flag(
        name: .customLong("no-ledger"),
        help: "Do not use the ledger: no duplicate check and nothing recorded (for trying things out).")
    var noLedger = false

    @OptionGroup var reading: BatchReadingOptions
    @OptionGroup var onlineLists: OnlineListsOption
    @OptionGroup var bom: ByteOrderMarkOption
    @OptionGroup var location: LedgerLocation
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one batch file") }
        guard PackageRegistry.all.package(exporting: to) != nil else {
            throw ValidationError(
                "--to must be one of \(PackageRegistry.all.exportTargets.joined(separator: ", ")), not '\(to)'")
        }
    }

    func run() throws {
        let console = Console(output)
        do {
            try convert(console)
        } catch let failure as CommandFailure {
            throw console.fail(failure, command: "convert")
        }
    }

    private func convert(_ console: Console) throws {
        // Listening from the start: a Ctrl-C while the ledger opens (and recovers) stops before the first file.
        let interruption = Interruption.listen()
        var configuration = try CommandSupport.configuration(config)
        onlineLists.apply(to: &configuration)
        guard let format = try CommandSupport.exportFormat(to, configuration) else {
            throw ValidationError(
                "--to must be one of \(PackageRegistry.all.exportTargets.joined(separator: ", ")), not '\(to)'")
        }
        var options = ConversionOptions(outputFolder: CommandSupport.folder(out))
        options.preCheck = preCheck
        options.reexport = reexport
        options.byteOrderMark = bom.byteOrderMark
        options.reading = try reading.readOptions()
        if let only {
            do {
                options.only = try Converter.documentNumbers(inProblemsFile: only)
            } catch {
                printError("error: \(only): \(error)")
                throw ExitCode(ExitStatus.usage)
            }
            if options.only?.isEmpty == true {
                printError("error: \(only) names no document numbers, so --only would convert nothing")
                throw ExitCode(ExitStatus.usage)
            }
        }
        // The ledger first: one that cannot be used leaves no empty output folder behind.
        let journal: any ExportJournal =
            noLedger ? NoJournal() : LedgerJournal(ledger: try interruption.openLedger(location, before: files))
        if !preCheck { try CommandSupport.makeFolder(options.outputFolder) }
        let converter = Converter(
            format: format, configuration: configuration, journal: journal, logger: Logger(label: "kccbridge.convert"))
        var statuses: [Int32] = []
        var results: [JSONBatchResult.File] = []
        // The files reached; those after them, when a stop ends the run, are listed as not read.
        var reached = 0
        for (index, file) in files.enumerated() {
            if interruption.isRequested {
                console.error(Interruption.notStarted(files[index...]))
                statuses.append(ExitStatus.interrupted)
                break
            }
            reached = index + 1
            console.progress?.start(file)
            options.reading.progress = console.hook(stop: interruption)
            var found: [Finding] = []
            let report = converter.convert(file, options: options) { event in
                switch event {
                case .finding(let finding):
                    console.finding(finding)
                    if !console.isText { found.append(finding) }
                case .placement(let placement):
                    console.progress?.documentsDone()
                    if preCheck || list { console.say(placement.description) }
                }
            }
            console.finishFindings(
                listedIn: preCheck
                    ? "run with --verbose to list them all"
                    : report.problemsFile.map { "all are in \($0)" } ?? "run with --verbose to list them all")
            if report.reading.interrupted {
                results.append(JSONBatchResult.File(convert: report, findings: found))
                console.error(
                    "interrupted: nothing of \(file) was written or recorded as exported")
                statuses.append(ExitStatus.interrupted)
                break
            }
            console.say(Self.summary(report))
            if Self.status(of: report) == ExitStatus.nothingWritten { console.refused(file, report.failure) }
            results.append(JSONBatchResult.File(convert: report, findings: found))
            statuses.append(Self.status(of: report))
        }
        let status = ExitStatus.combined(statuses)
        results += files[reached...].map { JSONBatchResult.File.notStarted($0) }
        console.emit(JSONBatchResult(command: "convert", status: status, files: results))
        if status != ExitStatus.clean { throw ExitCode(status) }
    }

    /// 3 when nothing could be written for the file, 1 when anything needs a person, else 0.
    static func status(of r: ConversionReport) -> Int32 {
        if r.failure != nil && r.outputs.isEmpty { return ExitStatus.nothingWritten }
        return r.needsAttention ? ExitStatus.needsAttention : ExitStatus.clean
    }

    static func summary(_ r: ConversionReport) -> String {
        // A failed file whose outputs were withdrawn wrote nothing, however many documents it had written first.
        if r.failure != nil, r.reading.refused || r.outputs.isEmpty {
            return "\(r.input): nothing written"
        }
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        let files = r.outputs.count - (r.problemsFile == nil ? 0 : 1)
        var parts = [
            plural(r.reading.documentsRead + r.reading.heldBack.count, "document") + " read",
            "\(r.written) \(r.preCheck ? "would be written" : "written") to \(plural(files, "file"))",
        ]
        if r.notCarried > 0 { parts.append("\(r.notCarried) not carried by \(r.target)") }
        if r.notSelected > 0 { parts.append("\(r.notSelected) not named by --only") }
        parts.append("\(r.allHeldBack.count) held back")
        parts.append(plural(r.reading.warnings + r.warnings, "warning"))
        var text = "\(r.input) → \(r.target): " + parts.joined(separator: ", ")
        for output in r.outputs {
            text += "\n  \(r.preCheck ? "would write" : "wrote") \(output)"
        }
        return text
    }
}
