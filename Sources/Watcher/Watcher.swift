import Conversion
import DurableOutput
import Foundation
import KCCBatch
import KCCModel
import Ledger
import Logging
import Mapping
import PackageInterface
import Reconciliation
import Refunds

/// Watches one route: claims each complete file dropped into the inbox, in
/// arrival order, converts it (a KCC batch) or reconciles it (a refund file)
/// into `out/`, and moves it to `archive/` or `failed/`, safely and once.
///
/// How "nothing lost, nothing twice" holds:
/// - A file is claimed by renaming it into `work/` under a name with the UTC
///   time (`20261121T093000Z-export.csv`), and the folders are flushed. From
///   then on `work/` is the journal: whatever is in it is unfinished.
/// - Each conversion of a file is a ledger run carrying the file's SHA-256;
///   its outputs are durable before the run commits (see the ledger).
/// - When every target is done, the file's outcome is recorded in the ledger
///   (`processed_file`) and only then is the file moved out of `work/`.
/// - On start-up: crashed runs are rolled back (their outputs removed), and
///   every file left in `work/` is finished: targets whose run committed are
///   skipped, the others are done now; a file whose outcome was recorded is
///   just moved on.
///
/// A watcher is used by one thread at a time (its route's queue, or the
/// thread draining it); only `fileInHand` is read from others, under a lock.
package final class Watcher: @unchecked Sendable {
    package let route: WatchRoute
    private let ledger: Ledger
    private let logger: Logger
    private let onEvent: (WatchEvent) -> Void
    /// Measures how long a file took.
    private let stopwatch = ContinuousClock()
    /// Judges quiet periods and waits while draining.
    private let clock: any WatchClock
    /// When each inbox file was first seen (a sequence number): the arrival order.
    private var arrivals: [String: UInt64] = [:]
    private var nextArrival: UInt64 = 0
    /// Names the kernel reported as renamed in, not yet claimed.
    private var recentlyRenamed: Set<String> = []
    /// Names that could not be claimed, or that the route does not take, reported once.
    private var unclaimable: Set<String> = []
    /// The file being processed now (for the log when a stop begins); read from other threads.
    private let inHandLock = NSLock()
    private var inHandName: String?
    /// Held while this watcher runs, with a ledger on this machine: one watcher per route.
    /// With a shared ledger, several watchers serve the route, each file under its claim.
    private let lock: RouteLock
    /// `true` when this is the route's only watcher (its ledger is on this machine).
    private let exclusive: Bool

    package init(
        route: WatchRoute, ledger: Ledger, logger: Logger, clock: any WatchClock = SystemWatchClock(),
        onEvent: @escaping (WatchEvent) -> Void
    ) throws {
        self.route = route
        self.clock = clock
        self.ledger = ledger
        self.logger = logger
        self.onEvent = onEvent
        for folder in route.folders {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        if ledger.isShared {
            self.lock = try RouteLock(path: route.state + "/watch.lock", root: route.inbox, shared: true)
            try RouteLock.recordSharedLedger(ledger.path, state: route.state, root: route.inbox)
            self.exclusive = false
        } else {
            if let shared = RouteLock.sharedLedger(state: route.state) {
                throw RouteLock.OtherLedger(root: route.inbox, recorded: shared, given: ledger.path)
            }
            self.lock = try RouteLock(path: route.state + "/watch.lock", root: route.inbox)
            self.exclusive = true
        }
    }

    // MARK: Running

    /// The file being processed now, if any.
    package var fileInHand: String? {
        inHandLock.lock()
        defer { inHandLock.unlock() }
        return inHandName
    }

    private func setInHand(_ name: String?) {
        inHandLock.lock()
        inHandName = name
        inHandLock.unlock()
    }

    /// `--once`: processes every file that is in the inbox now, waiting for
    /// each one still being written until it has been unchanged for the quiet
    /// period, and returns how many failed or were left (a file that never
    /// stops changing is left after `patience`, and counts).
    @discardableResult
    package func drain(patience: Duration? = nil, shouldStop: () -> Bool = { false }) throws -> Int {
        var failures = try recover()
        let patience = patience ?? max(route.quietPeriod * 10, .seconds(30))
        var pending = Set(try Self.names(in: route.inbox).filter(route.takes))
        var waitingSince: [String: Int64] = [:]
        while !pending.isEmpty && !shouldStop() {
            let (ready, waiting) = try eligible(renamedIn: [])
            var progressed = false
            for candidate in ready where pending.contains(candidate.name) {
                if shouldStop() { return failures }
                pending.remove(candidate.name)
                progressed = true
                if try claimAndProcess(candidate) == .failed { failures += 1 }
            }
            // Gone from the inbox (taken by someone else, or moved away): nothing to wait for.
            pending.formIntersection(try Self.names(in: route.inbox))
            guard !progressed, let waiting else { continue }
            let first = waitingSince[waiting] == nil
            let since = waitingSince[waiting] ?? clock.nanosecondsSinceEpoch()
            waitingSince[waiting] = since
            if .nanoseconds(clock.nanosecondsSinceEpoch() - since) > patience {
                onEvent(
                    WatchEvent(
                        file: waiting, outcome: .waiting,
                        detail:
                            "still changing after \(patience); it and the files after it are left for the next run"))
                return failures + pending.count
            }
            if first {
                onEvent(
                    WatchEvent(
                        file: waiting, outcome: .waiting,
                        detail: "changed within the last \(route.quietPeriod); waiting until it is unchanged that long")
                )
            }
            clock.sleep(min(.milliseconds(250), max(.milliseconds(50), route.quietPeriod / 4)))
        }
        return failures
    }

    /// One look at the inbox: claims and processes every file ready now, in
    /// arrival order, until `shouldStop` says so. `renamedIn` are names the
    /// kernel saw renamed in (complete by the sender's word).
    package func processReady(renamedIn: Set<String>, shouldStop: () -> Bool) throws {
        do {
            try recover()
            for candidate in try eligible(renamedIn: renamedIn).ready {
                if shouldStop() { return }
                _ = try claimAndProcess(candidate)
                // A file another watcher left when it died goes before the next new one.
                try recover()
            }
        } catch let error as CocoaError where error.code == .fileReadNoSuchFile {
            // Someone removed a folder of the route: make it again and carry on.
            for folder in route.folders {
                try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
        }
    }

    // MARK: Recovery

    /// Rolls back crashed runs and finishes every file left in `work/` whose
    /// claim nobody holds (its watcher was interrupted), in claim order. Done
    /// at start-up and before each look at the inbox, so that a watcher takes
    /// over the files of another that died.
    @discardableResult
    package func recover() throws -> Int {
        for recovered in try ledger.recoverPendingRuns() {
            onEvent(WatchEvent(file: recovered.run.inputFile, outcome: .recovered, detail: recovered.description))
        }
        if exclusive {
            // The only watcher of the route: any temporary file in its folders was left by a crash.
            DurableFile.removeLeftovers(in: route.out)
            DurableFile.removeLeftovers(in: route.failed)
        }
        var failures = 0
        for name in try Self.names(in: route.work) where !WatchRoute.isInFlight(name) {
            // Held: a live watcher is working on it.
            guard try ledger.claim(file: claimKey(name)) else { continue }
            defer { ledger.release(file: claimKey(name)) }
            // Finished between the listing and the claim.
            guard access(route.work + "/" + name, F_OK) == 0 else { continue }
            DurableFile.removeLeftovers(of: route.failed + "/" + name + ".error.txt")
            onEvent(
                WatchEvent(
                    file: name, outcome: .recovered,
                    detail: "left in work/ (by an interrupted run, or one that found the ledger busy); finishing it")
            )
            if try process(claimed: name, resuming: true) == .failed { failures += 1 }
        }
        return failures
    }

    /// The name of a claimed file's claim in the ledger: its path in `work/`.
    private func claimKey(_ claimed: String) -> String {
        route.work + "/" + claimed
    }

    // MARK: Claiming

    struct Candidate {
        var name: String
        var modified: Int64
    }

    /// Inbox files that are complete, oldest first (arrival order): renamed in
    /// (complete by the sender's word), or unchanged for the quiet period
    /// (a write in progress keeps moving the modification time).
    ///
    /// Arrival is when the watcher first saw the file (a file renamed in keeps
    /// its old modification time, so that cannot say). A file still being
    /// written holds back the ones that arrived after it: a refund file never
    /// overtakes the export it refers to.
    func eligible(renamedIn: Set<String>) throws -> (ready: [Candidate], waiting: String?) {
        var present: [(name: String, modified: Int64)] = []
        for name in try Self.names(in: route.inbox) where !WatchRoute.isInFlight(name) {
            guard route.takes(name) else {
                if unclaimable.insert(name).inserted {
                    onEvent(
                        WatchEvent(
                            file: name, outcome: .ignored,
                            detail:
                                "does not match the route's patterns (\(route.patterns.joined(separator: ", "))); it stays in the inbox"
                        ))
                }
                continue
            }
            var info = stat()
            guard stat(route.inbox + "/" + name, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            present.append((name, Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)))
        }
        let names = Set(present.map(\.name))
        arrivals = arrivals.filter { names.contains($0.key) }
        var arrived: [(arrival: UInt64, file: (name: String, modified: Int64))] = []
        for file in present.sorted(by: { $0.modified != $1.modified ? $0.modified < $1.modified : $0.name < $1.name }) {
            if let arrival = arrivals[file.name] {
                arrived.append((arrival, file))
            } else {
                nextArrival += 1
                arrivals[file.name] = nextArrival
                arrived.append((nextArrival, file))
            }
        }
        recentlyRenamed.formUnion(renamedIn)
        var ready: [Candidate] = []
        for (_, file) in arrived.sorted(by: { $0.arrival < $1.arrival }) {
            guard
                recentlyRenamed.contains(file.name)
                    || .nanoseconds(clock.nanosecondsSinceEpoch() - file.modified) >= route.quietPeriod
            else {
                return (ready, file.name)
            }
            ready.append(Candidate(name: file.name, modified: file.modified))
        }
        return (ready, nil)
    }

    /// Takes the claim, renames the file into `work/` and processes it.
    func claimAndProcess(_ candidate: Candidate) throws -> WatchEvent.Outcome {
        let claimed = Self.claimedName(candidate.name)
        recentlyRenamed.remove(candidate.name)
        // The claim is held before the file is in work/, so no other watcher ever takes it for an orphan.
        guard try ledger.claim(file: claimKey(claimed)) else { return .done }
        defer { ledger.release(file: claimKey(claimed)) }
        guard rename(route.inbox + "/" + candidate.name, route.work + "/" + claimed) == 0 else {
            let code = errno
            // ENOENT: someone else took it (the sender moved it away): not ours.
            if code != ENOENT, unclaimable.insert(candidate.name).inserted {
                onEvent(
                    WatchEvent(
                        file: candidate.name, outcome: .failed,
                        detail: "cannot be taken from the inbox (rename failed: error \(code)); it stays there"))
            }
            return .done
        }
        try DurableFile.syncFolder(of: route.work + "/" + claimed)
        try DurableFile.syncFolder(of: route.inbox + "/" + candidate.name)
        Failpoint.hit("watch:after-claim")
        onEvent(WatchEvent(file: candidate.name, outcome: .pickedUp, detail: "taken from the inbox as work/\(claimed)"))
        return try process(claimed: claimed, resuming: false)
    }

    // MARK: Processing

    /// Processes `work/<claimed>` to the end: outputs, ledger, then the move out of `work/`.
    ///
    /// A run stopped because another kccbridge kept the ledger busy is no fault of the file: this throws, so the
    /// file stays in `work/` and is taken again when the ledger is free (``recover()``), not put in `failed/`.
    func process(claimed: String, resuming: Bool) throws -> WatchEvent.Outcome {
        setInHand(Self.originalName(claimed))
        defer { setInHand(nil) }
        do {
            return try processing(claimed: claimed, resuming: resuming)
        } catch let error as LedgerError where error.code == .busy {
            throw LedgerError(
                .busy,
                "\(error); \(Self.originalName(claimed)) stays in work/ and is taken again when the ledger is free")
        }
    }

    private func processing(claimed: String, resuming: Bool) throws -> WatchEvent.Outcome {
        let start = stopwatch.now
        let path = route.work + "/" + claimed
        let original = Self.originalName(claimed)
        guard let sha = SHA256.hexDigest(ofFile: path) else {
            return try finish(
                claimed, outcome: .failed, detail: "the file cannot be read", errorText: "The file could not be read.",
                sha: nil, start: start)
        }
        let earlier = try ledger.processedFiles(sha256: sha)
        if resuming, let record = earlier.last(where: { $0.name == claimed }) {
            // The outcome was recorded just before a crash; only the move is left.
            let outcome: WatchEvent.Outcome =
                record.outcome == .failed ? .failed : (record.outcome == .duplicate ? .duplicate : .done)
            return try move(
                claimed, outcome: outcome, detail: "already \(record.outcome) before the interruption", start: start)
        }
        let runs = try ledger.committedRuns(inputSHA256: sha)
        let committed = Set(runs.map(\.target))
        // Runs of this content begun before this claim (a file dropped again), and those of this claim (done
        // before an interruption, or before the ledger was found busy). A name without its claim's time counts
        // every run as this claim's.
        let claimedAt = Self.claimTime(claimed)
        let before = Set(runs.filter { run in claimedAt.map { run.startedAt < $0 } ?? false }.map(\.target))
        let ofThisClaim = Set(runs.filter { run in claimedAt.map { run.startedAt >= $0 } ?? true }.map(\.target))
        let kind = FileKind.of(path, refunds: RefundFile(readers: route.packages.refundReaders))
        // A batch already converted to every target of this route, before this claim, is a duplicate. A refund
        // file never is: reconciling it again is harmless (applied refunds come out duplicate) and lets refunds
        // that waited for their export, or for a person's decision, go through.
        if kind == .batch, !route.targets.isEmpty, route.targets.allSatisfy(before.contains) {
            let first = earlier.first { $0.outcome == .converted }
            return try finish(
                claimed, outcome: .duplicate,
                detail:
                    "the same content was converted before\(first.map { " (as \($0.name))" } ?? "") to every target of this route; not converted again",
                errorText: nil, sha: sha, start: start)
        }
        let detail: String
        let outcome: WatchEvent.Outcome
        switch kind {
        case .batch:
            (outcome, detail) = try convert(path, name: original, committed: committed)
        case .refunds:
            (outcome, detail) = try reconcile(
                path, name: original, done: ofThisClaim.contains(LedgerReconciliationStore.target))
        case .unknown(let why):
            (outcome, detail) = (.failed, why)
        }
        // A run that failed because the ledger went away is no fault of the file: it stays in
        // work/ (this throws), and is finished when the ledger answers again.
        if outcome == .failed {
            try ledger.probe()
            // A run of it left pending by this process (its commit's outcome unknown) is for recovery to settle first.
            if try ledger.runs(status: .pending).contains(where: {
                $0.inputSHA256 == sha && $0.ownerProcess == getpid()
            }) {
                throw LedgerError(
                    .commitUnknown,
                    "whether \(original) was recorded is not known yet; it stays in work/ until the ledger says")
            }
        }
        return try finish(
            claimed, outcome: outcome, detail: detail, errorText: outcome == .failed ? detail : nil, sha: sha,
            start: start)
    }

    private func convert(_ path: String, name: String, committed: Set<String>) throws -> (WatchEvent.Outcome, String) {
        var parts: [String] = []
        for target in route.targets {
            if committed.contains(target) {
                parts.append("\(target): converted from this content before; skipped")
                continue
            }
            let format: any ExportFormat
            do {
                guard let made = try route.packages.exportFormat(target, configuration: route.configuration) else {
                    return (.failed, "unknown target \(target)")
                }
                format = made
            } catch {
                return (.failed, "\(target): \(error.description)")
            }
            var options = ConversionOptions(outputFolder: route.out)
            options.reading = route.reading
            let converter = Converter(
                format: format, configuration: route.configuration, journal: LedgerJournal(ledger: ledger),
                logger: logger)
            var findings: [Finding] = []
            let report = converter.convert(path, displayName: name, options: options) { event in
                if case .finding(let finding) = event, finding.severity == .error { findings.append(finding) }
            }
            if let failure = report.ledgerFailure, failure.code == .busy {
                throw LedgerError(.busy, "\(target): \(failure)")
            }
            if report.reading.refused || report.failure != nil {
                // Nothing of this target was written or recorded; the file goes to failed/ and can be dropped again
                // (targets already done are then skipped).
                // Each reason once (a refusal is both a finding and the run's failure), in the order first given.
                var given: Set<String> = []
                let reasons = (findings.map(\.message) + [report.failure ?? ""]).filter {
                    !$0.isEmpty && given.insert($0).inserted
                }
                return (.failed, "\(target): " + reasons.joined(separator: "; "))
            }
            var part = "\(target): \(report.written) written"
            if !report.allHeldBack.isEmpty {
                part += ", \(report.allHeldBack.count) held back (see \(report.problemsFile ?? "the problems file"))"
            }
            if report.notCarried > 0 { part += ", \(report.notCarried) not carried" }
            parts.append(part)
        }
        return (.done, parts.joined(separator: "; "))
    }

    private func reconcile(_ path: String, name: String, done: Bool) throws -> (WatchEvent.Outcome, String) {
        if done { return (.done, "reconciled before the interruption") }
        var options = ReconcileOptions(
            outputFolder: route.out, refundFile: RefundFile(readers: route.packages.refundReaders))
        let prepared = route.packages.refundSettings(route.configuration)
        options.settings = prepared.settings
        options.textPolicy = route.configuration.textCells
        options.commands = ResolveCommands(ledger: ledger.path)
        options.refundDestinations = route.refundTargets.compactMap {
            RefundDestination($0, packages: route.packages, configuration: route.configuration)
        }
        let run = ReconciliationRun(store: LedgerReconciliationStore(ledger: ledger), logger: logger)
        let report = run.reconcile(path, displayName: name, options: options)
        if let failure = report.ledgerFailure, failure.code == .busy { throw failure }
        if let failure = report.failure { return (.failed, failure.message) }
        let unusable = prepared.unusable.map { "note: not used: \($0.description)" }
        return (.done, ([report.summary.line] + report.notes.map { "note: \($0)" } + unusable).joined(separator: "; "))
    }

    /// Records the outcome, writes `.error.txt` for a failure, then moves the file out of `work/`.
    private func finish(
        _ claimed: String, outcome: WatchEvent.Outcome, detail: String, errorText: String?, sha: String?,
        start: ContinuousClock.Instant
    ) throws -> WatchEvent.Outcome {
        // A claim lost with the ledger's connection may already be another watcher's: leave the file to it.
        guard ledger.holds(file: claimKey(claimed)) else {
            throw LedgerError(
                .unreachable,
                "the claim on \(claimed) was lost with the connection to the ledger; another watcher finishes it")
        }
        if let errorText {
            let errorPath = route.failed + "/" + claimed + ".error.txt"
            if access(errorPath, F_OK) != 0 {
                let file = try DurableFile(path: errorPath)
                try file.write(
                    "\(Self.originalName(claimed)) could not be processed.\n\n\(errorText)\n\nFix the file and drop it into the inbox again.\n"
                )
                try file.commit()
            }
        }
        if let sha {
            let recorded: ProcessedFile.Outcome =
                switch outcome {
                case .failed: .failed
                case .duplicate: .duplicate
                default:
                    FileKind.of(route.work + "/" + claimed, refunds: RefundFile(readers: route.packages.refundReaders))
                        == .refunds ? .reconciled : .converted
                }
            try ledger.recordProcessedFile(sha256: sha, name: claimed, outcome: recorded)
        }
        Failpoint.hit("watch:before-move")
        return try move(claimed, outcome: outcome, detail: detail, start: start)
    }

    private func move(
        _ claimed: String, outcome: WatchEvent.Outcome, detail: String, start: ContinuousClock.Instant
    ) throws -> WatchEvent.Outcome {
        let destination = (outcome == .failed ? route.failed : route.archive) + "/" + claimed
        guard rename(route.work + "/" + claimed, destination) == 0 else {
            throw OutputError(.system(call: "rename", errno: errno), path: destination)
        }
        try DurableFile.syncFolder(of: destination)
        try DurableFile.syncFolder(of: route.work + "/" + claimed)
        let elapsed = stopwatch.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let event = WatchEvent(file: Self.originalName(claimed), outcome: outcome, detail: detail, seconds: seconds)
        logger.info("\(event)", metadata: ["file": "\(claimed)", "outcome": "\(outcome.rawValue)"])
        onEvent(event)
        return outcome
    }

    // MARK: Names

    /// `20261121T093000.123Z`: sortable, unique enough per route, safe in file names.
    static func stamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var time = tm()
        var seconds = now.tv_sec
        gmtime_r(&seconds, &time)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let millis = Int(now.tv_nsec / 1_000_000)
        let ms = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return
            "\(time.tm_year + 1900)\(two(time.tm_mon + 1))\(two(time.tm_mday))T\(two(time.tm_hour))\(two(time.tm_min))\(two(time.tm_sec)).\(ms)Z"
    }

    /// The name in `work/`: the time, then the dropped name, shortened (keeping
    /// its extension) so that every name made from it (`NAME.error.txt`, the
    /// outputs' `STEM.xero-credit-notes.part2.csv` …) fits a file name.
    static func claimedName(_ name: String) -> String {
        let prefix = stamp() + "-"
        let limit = 200
        guard prefix.utf8.count + name.utf8.count > limit else { return prefix + name }
        let dot = name.lastIndex(of: ".")
        let ext = dot.map { String(name[$0...]) }.flatMap { $0.utf8.count <= 16 ? $0 : nil } ?? ""
        var stem = String(name.dropLast(ext.count))
        while prefix.utf8.count + stem.utf8.count + ext.utf8.count > limit { stem.removeLast() }
        return prefix + stem + ext
    }

    /// When `claimed` was claimed, to the millisecond, as its name says (`20261121T093000.123Z-export.csv`).
    static func claimTime(_ claimed: String) -> Timestamp? {
        guard let dash = claimed.firstIndex(of: "-") else { return nil }
        let stamp = Array(claimed[..<dash].utf8)
        guard stamp.count == 20, stamp[8] == UInt8(ascii: "T"), stamp[15] == UInt8(ascii: ".") else { return nil }
        func text(_ range: Range<Int>) -> String { String(decoding: stamp[range], as: UTF8.self) }
        return Timestamp(
            iso8601:
                "\(text(0..<4))-\(text(4..<6))-\(text(6..<8))T\(text(9..<11)):\(text(11..<13)):\(text(13..<15))\(text(15..<20))"
        )
    }

    /// `export.csv` for `20261121T093000.123Z-export.csv`.
    static func originalName(_ claimed: String) -> String {
        guard let dash = claimed.firstIndex(of: "-"), claimed[..<dash].hasSuffix("Z") else { return claimed }
        return String(claimed[claimed.index(after: dash)...])
    }

    static func names(in folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }
}
