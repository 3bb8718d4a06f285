import ArgumentParser
import Conversion
import KCCBatch
import KCCModel
import Logging
import PackageInterface
import PackageRegistry

/// `kccbridge check FILE...`: reads batches and reports every problem; with
/// `--to`, also every problem the mapping of that target would find.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read KCC export batches (CSV or XML) and report every problem, without writing anything.",
        discussion: """
            Prints each problem as FILE:LINE: severity: message on standard error, then one summary line per file on standard output. \
            With --to, also applies the configuration's mapping for that target, as convert would (tax codes, accounts, what the target carries); \
            the ledger is not consulted. \
            Exit status 0 when every document is good, 1 when any is held back, 2 for a usage or configuration error, \
            3 when a file cannot be used at all, 130 when stopped with Ctrl-C.
            """
    )

    @Argument(help: "Batch files (.csv or .xml).", completion: .file(extensions: ["csv", "xml"]))
    var files: [String]

    @Option(
        help: ArgumentHelp(
            "Also check the mapping for this target, as convert would: \(PackageRegistry.all.exportTargets.joined(separator: ", ")). Repeatable.",
            valueName: "target"),
        completion: .list(PackageRegistry.all.exportTargets))
    var to: [String] = []

    @Option(
        help:
            "The configuration file whose mapping --to checks (default: kccbridge.yaml in the current folder, else built-in defaults).",
        completion: .file(extensions: ["yaml", "yml"]))
    var config: String?

    @OptionGroup var reading: BatchReadingOptions
    @OptionGroup var onlineLists: OnlineListsOption
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one batch file") }
        if config != nil && to.isEmpty {
            throw ValidationError(
                "--config matters only with --to TARGET: check applies a configuration's mapping for one target, so name it (\(PackageRegistry.all.exportTargets.joined(separator: ", ")))"
            )
        }
        for target in to where PackageRegistry.all.package(exporting: target) == nil {
            throw ValidationError(
                "--to must be one of \(PackageRegistry.all.exportTargets.joined(separator: ", ")), not '\(target)'")
        }
    }

    func run() throws {
        let console = Console(output)
        let interruption = Interruption.listen()
        var options = try reading.readOptions()
        var statuses: [Int32] = []
        var results: [JSONBatchResult.File] = []
        let formats = try mappingFormats(console)
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
            options.progress = console.hook(stop: interruption)
            var found: [Finding] = []
            var lastFileError: String?
            func show(_ finding: Finding) {
                if finding.severity == .error && finding.document == nil { lastFileError = finding.message }
                console.finding(finding)
                if !console.isText { found.append(finding) }
            }
            if formats.isEmpty {
                let summary = BatchFile.check(file, options: options, report: show) { count in
                    console.progress?.documentsDone(count)
                }
                console.finishFindings(listedIn: "run with --verbose to list them all")
                if summary.interrupted {
                    results.append(JSONBatchResult.File(check: summary, findings: found))
                    console.error("interrupted: \(file) was not read to the end; check writes nothing")
                    statuses.append(ExitStatus.interrupted)
                    break
                }
                console.say(Self.summaryLine(summary))
                if summary.refused { console.refused(file, lastFileError) }
                results.append(JSONBatchResult.File(check: summary, findings: found))
                statuses.append(
                    summary.refused ? ExitStatus.nothingWritten : summary.hasErrors ? ExitStatus.needsAttention : 0)
                continue
            }
            for format in formats {
                var conversion = ConversionOptions(outputFolder: ".")
                conversion.preCheck = true
                conversion.reading = options
                let converter = Converter(
                    format: format.format, configuration: format.configuration, logger: Logger(label: "kccbridge.check")
                )
                found = []
                let report = converter.convert(file, options: conversion) { event in
                    switch event {
                    case .finding(let finding): show(finding)
                    case .placement: console.progress?.documentsDone()
                    }
                }
                console.finishFindings(listedIn: "run with --verbose to list them all")
                if report.reading.interrupted {
                    results.append(JSONBatchResult.File(convert: report, findings: found, listsOutputs: false))
                    console.error("interrupted: \(file) was not read to the end; check writes nothing")
                    statuses.append(ExitStatus.interrupted)
                    break
                }
                console.say(Self.summaryLine(report))
                if Convert.status(of: report) == ExitStatus.nothingWritten { console.refused(file, report.failure) }
                results.append(JSONBatchResult.File(convert: report, findings: found, listsOutputs: false))
                statuses.append(Convert.status(of: report))
            }
            if statuses.last == ExitStatus.interrupted { break }
        }
        let status = ExitStatus.combined(statuses)
        results += files[reached...].map { JSONBatchResult.File.notStarted($0) }
        console.emit(JSONBatchResult(command: "check", status: status, files: results))
        if status != ExitStatus.clean { throw ExitCode(status) }
    }

    /// The formats whose mapping `--to` asks to check, with the configuration convert would use.
    private func mappingFormats(
        _ console: Console
    ) throws -> [(format: any ExportFormat, configuration: BridgeConfiguration)] {
        guard !to.isEmpty else { return [] }
        var configuration = try CommandSupport.configuration(config)
        onlineLists.apply(to: &configuration)
        return try to.compactMap { target in
            try CommandSupport.exportFormat(target, configuration).map { ($0, configuration) }
        }
    }

    static func summaryLine(_ s: BatchCheckSummary) -> String {
        if s.refused { return "\(s.file): refused: no documents read" }
        // Counted as convert counts them: every document read, good or held back.
        let read = s.documentsRead + s.heldBack.count
        var parts = ["\(read) document\(read == 1 ? "" : "s") read", "\(s.heldBack.count) held back"]
        if s.otherErrors > 0 { parts.append("\(s.otherErrors) row\(s.otherErrors == 1 ? "" : "s") skipped") }
        parts.append("\(s.warnings) warning\(s.warnings == 1 ? "" : "s")")
        return "\(s.file): " + parts.joined(separator: ", ")
    }

    /// A check with a target's mapping, in convert's words without the files.
    static func summaryLine(_ r: ConversionReport) -> String {
        if r.reading.refused { return "\(r.input): refused: no documents read" }
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        var parts = [
            plural(r.reading.documentsRead + r.reading.heldBack.count, "document") + " read",
            "\(r.written) would be written",
        ]
        if r.notCarried > 0 { parts.append("\(r.notCarried) not carried by \(r.target)") }
        parts.append("\(r.allHeldBack.count) held back")
        if r.reading.otherErrors > 0 { parts.append(plural(r.reading.otherErrors, "row") + " skipped") }
        parts.append(plural(r.reading.warnings + r.warnings, "warning"))
        return "\(r.input) → \(r.target): " + parts.joined(separator: ", ")
    }
}
