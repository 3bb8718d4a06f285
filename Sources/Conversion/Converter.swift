import CSVStreaming
import DurableOutput
import Foundation
import KCCBatch
import KCCModel
import Ledger
import Logging
import Mapping
import PackageInterface

/// Something a conversion reports as it goes.
package enum ConversionEvent: Sendable {
    case finding(Finding)
    case placement(Placement)
}

/// Choices for one conversion run.
package struct ConversionOptions: Sendable {
    package var outputFolder: String
    /// Simulate: say what would be written where and what would be held back; write nothing (KCC's "Run Pre-Check").
    package var preCheck = false
    /// Convert only these document numbers (a rerun of the problems file).
    package var only: Set<String>?
    /// Export documents the ledger already holds as exported to this target (recorded as such).
    package var reexport = false
    /// The start of the output file names; the batch file's name without its extension by default.
    package var outputStem: String?
    package var reading = BatchReadOptions()
    /// The problems file starts with a byte-order mark (for Excel); `--no-bom` turns it off for scripts.
    package var byteOrderMark = true

    package init(outputFolder: String) {
        self.outputFolder = outputFolder
    }
}

/// Converts KCC batches into one accounting package's import files.
///
/// Per input file: read and check the batch (streaming), map each good
/// document, place it in its output file, then make every output durable at
/// once and only then record the run in the ledger. A refused batch, an output
/// name already taken or a write that fails leaves no output behind.
package final class Converter {
    package let format: any ExportFormat
    package let configuration: BridgeConfiguration
    private let journal: any ExportJournal
    private let logger: Logger

    package init(
        format: any ExportFormat, configuration: BridgeConfiguration, journal: any ExportJournal = NoJournal(),
        logger: Logger
    ) {
        self.format = format
        self.configuration = configuration
        self.journal = journal
        self.logger = logger
    }

    /// Converts one batch file. `displayName` is how messages name it (the path as given, by default).
    package func convert(
        _ input: String, displayName: String? = nil, options: ConversionOptions,
        onEvent: (ConversionEvent) -> Void
    ) -> ConversionReport {
        let name = displayName ?? input
        var report = ConversionReport(input: name, target: format.name, preCheck: options.preCheck)
        let stem = options.outputStem ?? Self.stem(of: input)
        func fail(_ finding: Finding) {
            report.failure = finding.message
            onEvent(.finding(finding))
        }
        /// The whole file refused; stopped on request is said by the caller, not as a finding.
        func refuse(_ error: BatchFileError) {
            if error.underlying is WorkInterrupted {
                // Stopped by a person, not refused; nothing of it is written all the same.
                report.reading.interrupted = true
                report.failure = "stopped on request; nothing was written or recorded"
            } else {
                report.reading.refused = true
                fail(error.finding)
            }
        }

        let reader: any BatchReader
        do {
            // Reading and checking on one core, mapping and writing on the other.
            var reading = options.reading
            reading.readAhead = true
            reader = try BatchFile.open(input, displayName: name, options: reading)
        } catch {
            refuse(error)
            return report
        }

        let mapper = DocumentMapper(configuration: configuration, format: format)
        let plan = ExportPlan(
            inputFile: name,
            inputSHA256: options.preCheck ? "" : reader.sha256 ?? SHA256.hexDigest(ofFile: input) ?? "",
            target: format.name, outputPaths: [], reexport: options.reexport)
        do {
            try journal.perform(plan, simulate: options.preCheck, failpoints: "convert") { run, transaction in
                let outputs = OutputSet(
                    folder: options.outputFolder, stem: stem, format: format, transaction: transaction)
                let problems = ProblemsFile(
                    path: Self.freeName(options.outputFolder, "\(stem).\(format.name).problems", "csv"),
                    transaction: transaction,
                    byteOrderMark: options.byteOrderMark)
                func note(_ finding: Finding) {
                    problems.add(finding)
                    onEvent(.finding(finding))
                }
                // The numbers `--only` names that the batch holds (kept only for `--only`: a batch has a million).
                var found: Set<String> = []
                while let item = try reader.next() {
                    switch item {
                    case .finding(let finding):
                        report.reading.count(finding)
                        // A document held back or skipped at reading is in the batch all the same.
                        if let document = finding.document, options.only?.contains(document) == true {
                            found.insert(document)
                        }
                        note(finding)
                    case .document(let document, let location):
                        report.reading.documentsRead += 1
                        if let only = options.only, !only.contains(document.number) {
                            report.notSelected += 1
                            continue
                        }
                        if options.only != nil { found.insert(document.number) }
                        try place(
                            document, at: location, options: options, mapper: mapper, outputs: outputs, run: run,
                            report: &report, note: note, onEvent: onEvent)
                    }
                }
                // Numbers `--only` names that the batch does not hold: a typo, or the wrong batch.
                if let only = options.only, case let missing = only.subtracting(found).sorted(), !missing.isEmpty {
                    report.warnings += 1
                    let shown = missing.prefix(10).joined(separator: ", ") + (missing.count > 10 ? " …" : "")
                    note(
                        Finding(
                            .warning, at: SourceLocation(file: name),
                            "--only names \(missing.count) document\(missing.count == 1 ? "" : "s") this batch does not hold: \(shown)"
                        ))
                }
                for notice in format.notices(written: report.writtenKinds) {
                    report.warnings += 1
                    note(Finding(.warning, at: SourceLocation(file: name), notice))
                }
                try outputs.finish()
                let keepProblems = report.needsAttention || report.notCarried > 0
                try problems.finish(keep: keepProblems)
                if keepProblems { report.problemsFile = problems.path }
                report.outputs = outputs.paths + (report.problemsFile.map { [$0] } ?? [])
            } complete: { [journal] run in
                try journal.complete(run)
            }
            if !options.preCheck {
                logger.info(
                    "converted",
                    metadata: ["file": "\(input)", "target": "\(format.name)", "documents": "\(report.written)"])
            }
        } catch let error as BatchFileError {
            report.outputs = []
            report.problemsFile = nil
            refuse(error)
        } catch let error as LedgerError where error.code == .commitUnknown {
            // The files stay where they are until the next run learns whether the ledger recorded them.
            fail(Finding(.error, at: SourceLocation(file: name), "\(error)"))
        } catch {
            report.outputs = []
            report.problemsFile = nil
            report.ledgerFailure = error as? LedgerError
            fail(Finding(.error, at: SourceLocation(file: name), "nothing was written for this batch: \(error)"))
        }
        return report
    }

    private func place(
        _ document: Document, at location: SourceLocation, options: ConversionOptions, mapper: DocumentMapper,
        outputs: OutputSet,
        run: RunID?, report: inout ConversionReport, note: (Finding) -> Void, onEvent: (ConversionEvent) -> Void
    ) throws {
        if let prior = try journal.priorExport(number: document.number, kind: document.kind, target: format.name) {
            if options.reexport {
                note(
                    Finding(
                        .warning, at: location, document: document.number,
                        "\(prior); exported again because of --reexport"))
                report.warnings += 1
            } else {
                report.heldBack.insert(document.number)
                note(
                    Finding(
                        .error, at: location, document: document.number,
                        "\(prior) — document \(document.number) held back (use --reexport to send it again)"))
                return
            }
        }
        let (mapped, findings) = mapper.map(document, at: location)
        for finding in findings {
            if finding.severity == .error { report.heldBack.insert(document.number) }
            if finding.severity == .warning { report.warnings += 1 }
            note(finding)
        }
        guard let mapped else { return }
        switch format.destination(of: mapped) {
        case .notCarried(let reason):
            report.notCarried += 1
            report.warnings += 1
            note(
                Finding(
                    .warning, at: location, document: document.number,
                    "\(document.number) is not carried by \(format.name): \(reason)"))
        case .family(let family):
            let refusals = format.refusals(of: mapped)
            guard refusals.isEmpty else {
                report.heldBack.insert(document.number)
                for reason in refusals {
                    note(
                        Finding(
                            .error, at: location, document: document.number,
                            "\(reason) — document \(document.number) held back"))
                }
                if let companion = format.companion(of: mapped),
                    let placement = try outputs.writeCompanion(companion, mapped)
                {
                    report.warnings += 1
                    note(
                        Finding(
                            .warning, at: location, document: document.number,
                            "\(companion.advice) (\(placement.file))"))
                }
                return
            }
            let placement = try outputs.write(mapped, to: family)
            report.written += 1
            report.writtenKinds.insert(document.kind)
            if let run {
                try journal.record(
                    run,
                    ExportedDocument(
                        document, contact: mapped.contact.name, outputFile: placement.file,
                        outputIndex: placement.first))
            }
            onEvent(.placement(placement))
        }
    }

    /// `batch-2026-11` for `samples/batch-2026-11.csv`.
    package static func stem(of path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// Document numbers to rerun, from a problems file (its `Document` column) or a plain list (one per line).
    /// `folder/base.ext`, or `base.run-2.ext`, `base.run-3.ext` … when taken: the problems
    /// file of a rerun (say, of a batch already exported) is written beside the first, never over it.
    static func freeName(_ folder: String, _ base: String, _ ext: String) -> String {
        var path = "\(folder)/\(base).\(ext)"
        var run = 1
        while access(path, F_OK) == 0 {
            run += 1
            path = "\(folder)/\(base).run-\(run).\(ext)"
        }
        return path
    }

    package static func documentNumbers(inProblemsFile path: String) throws -> Set<String> {
        let reader = try CSVReader(path: path)
        guard let header = try reader.nextRecord() else { return [] }
        let column = header.fields.firstIndex { $0.caseInsensitiveCompare("Document") == .orderedSame }
        func number(_ field: String) -> String { field.trimmingCharacters(in: .whitespaces) }
        var numbers: Set<String> = column == nil ? Set(header.fields.prefix(1).map(number)) : []
        while let record = try reader.nextRecord() {
            let index = column ?? 0
            if index < record.fields.count { numbers.insert(number(record.fields[index])) }
        }
        numbers.remove("")
        return numbers
    }
}
