import ArgumentParser
import Conversion
import Foundation
import KCCModel
import Ledger
import Logging
import PackageInterface
import PackageRegistry
import Reconciliation
import Refunds

/// `kccbridge reconcile FILE... --out DIR`, and `kccbridge reconcile --pending`.
struct Reconcile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Match refunds read back from Xero, QuickBooks or a sales channel to the credit notes and orders exported before.",
        discussion: """
            Writes <file>.kcc-payments.csv and .xml (what matched, for KCC's "Create and Allocate Payments") and \
            <file>.reconciliation-report.csv and .html (every refund, its outcome, the evidence and the command that resolves it). \
            Nothing is recorded in the ledger until those files are on disk. \
            Decisions that need a person go to standard error, the summary to standard output; --format json prints one JSON document instead. \
            Exit status 0 when everything matched, 1 when anything needs a person, 2 for a usage error, 3 when nothing could be written for a file.
            """
    )

    @Argument(
        help: "Refund files: \(Self.refundFile.readers.map(\.summary).joined(separator: "; ")); or a refund CSV.",
        completion: .file(extensions: ["csv", "xml", "json", "txt"]))
    var files: [String] = []

    @Option(help: "The folder for the outputs (created if missing).", completion: .directory)
    var out: String?

    @Option(
        help:
            "The refund file format or CSV profile: auto (default: from the content and the header), \(Self.refundFile.formats().joined(separator: ", ")), or a profile under refunds.profiles.",
        completion: .list(["auto"] + Self.refundFile.formats())
    )
    var from: String = "auto"

    @Option(
        help:
            "The source a CSV's refunds are known by in the ledger (default: the profile's, e.g. stripe), for two accounts of one channel whose refund ids could meet."
    )
    var source: String?

    @Option(
        help: "The configuration file (default: kccbridge.yaml in the current folder, else built-in defaults).",
        completion: .file(extensions: ["yaml", "yml"]))
    var config: String?

    @Flag(name: .customLong("pre-check"), help: "Decide and report; write and record nothing.")
    var preCheck = false

    @Option(
        name: .customLong("to"),
        help:
            "Also write the applied refunds for this accounting package (for refunds made in a sales channel): \(PackageRegistry.all.refundTargets.joined(separator: ", ")). Repeatable.",
        completion: .list(PackageRegistry.all.refundTargets)
    )
    var refundTargets: [String] = []

    @Option(
        name: .customLong("credit-memos"),
        help: "A qbXML CreditMemoQueryRs response: the TxnIDs --to qbd-qbxml applies refunds to.",
        completion: .file(extensions: ["xml", "qbxml"]))
    var creditMemos: String?

    @Option(
        name: .customLong("sync-orders-from"),
        help:
            "With refunds.sync_missing_orders: true, the KCC batch to export a refund's order from when the order was never exported (sync the original order if missing).",
        completion: .file(extensions: ["csv", "xml"])
    )
    var syncBatch: String?

    @Option(
        name: .customLong("sync-to"), help: "The target the missing orders are exported to (with --sync-orders-from).",
        completion: .list(PackageRegistry.all.exportTargets))
    var syncTarget: String?

    @Flag(help: "List the refunds that still need a person, from the ledger, and exit.")
    var pending = false

    @OptionGroup var location: LedgerLocation
    @OptionGroup var onlineLists: OnlineListsOption
    @OptionGroup var bom: ByteOrderMarkOption
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if pending {
            if !files.isEmpty { throw ValidationError("--pending lists from the ledger; name no files with it") }
            return
        }
        if files.isEmpty { throw ValidationError("name at least one refund file (or use --pending)") }
        if out == nil && !preCheck { throw ValidationError("--out DIR is required (or use --pre-check)") }
        for target in refundTargets where PackageRegistry.all.package(recordingRefundsFor: target) == nil {
            throw ValidationError(
                "--to must be one of \(PackageRegistry.all.refundTargets.joined(separator: ", ")), not '\(target)'")
        }
        if (syncBatch == nil) != (syncTarget == nil) {
            throw ValidationError("--sync-orders-from and --sync-to go together")
        }
        if let syncTarget, PackageRegistry.all.package(exporting: syncTarget) == nil {
            throw ValidationError(
                "--sync-to must be one of \(PackageRegistry.all.exportTargets.joined(separator: ", ")), not '\(syncTarget)'"
            )
        }
    }

    func run() throws {
        let console = Console(output)
        do {
            if pending { return try listPending(console) }
            try reconcile(console)
        } catch let failure as CommandFailure {
            throw console.fail(failure, command: pending ? "reconcile --pending" : "reconcile")
        }
    }

    private func reconcile(_ console: Console) throws {
        // Listening from the start: a Ctrl-C while the ledger opens (and recovers) stops before the first file.
        let interruption = Interruption.listen()
        var configuration = try CommandSupport.configuration(config)
        onlineLists.apply(to: &configuration)
        var options = ReconcileOptions(outputFolder: CommandSupport.folder(out ?? "."), refundFile: Self.refundFile)
        options.preCheck = preCheck
        options.byteOrderMark = bom.byteOrderMark
        options.format = from == "auto" ? nil : from
        options.source = source
        let prepared = PackageRegistry.all.refundSettings(configuration)
        options.settings = prepared.settings
        for problem in prepared.unusable {
            console.note("\(problem.location): warning: \(problem.message) (refunds are read without it)")
        }
        let formats = Self.refundFile.formats(configuration.refunds)
        if from != "auto" && !formats.contains(from) {
            printError("error: --from must be auto, \(formats.joined(separator: ", ")), not '\(from)'")
            throw ExitCode(ExitStatus.usage)
        }
        options.textPolicy = configuration.textCells
        options.commands = ResolveCommands(ledger: location.named)
        options.ledgerName = location.resolved
        var inputs = RefundWriterInputs()
        let targets = refundTargets.map { $0.lowercased() }
        // The packages that need their own credit-note ids read them (QuickBooks Desktop: TxnIDs).
        let needing = targets.compactMap { target in
            PackageRegistry.all.package(recordingRefundsFor: target).flatMap { package in
                package.creditNoteIDsNeeded(for: target).map { (target, package, $0) }
            }
        }
        if let creditMemos, let (_, package, _) = needing.first {
            do {
                inputs = try package.creditNotes(from: creditMemos, displayName: creditMemos)
            } catch {
                printError(error.description)
                throw ExitCode(ExitStatus.usage)
            }
        } else if let creditMemos {
            console.note("note: --credit-memos \(creditMemos) is not used: no --to target needs credit-note ids")
        } else if let (target, _, what) = needing.first {
            printError("error: --to \(target) needs --credit-memos FILE (\(what))")
            throw ExitCode(ExitStatus.usage)
        }
        options.refundDestinations = targets.compactMap {
            RefundDestination($0, packages: PackageRegistry.all, configuration: configuration, inputs: inputs)
        }
        // The ledger first: one that cannot be used leaves no empty output folder behind.
        let ledger = try interruption.openLedger(location, before: files)
        if !preCheck { try CommandSupport.makeFolder(options.outputFolder) }
        if let syncBatch, let syncTarget {
            if configuration.refunds.syncMissingOrders {
                guard let format = try CommandSupport.exportFormat(syncTarget, configuration) else {
                    throw ValidationError(
                        "--sync-to must be one of \(PackageRegistry.all.exportTargets.joined(separator: ", ")), not '\(syncTarget)'"
                    )
                }
                let sync = OrderSync(
                    batch: syncBatch, format: format, outputFolder: options.outputFolder, configuration: configuration)
                let logger = Logger(label: "kccbridge.sync")
                options.syncMissingOrders = { orders in
                    sync.export(orders, journal: LedgerJournal(ledger: ledger), logger: logger)
                }
            } else {
                printError(
                    "note: --sync-orders-from is ignored: refunds.sync_missing_orders is not true in the configuration")
            }
        }
        let run = ReconciliationRun(
            store: LedgerReconciliationStore(ledger: ledger), logger: Logger(label: "kccbridge.reconcile"))
        var statuses: [Int32] = []
        var results: [JSONReconcileResult.File] = []
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
            let report = run.reconcile(file, options: options)
            // Every decision in JSON only when JSON is asked for: a file of many refunds is not held twice for nothing.
            if !console.isText {
                results.append(try JSONReconcileResult.File(report, preCheck: preCheck, commands: options.commands))
            }
            if report.interrupted {
                console.error(
                    "interrupted: nothing of \(file) was written, and no refund of it was recorded as applied")
                statuses.append(ExitStatus.interrupted)
                break
            }
            if let failure = report.failure {
                // Nothing of this file was written or recorded (or whether it was is not known yet): no listing
                // or summary that would say otherwise.
                console.error(failure.description)
                if report.outcomeUnknown {
                    console.say(
                        "\(file): not known yet whether it was reconciled; its files stay in place until the next run settles it"
                    )
                    statuses.append(ExitStatus.needsAttention)
                } else {
                    console.say("\(file): nothing reconciled")
                    statuses.append(ExitStatus.nothingWritten)
                }
                continue
            }
            for note in report.notes { console.note("\(file): note: \(note)") }
            // A few of each outcome, then a count: every one is in the report.
            var shown: [RefundOutcome: Int] = [:]
            // Of those not shown, how many and the first few ids.
            var hidden: [RefundOutcome: (count: Int, first: [String])] = [:]
            var order: [RefundOutcome] = []
            try report.decisions.read(only: [.needingPerson, .duplicate]) { pass in
                for decision in pass {
                    let outcome = decision.outcome
                    if shown[outcome] == nil && hidden[outcome] == nil { order.append(outcome) }
                    guard output.verbose || shown[outcome, default: 0] < ConsoleFindings.shownPerKind else {
                        hidden[outcome, default: (0, [])].count += 1
                        if hidden[outcome, default: (0, [])].first.count < 4 {
                            hidden[outcome, default: (0, [])].first.append(decision.refund.id)
                        }
                        continue
                    }
                    shown[outcome, default: 0] += 1
                    console.note(
                        "\(decision.refund.location): \(decision.outcome): refund \(decision.refund.id): \(decision.reason)"
                    )
                    for (index, line) in options.commands.lines(decision.steps, source: decision.refund.system)
                        .enumerated()
                    {
                        console.note(index == 0 ? "    to resolve: \(line)" : "                \(line)")
                    }
                }
            }
            let reportFile = report.outputs.first { $0.hasSuffix(".reconciliation-report.csv") && !preCheck }
            for outcome in order {
                guard let ids = hidden[outcome] else { continue }
                let first = ids.first.prefix(3).joined(separator: ", ") + (ids.count > 3 ? " …" : "")
                console.note(
                    "  … and \(ids.count) more \(outcome) refund\(ids.count == 1 ? "" : "s") (\(first)): "
                        + (reportFile.map { "all are in \($0)" } ?? "run with --verbose to list them all"))
            }
            console.say("\(file): \(report.summary.line)")
            for output in report.outputs { console.say("  \(preCheck ? "would write" : "wrote") \(output)") }
            statuses.append(report.needsAttention ? ExitStatus.needsAttention : ExitStatus.clean)
        }
        let status = ExitStatus.combined(statuses)
        results += files[reached...].map { JSONReconcileResult.File.notStarted($0, preCheck: preCheck) }
        console.emit(JSONReconcileResult(status: status, files: results))
        if status != ExitStatus.clean { throw ExitCode(status) }
    }

    /// The refund files every package reads, and any CSV.
    static let refundFile = RefundFile(readers: PackageRegistry.all.refundReaders)

    private func listPending(_ console: Console) throws {
        let pending: [RefundOutcomeRecord]
        do {
            pending = try location.openExisting().pendingRefunds()
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure(status: ExitStatus.needsAttention, message: "\(error)")
        }
        let status = pending.isEmpty ? ExitStatus.clean : ExitStatus.needsAttention
        let commands = ResolveCommands(ledger: location.named)
        var resolving: [[String]] = []
        for record in pending {
            let place = record.sourceLine.map { "\(record.sourceFile):\($0)" } ?? record.sourceFile
            let amount = record.amount.map { " \($0)" } ?? ""
            console.say(
                "\(place): \(record.outcome): refund \(record.refundID) (\(record.sourceSystem))\(amount): \(record.reason)"
            )
            // A conflict or a reversal is acknowledged; anything else is matched by hand or left out.
            let acknowledged =
                record.outcome == RefundOutcome.conflict.rawValue
                || record.outcome == RefundOutcome.reversal.rawValue
            let steps: [ResolutionStep] =
                acknowledged
                ? [.ignore(refundID: record.refundID)]
                : [.match(refundID: record.refundID, creditNote: nil), .ignore(refundID: record.refundID)]
            let lines = commands.lines(steps, source: record.sourceSystem)
            resolving.append(lines)
            for (index, line) in lines.enumerated() {
                console.say(index == 0 ? "    to resolve: \(line)" : "                \(line)")
            }
        }
        console.say(pending.count == 1 ? "1 refund needs a person" : "\(pending.count) refunds need a person")
        console.emit(JSONPendingRefunds(status: status, pending, commands: resolving))
        if status != ExitStatus.clean { throw ExitCode(status) }
    }
}

/// `kccbridge resolve REFUND_ID (--credit-note NUMBER | --ignore) --note TEXT`.
struct Resolve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Record a person's decision about a refund that reconciliation could not place; the next reconcile applies it.",
        discussion:
            "Exit status 0 when recorded, 1 when the refund or credit note is unknown to the ledger, 2 for a usage error."
    )

    @Argument(help: "The refund id, as the report shows it.")
    var refundID: String

    @Option(
        name: .customLong("credit-note"),
        help:
            "Allocate the refund to this credit note; or split it, repeating NUMBER:AMOUNT (--credit-note CRN-1:12.00 --credit-note CRN-2:8.00), the shares summing to the refund."
    )
    var creditNotes: [String] = []

    @Flag(help: "Leave the refund out of KCC for good (also: acknowledge a conflict, or a reversal made in KCC).")
    var ignore = false

    @Option(help: "The refund's source, as the report shows it (needed when two sources have a refund of this id).")
    var source: String?

    @Option(help: "Why (kept in the ledger's audit trail).")
    var note: String

    @Option(help: "Who decides (default: $USER).")
    var by: String?

    @OptionGroup var location: LedgerLocation

    /// The login name of the user running the command, from the password database.
    static func accountName() -> String? {
        guard let entry = getpwuid(getuid()), let name = entry.pointee.pw_name else { return nil }
        return String(cString: name)
    }

    func validate() throws {
        if creditNotes.isEmpty == !ignore {
            throw ValidationError("give --credit-note NUMBER (repeated NUMBER:AMOUNT to split) or --ignore, not both")
        }
        if note.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("--note must say why") }
    }

    func run() throws {
        let ledger = try location.openExisting()
        do {
            let seen = try ledger.refundOutcomes(refundID: refundID).filter {
                source == nil || $0.sourceSystem == source
            }
            guard let refund = seen.first else {
                printError(
                    "error: no reconciliation has seen refund \(refundID)\(source.map { " from \($0)" } ?? ""); check the id in the report"
                )
                throw ExitCode(ExitStatus.needsAttention)
            }
            guard seen.count == 1 else {
                let sources = seen.map(\.sourceSystem).joined(separator: ", ")
                printError(
                    "error: refund \(refundID) was seen from several sources (\(sources)); name one with --source")
                throw ExitCode(ExitStatus.usage)
            }
            var decision = Resolution.Decision.ignore
            if !creditNotes.isEmpty {
                let (made, why) = ResolutionCheck.decision(creditNotes, refund: seen)
                guard let made else {
                    printError("error: \(why ?? "the credit notes make no decision"); nothing recorded")
                    throw ExitCode(ExitStatus.usage)
                }
                decision = made
            }
            // The decision is checked now, against what the ledger holds, not left for the next run to drop.
            if let refusal = try ResolutionCheck.refusal(decision, refund: seen, in: ledger) {
                printError("error: \(refusal); nothing recorded")
                throw ExitCode(ExitStatus.needsAttention)
            }
            for warning in try ResolutionCheck.warnings(decision, refund: seen, in: ledger) {
                printError("note: \(warning)")
            }
            let who = by ?? ProcessInfo.processInfo.environment["USER"] ?? Self.accountName() ?? "unknown"
            let resolution = try ledger.recordResolution(
                refundID: refundID, sourceSystem: refund.sourceSystem, decision: decision, note: note, by: who)
            print("recorded: \(resolution); the next reconcile applies it")
        } catch let error as LedgerError {
            throw LedgerLocation.report(error)
        }
    }
}
