import ArgumentParser
import Conversion
import Foundation
import KCCBatch
import Ledger
import Logging
import PackageInterface
import PackageRegistry
import Reconciliation
import Synchronization
import SystemErrors
import Watcher

#if canImport(Glibc)
import Glibc
#endif

/// `kccbridge watch ROOT --to TARGET`, or `kccbridge watch --config FILE` for every route it lists.
struct Watch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Watch folders: convert KCC batches and reconcile refund files dropped into an inbox, results in out/.",
        discussion: """
            One route: kccbridge watch ROOT --to TARGET. Every route of the configuration: kccbridge watch --config FILE (routes: in it; see the README). \
            Layout of a route: ROOT/inbox (drop files here; rename them in when complete, or they are taken once unchanged for the quiet period), \
            ROOT/work, ROOT/out, ROOT/archive (processed originals, time-stamped), ROOT/failed (with NAME.error.txt), ROOT/.state (the ledger). \
            Files named *.tmp, *.part, ~* or .* are never taken. SIGINT/SIGTERM finish the file in hand and exit 0; a second signal exits at once \
            (safe: the next start finishes or rolls back what was in hand). \
            With --once: process everything in the inbox now, waiting for files still being written, and exit: status 0 only if every file succeeded, 1 if any failed.
            """
    )

    @Argument(
        help:
            "One route's root folder (created with its subfolders if missing); without it, the configuration's routes.",
        completion: .directory)
    var root: String?

    @Option(
        name: .customLong("to"),
        help: "Export target for batches (repeatable): \(PackageRegistry.all.exportTargets.joined(separator: ", ")).",
        completion: .list(PackageRegistry.all.exportTargets))
    var targets: [String] = []

    @Option(
        name: .customLong("refunds-to"),
        help:
            "Also write reconciled channel refunds for: \(Self.refundTargets.joined(separator: ", ")) (repeatable).",
        completion: .list(Self.refundTargets))
    var refundTargets: [String] = []

    /// The refund targets a watched folder can write (not those that need credit-memo ids given by hand).
    static let refundTargets = PackageRegistry.all.refundTargets.filter { target in
        PackageRegistry.all.package(recordingRefundsFor: target)?.creditNoteIDsNeeded(for: target) == nil
    }

    @Flag(help: "Process what is in the inbox now, waiting for files still being written, then exit (for cron).")
    var once = false

    @Flag(help: "Check the routes (targets, folders, ledgers) and exit: 0 when all can be served, 2 otherwise.")
    var check = false

    @Option(
        name: .customLong("quiet-seconds"),
        help:
            "How long a file written in place must stay unchanged before it is taken (one route; routes: quiet_seconds)."
    )
    var quietSeconds: Double = 2

    @Option(
        name: .customLong("pattern"),
        help:
            "Take only files whose names match this shell pattern, e.g. '*.csv' (repeatable; one route; routes: patterns)."
    )
    var patterns: [String] = []

    @Option(
        name: .customLong("log-format"),
        help: "text (default): one line per event; json: one JSON object per line, for log shippers.",
        completion: .list(WatchLogFormat.allCases.map(\.rawValue)))
    var logFormat: String = WatchLogFormat.text.rawValue

    @Option(
        help: "The configuration file (default: kccbridge.yaml in the current folder, else built-in defaults).",
        completion: .file(extensions: ["yaml", "yml"]))
    var config: String?

    @Option(
        name: .customLong("ledger"),
        help:
            "One route's ledger: a file, or postgres://user@host:port/database (default: ROOT/.state/ledger.sqlite; routes: ledger).",
        completion: .file(extensions: ["sqlite"]))
    var ledgerPath: String?

    @OptionGroup var reading: BatchReadingOptions

    func validate() throws {
        if WatchLogFormat(rawValue: logFormat) == nil {
            throw ValidationError("--log-format must be text or json, not '\(logFormat)'")
        }
        if let ledgerPath { try LedgerLocation.check(ledgerPath) }
        guard let root else {
            if !targets.isEmpty || !refundTargets.isEmpty || !patterns.isEmpty || ledgerPath != nil {
                throw ValidationError(
                    "--to, --refunds-to, --pattern and --ledger describe one route: give its folder (kccbridge watch ROOT --to TARGET), or describe the routes under routes: in the configuration"
                )
            }
            return
        }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: root, isDirectory: &isFolder), !isFolder.boolValue {
            throw ValidationError(
                "\(root) is a file: give the route's folder (files are dropped into its inbox/), which is made if missing"
            )
        }
        if targets.isEmpty { throw ValidationError("name at least one --to target for batches") }
        if !(0...3600).contains(quietSeconds) { throw ValidationError("--quiet-seconds must be from 0 to 3600") }
    }

    func run() async throws {
        let configuration = try CommandSupport.configuration(config)
        let routes = try self.routes(configuration)
        let problems = Self.problems(routes)
        if !problems.isEmpty {
            for problem in problems { printError("error: \(problem)") }
            throw ExitCode(ExitStatus.usage)
        }
        if check {
            // Each ledger once: one that refuses (a wrong password, no such database) is a problem;
            // one that is away now is only noted, since the watcher waits for it.
            var ledgerProblems: [String] = []
            for location in Set(routes.map(\.ledgerPath)).sorted() {
                do {
                    try Ledger(path: location, logger: LedgerLocation.logger).probe()
                } catch  where error.code == .unreachable {
                    printError("note: \(error); the watcher will wait for it")
                } catch {
                    ledgerProblems.append("\(error)")
                }
            }
            if !ledgerProblems.isEmpty {
                for problem in ledgerProblems { printError("error: \(problem)") }
                throw ExitCode(ExitStatus.usage)
            }
            for route in routes { printLine(Self.describe(route)) }
            printLine(routes.count == 1 ? "1 route can be served" : "\(routes.count) routes can be served")
            return
        }
        let format = WatchLogFormat(rawValue: logFormat) ?? .text
        let watchers = try Self.watchers(routes, format: format, waitWhileBusy: !once)
        Self.ignoreBrokenPipes()
        if once {
            let failures = Self.drain(watchers)
            if failures > 0 { throw ExitCode(ExitStatus.needsAttention) }
            return
        }
        Self.exitOnSecondSignal()
        var logger = Logger(label: "kccbridge.watch")
        logger.logLevel = .warning
        let services = watchers.map { watcher in
            let name = watcher.route.name
            return RouteService(watcher: watcher) { event in Self.log(event, route: name, format) }
        }
        try await RouteServer.serve(services, logger: logger)
    }

    /// The route the command line describes, or the configuration's routes.
    private func routes(_ configuration: BridgeConfiguration) throws -> [WatchRoute] {
        if let root {
            var route = WatchRoute(root: root, targets: targets, packages: PackageRegistry.all)
            route.refundTargets = refundTargets.map { $0.lowercased() }
            route.quietPeriod = .milliseconds(Int64(quietSeconds * 1000))
            route.patterns = patterns
            route.configuration = configuration
            route.reading = try reading.readOptions()
            if let ledgerPath { route.ledgerPath = ledgerPath }
            return [route]
        }
        guard !configuration.routes.isEmpty else {
            printError(
                "error: no routes to watch: give a folder and a target (kccbridge watch ROOT --to xero-csv), or list the routes under routes: in \(config ?? "kccbridge.yaml") (see the README)"
            )
            throw ExitCode(ExitStatus.usage)
        }
        let limit = try reading.readOptions().maxFileBytes
        return configuration.routes.map { settings in
            var route = WatchRoute(settings, configuration: configuration, packages: PackageRegistry.all)
            route.reading.maxFileBytes = limit
            return route
        }
    }

    /// What would stop a route from being served: unknown targets, a target a folder cannot feed, two routes on one inbox.
    static func problems(_ routes: [WatchRoute]) -> [String] {
        let packages = PackageRegistry.all
        var problems: [String] = []
        var inboxes: [String: String] = [:]
        for route in routes {
            let name = "route \(route.name)"
            for target in route.targets where packages.package(exporting: target) == nil {
                problems.append(
                    "\(name): '\(target)' is not a target (convert_to / --to: \(packages.exportTargets.joined(separator: ", ")))"
                )
            }
            for target in route.refundTargets {
                guard let package = packages.package(recordingRefundsFor: target) else {
                    problems.append(
                        "\(name): '\(target)' is not a refund target (refunds_to / --refunds-to: \(packages.refundTargets.joined(separator: ", ")))"
                    )
                    continue
                }
                if let what = package.creditNoteIDsNeeded(for: target) {
                    problems.append(
                        "\(name): refunds to \(target) need --credit-memos (\(what)), which a watched folder does not have; choose another target, or reconcile by hand"
                    )
                }
            }
            do {
                try LedgerLocation.check(route.ledgerPath)
            } catch {
                problems.append("\(name): \(error.message)")
            }
            let inbox = URL(fileURLWithPath: route.inbox).standardizedFileURL.path
            if let other = inboxes[inbox] {
                problems.append(
                    "\(name): its inbox \(route.inbox) is also the inbox of route \(other); one route per inbox")
            }
            inboxes[inbox] = route.name
            for folder in route.folders {
                do {
                    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                } catch {
                    problems.append("\(name): the folder \(folder) cannot be made (\(CommandSupport.reason(error)))")
                }
                if access(folder, W_OK) != 0 && access(folder, F_OK) == 0 {
                    problems.append("\(name): the folder \(folder) cannot be written to (\(Errno.describe(errno)))")
                }
            }
        }
        return problems
    }

    /// `route NAME: inbox … → out …; converts to …; ledger …` (for --check).
    static func describe(_ route: WatchRoute) -> String {
        var text = "route \(route.name): \(route.inbox) → \(route.out)"
        if !route.targets.isEmpty { text += "; batches to \(route.targets.joined(separator: ", "))" }
        text += "; refunds reconciled"
        if !route.refundTargets.isEmpty { text += " (also written for \(route.refundTargets.joined(separator: ", ")))" }
        if !route.patterns.isEmpty { text += "; takes \(route.patterns.joined(separator: " "))" }
        text += "; quiet \(route.quietPeriod); ledger \(Ledger.displayName(route.ledgerPath))"
        return text
    }

    /// A watcher per route, each ledger opened once however many routes share it.
    /// A PostgreSQL ledger whose server is away opens all the same: its route
    /// waits for it (logged as `waiting`) and takes nothing from its inbox until
    /// it answers, while the other routes go on. A ledger another kccbridge keeps
    /// busy past the busy timeout is waited for too when `waitWhileBusy` (the
    /// long-running watcher: logged as `waiting`, tried again every five seconds).
    private static func watchers(
        _ routes: [WatchRoute], format: WatchLogFormat, waitWhileBusy: Bool
    ) throws -> [Watcher] {
        var ledgers: [String: Ledger] = [:]
        var watchers: [Watcher] = []
        for route in routes {
            let ledger: Ledger
            if let open = ledgers[route.ledgerPath] {
                ledger = open
            } else {
                do {
                    ledger = try openLedger(route, waitWhileBusy: waitWhileBusy, format: format)
                } catch {
                    printError("error: route \(route.name): \(error)")
                    throw ExitCode(ExitStatus.nothingWritten)
                }
                ledgers[route.ledgerPath] = ledger
            }
            var logger = Logger(label: "kccbridge.watch")
            logger[metadataKey: "route"] = "\(route.name)"
            do {
                watchers.append(
                    try Watcher(route: route, ledger: ledger, logger: logger) { event in
                        log(event, route: route.name, format)
                    })
            } catch {
                printError("error: route \(route.name): \(CommandSupport.reason(error))")
                throw ExitCode(ExitStatus.needsAttention)
            }
        }
        return watchers
    }

    /// The route's ledger, opened; while another kccbridge keeps it busy, waited for if `waitWhileBusy`.
    private static func openLedger(
        _ route: WatchRoute, waitWhileBusy: Bool, format: WatchLogFormat
    ) throws(LedgerError) -> Ledger {
        while true {
            do {
                return try Ledger(path: route.ledgerPath, logger: LedgerLocation.logger)
            } catch  where error.code == .busy && waitWhileBusy {
                log(
                    WatchEvent(
                        file: route.inbox, outcome: .waiting,
                        detail: "the ledger cannot be opened just now (\(error)); trying again in 5 s"),
                    route: route.name, format)
                sleep(5)
            }
        }
    }

    /// `--once`: every route drained at the same time, each on its own thread; the failures summed.
    private static func drain(_ watchers: [Watcher]) -> Int {
        let interruption = Interruption.listen()
        let failures = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: watchers.count) { index in
            let watcher = watchers[index]
            let failed: Int
            do {
                failed = try watcher.drain { interruption.isRequested }
            } catch {
                printError("error: route \(watcher.route.name): \(CommandSupport.reason(error))")
                failed = 1
            }
            failures.withLock { $0 += failed }
        }
        return failures.withLock { $0 }
    }

    private static func log(_ event: WatchEvent, route: String, _ format: WatchLogFormat) {
        printLine(format.line(event, route: route, time: now()))
    }

    /// A second SIGINT or SIGTERM (the first starts the clean stop) exits at once.
    private static func exitOnSecondSignal() {
        // A parent may have started us with these blocked (a spawned child
        // inherits the signal mask); a service must hear them.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        let seen = Mutex(0)
        for number in [SIGINT, SIGTERM] {
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler {
                if seen.withLock({ count in
                    count += 1
                    return count
                }) >= 2 {
                    _exit(128 + number)
                }
            }
            source.resume()
            signalSources.append(source)
        }
    }

    /// A closed log pipe is not a reason to stop converting.
    private static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    static func now() -> String {
        ISO8601DateFormatter().string(from: Date())
    }
}

/// The signal sources kept alive for the life of the process (set once, by the command, before serving).
nonisolated(unsafe) private var signalSources: [any DispatchSourceSignal] = []

/// Writes a line to standard output at once (a service's log must not wait in a buffer).
func printLine(_ text: String) {
    writeOutput(text + "\n")
}

/// Writes `text` to standard output as it is.
func writeOutput(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}
