import ArgumentParser
import KCCBatch
import KCCModel

/// `kccbridge check FILE...`: reads batches and reports every problem.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Read KCC export batches (CSV or XML) and report every problem, without writing anything.",
        discussion:
            "Prints each problem as FILE:LINE: severity: message, then one summary line per file. Exit status 0 when every document is good, 1 when any document is held back or a file cannot be used."
    )

    @Argument(help: "Batch files (.csv or .xml).")
    var files: [String]

    @OptionGroup var reading: BatchReadingOptions

    @Flag(help: "Print every problem; by default a few of each kind are printed and the rest counted.")
    var verbose = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one batch file") }
    }

    func run() throws {
        let options = try reading.readOptions()
        var failed = false
        let console = ConsoleFindings(verbose: verbose)
        for file in files {
            let summary = BatchFile.check(file, options: options) { finding in
                console.show(finding)
            }
            console.finish(listedIn: "run with --verbose to list them all")
            print(Self.summaryLine(summary))
            failed = failed || summary.hasErrors
        }
        if failed { throw ExitCode(ExitStatus.needsAttention) }
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
}
