import CSVStreaming
import DurableOutput
import Foundation
import KCCModel
import KCCPaymentImport
import Ledger
import Logging
import PackageInterface
import Refunds
import Synchronization

/// What a reconciliation run needs of the ledger beyond looking things up:
/// the run protocol (``RunJournal``) around its durable writes, and recording
/// the decisions in one transaction that commits once the outputs are on disk.
package protocol ReconciliationStore: ReconciliationLedger, RunJournal {
    /// Records every applied refund against its credit note, and the outcome of every refund, in one transaction
    /// that commits once `outputs` says they are in place, and gives up when it says they were withdrawn
    /// (``RunCompleting``). `decisions` may still be being made (``RefundDecisions/Writer/following()``): a
    /// pass over them waits for each, and fails when they are given up.
    func complete(_ run: RunID, decisions: RefundDecisions, outputs: RunOutputs) throws
    /// Runs `body`, whose questions to the store may share one read (a snapshot); nothing is written inside.
    func readingTogether<T>(_ body: () throws -> T) throws -> T
}

extension ReconciliationStore {
    package func readingTogether<T>(_ body: () throws -> T) throws -> T { try body() }
}

/// Choices for one reconciliation.
package struct ReconcileOptions: Sendable {
    package var outputFolder: String
    /// Decide and report, write nothing and record nothing.
    package var preCheck = false
    /// The readers of the packages' refund files.
    package var refundFile: RefundFile
    /// The refund file format or CSV profile (`--from`); `nil` sniffs it.
    package var format: String?
    /// The source a CSV's refunds are known by (`--source`); `nil`: the profile's.
    package var source: String?
    package var settings = RefundSettings()
    /// For the KCC payment import's text cells.
    package var textPolicy: TextCellPolicy = .escape
    /// Accounting packages that must also record the applied refunds (when
    /// refunds were made in a sales channel): `xero-xml`, `qbd-iif` …
    package var refundDestinations: [RefundDestination] = []
    /// How the report says the resolution steps (the ledger the commands name).
    package var commands = ResolveCommands()
    /// The report's CSV files start with a byte-order mark (for Excel); `--no-bom` turns it off.
    package var byteOrderMark = true
    /// The creation time written into the outputs (ISO 8601); now by default.
    package var createdAt: String?
    /// The zone the report shows its time in: the machine's own by default.
    package var timeZone: TimeZone = .current
    /// The ledger the report names (its path as the user gave it, or the default's).
    package var ledgerName: String?
    /// "Sync the original order if missing" (`refunds.sync_missing_orders`):
    /// given the order numbers of refunds whose order was never exported, exports
    /// those orders' documents from a supplied batch and says what it did.
    package var syncMissingOrders: (@Sendable (Set<String>) -> [String])?
    /// Told how many refunds are decided; asked whether to stop (then nothing is written or recorded).
    package var progress: WorkProgress?

    package init(outputFolder: String, refundFile: RefundFile) {
        self.outputFolder = outputFolder
        self.refundFile = refundFile
    }
}

/// An accounting package sent the refunds a reconciliation applied, and the writer of its file.
package struct RefundDestination: Sendable {
    package var package: any AccountingPackage
    package var writer: any RefundWriter

    package init(package: any AccountingPackage, writer: any RefundWriter) {
        self.package = package
        self.writer = writer
    }

    /// The destination for `reconcile --to target`, or `nil` if no package records refunds under that name.
    package init?(
        _ target: String, packages: PackageSet, configuration: BridgeConfiguration,
        inputs: RefundWriterInputs = RefundWriterInputs()
    ) {
        guard let package = packages.package(recordingRefundsFor: target),
            let writer = package.refundWriter(target.lowercased(), configuration: configuration, inputs: inputs)
        else { return nil }
        self.init(package: package, writer: writer)
    }
}

/// A reason a whole refund file is not reconciled, in words for the user.
struct ReconcileRefusal: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// What reconciling one refund file did.
package struct ReconcileReport: Sendable {
    package var input: String
    /// Every refund's decision, in file order (kept in a temporary file, not in memory).
    package var decisions = RefundDecisions.none
    package var summary = ReconciliationSummary()
    package var outputs: [String] = []
    /// Why nothing was written or recorded for this file (or, with `outcomeUnknown`, why that is not known).
    package var failure: Finding?
    /// The ledger's server was lost while it recorded the run: whether it did is not known until the next run
    /// settles it, so the files are left in place (with `failure` saying so).
    package var outcomeUnknown = false
    /// The ledger's own failure, when that is what stopped the run (the file itself may be fine).
    package var ledgerFailure: LedgerError?
    /// A person asked to stop (Ctrl-C) before anything was written or recorded.
    package var interrupted = false
    /// Things worth saying that change no outcome (refunds not sent on to a package, and why).
    package var notes: [String] = []

    /// Something needs a person: exit status 1.
    package var needsAttention: Bool { failure != nil || summary.needingPerson > 0 }
}

/// Reconciles refund files against the ledger and writes the KCC payment
/// import and the report, durably, before recording anything.
package final class ReconciliationRun {
    private let store: any ReconciliationStore
    private let logger: Logger
    private var reconciler: Reconciler
    private let keysInMemory: Int

    /// `keysInMemory`: how many refunds and credit notes the running balances keep in memory
    /// (``Reconciler/keysInMemory``; tests make it small).
    package init(store: any ReconciliationStore, logger: Logger, keysInMemory: Int = Reconciler.keysInMemory) {
        self.store = store
        self.logger = logger
        self.keysInMemory = keysInMemory
        self.reconciler = Reconciler(ledger: store, keysInMemory: keysInMemory)
    }

    /// Reconciles one file; refunds applied by earlier files of the same run count for later ones.
    package func reconcile(_ path: String, displayName: String? = nil, options: ReconcileOptions) -> ReconcileReport {
        let name = displayName ?? path
        var report = ReconcileReport(input: name)
        let destinations = options.refundDestinations
        reconciler.holdBack = { @Sendable decision, payment -> String? in
            for destination in destinations where !destination.package.isSource(of: decision.refund) {
                if let reason = destination.writer.holdBack(payment) { return reason }
            }
            return nil
        }
        do {
            try reconciler.beginFile()
            let stamp = try InputStamp(path, name)
            try syncMissingOrders(path, name, options, into: &report)
            try run(path, name, options, stamp: stamp, into: &report)
            if options.preCheck {
                // Nothing was recorded: the next file of the pre-check counts this one's refunds from here.
                try reconciler.keepFile()
                return report
            }
            logger.info("reconciled", metadata: ["file": "\(name)", "refunds": "\(report.summary.read)"])
        } catch let refusal as FileRefusal where report.decisions.count == 0 {
            // The file is refused whole, even when the refunds before the place refused were decided already.
            reconciler.dropFile()
            report.summary = ReconciliationSummary()
            report.failure = refusal.finding
        } catch let error as LedgerError where error.code == .commitUnknown {
            // As after a crash: the files stay, and the next run's recovery keeps them if the run was recorded
            // and removes them if not. Later files start from the ledger as it was before this one.
            reconciler.dropFile()
            report.outcomeUnknown = true
            report.failure = Finding(.error, at: SourceLocation(file: name), "\(error)")
        } catch {
            reconciler.dropFile()
            // Stopped or failed while deciding: the counts so far are of nothing (no decision is listed either).
            if report.decisions.count == 0 { report.summary = ReconciliationSummary() }
            report.outputs = []
            report.interrupted = error is WorkInterrupted
            report.ledgerFailure = error as? LedgerError
            report.failure = Finding(
                .error, at: SourceLocation(file: name), "nothing was written or recorded for this file: \(error)")
        }
        return report
    }

    // MARK: Steps

    /// "Sync the original order if missing", when configured: one pass over the file finds the orders of its
    /// refunds the ledger has never seen, and they are exported before any refund is decided.
    private func syncMissingOrders(
        _ path: String, _ name: String, _ options: ReconcileOptions, into report: inout ReconcileReport
    ) throws {
        guard let sync = options.syncMissingOrders, !options.preCheck else { return }
        var missing: Set<String> = []
        _ = try options.refundFile.each(
            path, displayName: name, format: options.format, settings: options.settings, source: options.source
        ) { refund in
            do {
                if let order = try missingOrder(refund) { missing.insert(order) }
            } catch {
                var refusal = FileRefusal(at: SourceLocation(file: name), because: error)
                refusal.message = "the ledger could not be asked about missing orders: \(error)"
                throw refusal
            }
        }
        report.notes += sync(missing)
    }

    /// Read and decide: an outcome for every refund, in file order, as the file is read. The ledger is asked
    /// about a few hundred refunds at once, and their decisions are then kept in a temporary file.
    private func decide(
        _ path: String, _ name: String, _ options: ReconcileOptions, keeping kept: RefundDecisions.Writer,
        into report: inout ReconcileReport
    ) throws -> RefundDecisions {
        var waiting: [Refund] = []
        var decided: [RefundDecision] = []
        var done = 0
        /// How far into the file the refunds waiting were read (a CSV's bytes), when the reader says.
        var read: (bytes: Int, of: Int)?
        func settle() throws {
            try reconciler.prepare(for: waiting[...])
            for refund in waiting {
                if done & 255 == 0, let progress = options.progress {
                    if progress.stopRequested { throw WorkInterrupted() }
                    progress.advance(.deciding, done: read?.bytes ?? 0, of: read?.of, items: done)
                }
                done += 1
                guard let decision = try reconciler.decide(refund) else {
                    report.summary.passOver("deleted or voided in the source, never applied")
                    continue
                }
                decided.append(decision)
                report.summary.add(decision)
            }
            waiting.removeAll(keepingCapacity: true)
            try keep(&decided, in: kept)
        }
        let notRefunds = try options.refundFile.each(
            path, displayName: name, format: options.format, settings: options.settings, source: options.source,
            position: { bytes, size in read = (bytes, size) },
            { refund in
                waiting.append(refund)
                if waiting.count == Self.preparedTogether { try settle() }
            })
        try settle()
        for (kind, count) in notRefunds { report.summary.passOver(kind, count: count) }
        // Every refund decided; the last of the decisions not yet handed to the ledger's transaction.
        Failpoint.hit("reconcile:deciding")
        return try kept.finish()
    }

    /// Adds `decided` to the decisions kept, each with the refunds earlier runs applied to its credit note (for the
    /// report), and empties it.
    private func keep(_ decided: inout [RefundDecision], in kept: RefundDecisions.Writer) throws {
        guard !decided.isEmpty else { return }
        let earlier = try store.appliedRefunds(creditNotes: Set(decided.compactMap(\.creditNote)))
        for var decision in decided {
            if let number = decision.creditNote, let applied = earlier[number] {
                // A credit note refunded a thousand times is not named a thousand times beside each refund of it.
                decision.earlier = Array(applied.prefix(RefundDecision.earlierShown))
                decision.earlierCount = applied.count
            }
            try kept.append(decision)
        }
        decided.removeAll(keepingCapacity: true)
    }

    /// Writes each output into its file, on two threads: the files share nothing but the decisions they read.
    /// Each thread takes the next file not taken, the last planned first (the HTML report, the largest, is
    /// planned late). The second begins once `secondWaitsFor` is signalled (the ledger's transaction, working
    /// beside them on the other core, has done its work), or once the first has no file left. When one fails,
    /// the first planned of those that failed is thrown, after every other has finished.
    /// A stop asked for (Ctrl-C) ends the writing at the next piece of any file.
    private static func writeConcurrently(
        _ files: [(output: Output, file: DurableFile)], progress: WorkProgress?, secondWaitsFor: DispatchSemaphore
    ) throws {
        let failures = Mutex<[(index: Int, error: any Error)]>([])
        let untaken = Mutex(files.count)
        let shared = Handed(files)
        DispatchQueue.concurrentPerform(iterations: min(2, files.count)) { thread in
            if thread == 1 { secondWaitsFor.wait() }
            while let index = untaken.withLock({ count -> Int? in
                guard count > 0 else { return nil }
                count -= 1
                return count
            }) {
                let (output, file) = shared.value[index]
                do {
                    try output.write { piece in
                        if progress?.stopRequested == true { throw WorkInterrupted() }
                        try file.write(piece)
                    }
                } catch {
                    failures.withLock { $0.append((index, error)) }
                }
            }
            // Nothing left: the second thread, if still waiting, need wait no more.
            if thread == 0 { secondWaitsFor.signal() }
        }
        if let first = failures.withLock({ $0.min { $0.index < $1.index } }) { throw first.error }
    }

    /// The outputs as the writing threads see them: each takes only its own entry, by index, and what the
    /// entries read (the decisions, the payments) is not changed while they write.
    private struct Handed<Value>: @unchecked Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }

    /// Refunds whose look-ups the ledger answers together (a few queries for all of them).
    static let preparedTogether = 500

    /// One output file of a reconciliation: its path and its bytes.
    private struct Output {
        var path: String
        /// Writes the file's bytes, in one piece or several, to the function it is given.
        var write: (_ out: ([UInt8]) throws -> Void) throws -> Void

        init(path: String, bytes: @escaping () throws -> [UInt8]) {
            self.path = path
            self.write = { out in try out(bytes()) }
        }

        init(path: String, pieces: @escaping (_ out: ([UInt8]) throws -> Void) throws -> Void) {
            self.path = path
            self.write = pieces
        }
    }

    /// The stem of this refund file's outputs' names in the output folder: the file's own, or the first after
    /// it whose outputs are all free, with a note saying so.
    private func stem(for path: String, _ options: ReconcileOptions) -> (stem: String, note: String?) {
        let folder = options.outputFolder
        let suffixes = Self.outputSuffixes + options.refundDestinations.map(\.writer.fileSuffix)
        let stem = Self.freeStem(Self.stem(of: path), in: folder, suffixes: suffixes)
        guard stem != Self.stem(of: path) else { return (stem, nil) }
        return (
            stem,
            "\(folder) already holds outputs named \(Self.stem(of: path)).* (an earlier run); this run's are \(stem).*, nothing was overwritten"
        )
    }

    /// Plan: every file this refund file produces, and what each package is
    /// sent, decided before anything is written (pre-check included): first those of
    /// ``outputSuffixes``, in that order, then the packages' (`--to`).
    private func plan(
        _ path: String, stem: String, _ options: ReconcileOptions, _ report: inout ReconcileReport
    ) throws -> [Output] {
        let folder = options.outputFolder
        let name = report.input
        let created = options.createdAt ?? Self.timestamp()
        let policy: TextCellPolicy = options.textPolicy == .refuse ? .escape : options.textPolicy
        let decisions = report.decisions
        let summary = report.summary
        let commands = options.commands
        let context = HTMLReport.Context(
            input: name, inputLink: Self.relativePath(to: path, from: folder),
            paymentImports: ["\(stem).kcc-payments.csv", "\(stem).kcc-payments.xml"], ledger: options.ledgerName,
            created: created, timeZone: options.timeZone)
        // The report is for people (Excel); the KCC payment import is for KCC, exactly as it reads it.
        let mark = options.byteOrderMark ? CSVWriter.byteOrderMark : []
        var outputs = [
            Output(path: "\(folder)/\(stem).kcc-payments.csv") { out in
                try decisions.read(only: .applied) { pass in
                    try KCCPaymentImport.csv(ReconciliationOutputs.payments(pass), policy: policy, out: out)
                }
            },
            Output(path: "\(folder)/\(stem).kcc-payments.xml") { out in
                try decisions.read(only: .applied) { pass in
                    try KCCPaymentImport.xml(
                        ReconciliationOutputs.payments(pass), source: name, created: created, out: out)
                }
            },
            Output(path: "\(folder)/\(stem).reconciliation-report.csv") { out in
                try out(mark)
                try decisions.read { pass in try ReconciliationOutputs.reportCSV(pass, commands: commands, out: out) }
            },
            Output(path: "\(folder)/\(stem).reconciliation-totals.csv") {
                mark + ReconciliationOutputs.totalsCSV(summary)
            },
            Output(path: "\(folder)/\(stem).reconciliation-report.html") { out in
                var pieces = OutputPieces()
                try HTMLReport.render(decisions, summary: summary, context: context, commands: commands) { piece in
                    pieces.bytes.append(contentsOf: piece)
                    try pieces.handOn(to: out)
                }
                try pieces.finish(to: out)
            },
        ]
        for destination in options.refundDestinations {
            let sendable = try sendable(decisions, to: destination, notes: &report.notes)
            let writer = destination.writer
            // No refund for the package: no file (an empty batch is not a valid request).
            guard !sendable.isEmpty else {
                report.notes.append("no refund applied here is written for \(writer.target)")
                continue
            }
            if let notice = writer.notice { report.notes.append(notice) }
            let size = max(writer.maximumPerFile ?? sendable.count, 1)
            // Past the writer's limit, numbered parts.
            let parts = stride(from: 0, to: sendable.count, by: size).map {
                Array(sendable[$0..<min($0 + size, sendable.count)])
            }
            for (index, part) in parts.enumerated() {
                let suffix = index == 0 ? writer.fileSuffix : Self.part(index + 1, of: writer.fileSuffix)
                outputs.append(Output(path: "\(folder)/\(stem).\(suffix)") { try writer.contents(part) })
            }
        }
        return outputs
    }

    /// `qbo-refunds.xml` → `qbo-refunds.part2.xml`.
    static func part(_ number: Int, of suffix: String) -> String {
        guard let dot = suffix.lastIndex(of: ".") else { return "\(suffix).part\(number)" }
        return "\(suffix[..<dot]).part\(number)\(suffix[dot...])"
    }

    /// The applied refunds a package is sent: not those it reported itself, not
    /// those whose credit note never reached it (each with a note). A refund it
    /// must be sent but cannot take refuses the whole file.
    private func sendable(
        _ decisions: RefundDecisions, to destination: RefundDestination, notes: inout [String]
    ) throws -> [RefundPayment] {
        try decisions.read(only: .applied) { pass in try sendable(pass, to: destination, notes: &notes) }
    }

    private func sendable(
        _ decisions: RefundDecisions.Pass, to destination: RefundDestination, notes: inout [String]
    ) throws -> [RefundPayment] {
        let package = destination.package
        let target = destination.writer.target
        var sendable: [RefundPayment] = []
        // The payments of applied refunds (the others have none), in file order.
        for decision in decisions where decision.outcome.isApplied {
            for payment in decision.payments {
                if package.isSource(of: decision.refund) {
                    notes.append(
                        "refund \(payment.refundID) came from \(package.sourceSystem) and is already there; not written for \(target)"
                    )
                } else if try store.exportTargets(of: payment.creditNote).isDisjoint(with: package.exportTargets) {
                    notes.append(
                        "credit note \(payment.creditNote) was never exported to \(package.displayName); refund \(payment.refundID) not written for \(target)"
                    )
                } else if let refusal = destination.writer.refusal(payment) {
                    // Applying the refund in KCC but not in the package would split the books: refuse the file instead.
                    throw ReconcileRefusal(refusal)
                } else {
                    sendable.append(payment)
                }
            }
        }
        return sendable
    }

    /// Decide, write and record, as one run of the journal (simulated in a pre-check, failing where the real
    /// run would): the outputs are created, the refunds decided (thousands of questions to the ledger, one
    /// snapshot), the outputs written, and the decisions recorded in one ledger transaction that commits only
    /// once every output is durably in place; on any failure, every output is withdrawn.
    ///
    /// The ledger's transaction begins, on a thread of its own, as soon as every output is created, and records
    /// the decisions as they are made (``RefundDecisions/Writer/following()``). The report's and the payment
    /// import's names are known before any refund is decided, so their files are created first and the
    /// transaction works beside the deciding; a package's files (`--to`) are known only once every refund is
    /// decided, so with them it begins then, beside the writing.
    ///
    /// The file must stay as it was when reconciling began (`stamp`) until every refund is decided: a file
    /// written to meanwhile is refused whole, so the run's SHA-256, taken first, is of the refunds it decided.
    private func run(
        _ path: String, _ name: String, _ options: ReconcileOptions, stamp: InputStamp,
        into report: inout ReconcileReport
    ) throws {
        let folder = options.outputFolder
        let (stem, renamed) = stem(for: path, options)
        let fixed = Self.outputSuffixes.map { "\(folder)/\(stem).\($0)" }
        let plan = ExportPlan(
            inputFile: name, inputSHA256: options.preCheck ? "" : stamp.sha256() ?? "",
            target: Self.target, outputPaths: [])
        let kept = try RefundDecisions.Writer()
        let decisions = try kept.following()
        let store = store
        // Signalled once the ledger's transaction has done its work (or failed): a second writer may have its core.
        let ledgerWorked = DispatchSemaphore(value: 0)
        try store.perform(plan, simulate: options.preCheck, failpoints: "reconcile") {
            _, transaction, beginCompleting in
            // However this ends, the ledger's transaction waits for no more decisions.
            defer { kept.abandon() }
            var created: [String: DurableFile] = [:]
            func create(_ paths: some Sequence<String>) throws {
                for path in paths { created[path] = try transaction.create(path) }
            }
            try create(fixed)
            let beganEarly = options.refundDestinations.isEmpty
            if beganEarly { beginCompleting() }
            let outputs = try store.readingTogether {
                let decided = try decide(path, name, options, keeping: kept, into: &report)
                try stamp.require(unchangedAt: path, name)
                report.decisions = decided
                // The next file starts from the ledger (with this file's run recorded, or as it was if it is not):
                // what the running balances hold is let go now, before the outputs are written.
                if !options.preCheck {
                    reconciler = Reconciler(ledger: store, keysInMemory: keysInMemory)
                    #if canImport(Glibc)
                    // Given back to the system, not kept by the allocator for the outputs' writing.
                    _ = trimHeap?(0)
                    #endif
                }
                if let renamed { report.notes.append(renamed) }
                return try self.plan(path, stem: stem, options, &report)
            }
            report.outputs = outputs.map(\.path)
            // Once the ledger's transaction has begun, a file planned now would wait for it for ever.
            let later = outputs.dropFirst(fixed.count).map(\.path)
            precondition(
                outputs.prefix(fixed.count).map(\.path) == fixed && (!beganEarly || later.isEmpty),
                "a reconciliation's outputs are those created before its refunds are decided")
            try create(later)
            beginCompleting()
            let files = outputs.compactMap { output in created[output.path].map { (output, $0) } }
            try Self.writeConcurrently(files, progress: options.progress, secondWaitsFor: ledgerWorked)
            // A stop asked for as the last piece was written: nothing is recorded yet, so nothing need be.
            if options.progress?.stopRequested == true { throw WorkInterrupted() }
        } completing: { run, outputs in
            defer { ledgerWorked.signal() }
            try store.complete(
                run, decisions: decisions,
                outputs: RunOutputs(
                    committed: {
                        ledgerWorked.signal()
                        try outputs.committed()
                    }, checkWithdrawn: outputs.checkWithdrawn))
        }
    }

    /// The run's target in the ledger.
    package static let target = "reconcile"

    /// The order of a valid refund that the ledger has never seen (no credit note it knows, no document of the
    /// order): one "sync the original order" may export.
    private func missingOrder(_ refund: Refund) throws -> String? {
        guard refund.isValid, let order = refund.orderNumber else { return nil }
        if let creditNote = refund.creditNote, try store.creditNote(creditNote) != nil { return nil }
        if try !store.isOrderKnown(order), try store.creditNotes(forOrder: order).isEmpty { return order }
        return nil
    }

    /// The ends of the names of a reconciliation's own outputs.
    static let outputSuffixes = [
        "kcc-payments.csv", "kcc-payments.xml", "reconciliation-report.csv", "reconciliation-totals.csv",
        "reconciliation-report.html",
    ]

    /// `stem` when none of its outputs is in `folder` yet, else `stem.run-2`,
    /// `stem.run-3` …: the first whose outputs are all free. A rerun never
    /// overwrites and is never refused for names.
    static func freeStem(_ stem: String, in folder: String, suffixes: [String]) -> String {
        func free(_ candidate: String) -> Bool {
            suffixes.allSatisfy { access("\(folder)/\(candidate).\($0)", F_OK) != 0 }
        }
        if free(stem) { return stem }
        var run = 2
        while !free("\(stem).run-\(run)") { run += 1 }
        return "\(stem).run-\(run)"
    }

    static func stem(of path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    /// `path` as seen from `folder` (for links in the report): `../refunds.csv`.
    static func relativePath(to path: String, from folder: String) -> String {
        let current = FileManager.default.currentDirectoryPath
        func parts(_ p: String) -> [String] {
            let absolute = p.hasPrefix("/") ? p : current + "/" + p
            var out: [String] = []
            for part in absolute.split(separator: "/") where part != "." {
                if part == ".." { _ = out.popLast() } else { out.append(String(part)) }
            }
            return out
        }
        let to = parts(path)
        let from = parts(folder)
        var shared = 0
        while shared < min(to.count, from.count) && to[shared] == from[shared] { shared += 1 }
        return (Array(repeating: "..", count: from.count - shared) + to[shared...]).joined(separator: "/")
    }

    static func timestamp() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date())
    }
}

#if canImport(Glibc)
/// Gives the heap's free memory back to the system: glibc's `malloc_trim`, looked up when first used (Swift's
/// Glibc module does not declare it).
private let trimHeap: (@convention(c) (Int) -> Int32)? = {
    guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "malloc_trim") else { return nil }
    return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
}()
#endif
