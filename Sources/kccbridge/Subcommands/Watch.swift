import ArgumentParser
import Conversion
import Foundation
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

/// SIGINT and SIGTERM seen so far: the first asks for a clean stop, the second exits at once.
private let stopRequests = Atomic<Int>(0)

/// `kccbridge watch ROOT --to TARGET`.
struct Watch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Watch a folder: convert KCC batches and reconcile refund files dropped into ROOT/inbox, results in ROOT/out.",
        discussion: """
            Layout: ROOT/inbox (drop files here; rename them in when complete, or they are taken once unchanged for the quiet period), \
            ROOT/work, ROOT/out, ROOT/archive (processed originals, time-stamped), ROOT/failed (with NAME.error.txt), ROOT/.state (the ledger). \
            Files named *.tmp, *.part, ~* or .* are never taken. SIGINT/SIGTERM finish the file in hand and exit 0; a second signal exits at once \
            (safe: the next start finishes or rolls back what was in hand). \
            With --once: process what is there now and exit, status 1 if any file failed.
            """
    )

    @Argument(help: "The route's root folder (created with its subfolders if missing).", completion: .directory)
    var root: String

    @Option(
        name: .customLong("to"),
        help: "Export target for batches (repeatable): \(PackageRegistry.all.exportTargets.joined(separator: ", ")).",
        completion: .list(PackageRegistry.all.exportTargets))
    var targets: [String] = []

    @Option(
        name: .customLong("refunds-to"),
        help:
            "Also write reconciled channel refunds for: \(PackageRegistry.all.refundTargets.joined(separator: ", ")) (repeatable).",
        completion: .list(PackageRegistry.all.refundTargets))
    var refundTargets: [String] = []

    @Flag(help: "Process what is in the inbox now, then exit (for cron).")
    var once = false

    @Option(
        name: .customLong("quiet-seconds"),
        help: "How long a file written in place must stay unchanged before it is taken.")
    var quietSeconds: Double = 2

    @Option(
        help: "The configuration file (default: kccbridge.yaml in the current folder, else built-in defaults).",
        completion: .file(extensions: ["yaml", "yml"]))
    var config: String?

    @Option(
        name: .customLong("ledger"), help: "The ledger (default: ROOT/.state/ledger.sqlite).",
        completion: .file(extensions: ["sqlite"]))
    var ledgerPath: String?

    @OptionGroup var reading: BatchReadingOptions

    func validate() throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: root, isDirectory: &isFolder), !isFolder.boolValue {
            throw ValidationError(
                "\(root) is a file: give the route's folder (files are dropped into its inbox/), which is made if missing"
            )
        }
        if targets.isEmpty { throw ValidationError("name at least one --to target for batches") }
        for target in targets where PackageRegistry.all.package(exporting: target) == nil {
            throw ValidationError(
                "--to must be one of \(PackageRegistry.all.exportTargets.joined(separator: ", ")), not '\(target)'")
        }
        for target in refundTargets.map({ $0.lowercased() }) {
            guard let package = PackageRegistry.all.package(recordingRefundsFor: target),
                let what = package.creditNoteIDsNeeded(for: target)
            else { continue }
            throw ValidationError(
                "--refunds-to \(target) needs --credit-memos (\(what)), which a watched folder does not have; choose another target, or reconcile by hand with --credit-memos"
            )
        }
        for target in refundTargets where PackageRegistry.all.package(recordingRefundsFor: target) == nil {
            throw ValidationError(
                "--refunds-to must be one of \(PackageRegistry.all.refundTargets.joined(separator: ", ")), not '\(target)'"
            )
        }
        if !(0...3600).contains(quietSeconds) { throw ValidationError("--quiet-seconds must be from 0 to 3600") }
    }

    func run() throws {
        var route = WatchRoute(root: root, targets: targets, packages: PackageRegistry.all)
        route.refundTargets = refundTargets.map { $0.lowercased() }
        route.quietPeriod = .milliseconds(Int64(quietSeconds * 1000))
        route.configuration = try CommandSupport.configuration(config)
        route.reading = try reading.readOptions()
        do {
            try FileManager.default.createDirectory(atPath: route.state, withIntermediateDirectories: true)
        } catch {
            // Foundation's words are a domain and a number; the system's are a sentence.
            let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? any Error
            let code = underlying.map { ($0 as NSError).code } ?? 0
            let reason = code > 0 ? Errno.describe(Int32(code)) : "\(error)"
            printError("error: the folder \(route.state) cannot be made (\(reason))")
            throw ExitCode(ExitStatus.needsAttention)
        }
        let ledger: Ledger
        do {
            ledger = try Ledger(path: ledgerPath ?? route.ledgerPath, logger: LedgerLocation.logger)
        } catch {
            throw LedgerLocation.report(error)
        }
        var logger = Logger(label: "kccbridge.watch")
        logger[metadataKey: "route"] = "\(route.root)"
        let watcher: Watcher
        do {
            watcher = try Watcher(route: route, ledger: ledger, logger: logger) { event in
                printLine("\(Self.now()) \(event)")
            }
        } catch {
            printError("error: \(error)")
            throw ExitCode(ExitStatus.needsAttention)
        }
        Self.installSignalHandlers()
        do {
            if once {
                let failures = try watcher.runOnce { stopRequests.load(ordering: .relaxed) > 0 }
                if failures > 0 { throw ExitCode(ExitStatus.needsAttention) }
            } else {
                printLine(
                    "\(Self.now()) watching \(route.inbox) (targets: \(targets.joined(separator: ", ")); ledger: \(ledgerPath ?? route.ledgerPath))"
                )
                try watcher.run { stopRequests.load(ordering: .relaxed) > 0 }
                printLine("\(Self.now()) stopped")
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            printError("error: \(error)")
            throw ExitCode(ExitStatus.needsAttention)
        }
    }

    static func installSignalHandlers() {
        let handler: @convention(c) (Int32) -> Void = { signal in
            if stopRequests.add(1, ordering: .relaxed).newValue >= 2 { _exit(128 + signal) }
        }
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        // A closed log pipe is not a reason to stop converting.
        signal(SIGPIPE, SIG_IGN)
        // A parent may have started us with these blocked (a spawned child
        // inherits the signal mask); a service must hear them.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
    }

    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        return formatter.string(from: Date())
    }
}

/// Writes a line to standard output at once (a service's log must not wait in a buffer).
func printLine(_ text: String) {
    let bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(1, $0.baseAddress, $0.count) }
}
