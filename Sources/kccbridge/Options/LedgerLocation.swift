import ArgumentParser
import Foundation
import Ledger
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where the ledger is (`--ledger PATH`); shared by every command that uses it.
struct LedgerLocation: ParsableArguments {
    @Option(
        name: .customLong("ledger"),
        help: ArgumentHelp(
            "The ledger: a file, or a shared PostgreSQL database (postgres://user@host:port/database).",
            discussion:
                "Default: $KCCBRIDGE_LEDGER, else $XDG_DATA_HOME/kccbridge/ledger.sqlite, else ~/.local/share/kccbridge/ledger.sqlite.",
            valueName: "path-or-address"
        ),
        completion: .file(extensions: ["sqlite"])
    )
    var path: String?

    /// A ledger named by an address other than `postgres://…` is refused: a
    /// scheme must never become a folder named `mysql:`.
    func validate() throws {
        for value in [path, getenv("KCCBRIDGE_LEDGER").map { String(cString: $0) }].compactMap({ $0 }) {
            try Self.check(value)
        }
    }

    /// Refuses an address kccbridge cannot keep a ledger at.
    static func check(_ value: String) throws(ValidationError) {
        guard value.contains("://"), !Ledger.isAddress(value) else { return }
        let scheme = value.prefix { $0 != ":" }
        throw ValidationError(
            "the ledger '\(Ledger.displayName(value))' is an address (\(scheme)://…), but a ledger is a file (SQLite) or a PostgreSQL database: give a path, e.g. --ledger ~/kccbridge/ledger.sqlite, or postgres://user@host:port/database"
        )
    }

    /// The path the options and the environment give.
    var resolved: String {
        var environment: [String: String] = [:]
        for name in ["KCCBRIDGE_LEDGER", "XDG_DATA_HOME", "HOME"] {
            if let value = getenv(name) { environment[name] = String(cString: value) }
        }
        let path = Ledger.resolvePath(option: self.path, environment: environment)
        if Ledger.isAddress(path) { return path }
        // Whole, so the commands that name it work from any folder, or pasted from an email.
        return path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// The ledger as commands name it (`--ledger`): by its whole path when one was given, `nil` for the default.
    var named: String? { path.map { _ in resolved } }

    /// Opens a ledger that exists. A missing one is reported rather than
    /// created, so that a mistyped `--ledger` never makes an empty ledger.
    func openExisting() throws(CommandFailure) -> Ledger {
        let path = resolved
        guard Ledger.isAddress(path) || access(path, F_OK) == 0 else {
            throw CommandFailure(
                status: ExitStatus.needsAttention,
                message: "there is no ledger at \(path) (nothing has been exported with it yet); name one with --ledger"
            )
        }
        do {
            let ledger = try Ledger(path: path, logger: Self.logger)
            // Reading commands leave runs alone, but say when one is unfinished.
            for run in try ledger.runs(status: .pending) {
                printError(
                    "note: run \(run.id) (\(run.target), \(run.inputFile)) is unfinished: still running, or interrupted; the next convert, reconcile or watch finishes it"
                )
            }
            return ledger
        } catch {
            throw CommandFailure(status: ExitStatus.needsAttention, message: "\(error)")
        }
    }

    /// Opens the ledger, creating it on first use, and first finishes what a
    /// crashed run left behind (its outputs removed, the run rolled back).
    /// Waiting for another kccbridge (a file ledger) ends early when `stopWaiting` says so.
    func openForWriting(stopWaiting: @escaping @Sendable () -> Bool = { false }) throws(CommandFailure) -> Ledger {
        let ledger: Ledger
        do {
            var options = LedgerOptions()
            options.stopWaiting = stopWaiting
            ledger = try Ledger(path: resolved, options: options, logger: Self.logger)
            for recovered in try ledger.recoverPendingRuns() {
                printError("note: \(recovered)")
            }
        } catch {
            // Nothing can be written without a ledger to record it in.
            throw CommandFailure(status: ExitStatus.nothingWritten, message: "\(error)")
        }
        return ledger
    }

    /// Prints a ledger failure for the user and gives the exit status that goes with it.
    static func report(_ error: LedgerError) -> ExitCode {
        printError("error: \(error)")
        return ExitCode(ExitStatus.needsAttention)
    }

    /// Warnings and errors of the ledger go to standard error; standard output stays for results.
    static let logger: Logger = {
        var logger = Logger(label: "kccbridge") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        return logger
    }()
}

extension Interruption {
    /// The ledger opened for writing, its wait for another kccbridge given up at a Ctrl-C: the command then
    /// stops before its first file, saying so as it does between files. Only the opening's waits are cut
    /// short: once a file is in hand, a stop is heard at the run's own checkpoints, and the ledger's later
    /// waits (recording, or rolling the run back) are sat out as ever.
    func openLedger(_ location: LedgerLocation, before files: [String]) throws(CommandFailure) -> Ledger {
        let opening = Opening()
        defer { opening.end() }
        do {
            return try location.openForWriting { opening.isUnderWay && isRequested }
        } catch {
            guard isRequested else { throw error }
            throw CommandFailure(status: ExitStatus.interrupted, message: Self.notStarted(files[...]))
        }
    }

    /// Whether the ledger is still being opened.
    private final class Opening: Sendable {
        private let underWay = Atomic<Bool>(true)
        var isUnderWay: Bool { underWay.load(ordering: .relaxed) }
        func end() { underWay.store(false, ordering: .relaxed) }
    }
}
