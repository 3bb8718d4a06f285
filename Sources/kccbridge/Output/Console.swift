import ArgumentParser
import Foundation
import KCCModel
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a command speaks: `text` for people, `json` for scripts.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// The options every document-processing command shares for what it prints.
struct OutputOptions: ParsableArguments {
    @Flag(help: "Print every finding; by default a few of each kind are printed and the rest counted.")
    var verbose = false

    @Flag(
        help:
            "Print nothing but an error that stops the command; the exit status and the files written say the rest.")
    var quiet = false

    @Option(
        help:
            "text (default): findings on standard error, the summary on standard output. json: one JSON document on standard output (counts, outputs, findings, outcomes)."
    )
    var format: OutputFormat = .text

    func validate() throws {
        if quiet && format == .json {
            throw ValidationError(
                "--quiet and --format json do not go together (json prints one document, and only it)")
        }
    }
}

/// What a command prints, and where.
///
/// As text: findings, notes and progress on standard error; the summary and
/// listings on standard output. `--quiet` keeps only the errors that stop a
/// command. As JSON: nothing is printed as it happens (not even progress);
/// the command prints one document at the end.
final class Console {
    let format: OutputFormat
    let quiet: Bool
    private let findings: ConsoleFindings
    /// The progress line on standard error, when it is a terminal and text is wanted.
    let progress: ProgressLine?

    convenience init(_ options: OutputOptions) {
        self.init(format: options.format, quiet: options.quiet, verbose: options.verbose)
    }

    init(format: OutputFormat, quiet: Bool = false, verbose: Bool = false, progress wanted: Bool = true) {
        self.format = format
        self.quiet = quiet
        self.progress = wanted && format == .text && !quiet && isatty(2) == 1 ? ProgressLine() : nil
        let progress = self.progress
        self.findings = ConsoleFindings(verbose: verbose) { line in
            progress?.clear()
            // A finding quotes what the file holds: a control character in it is shown, not sent to the terminal.
            printError(line.showingControlCharacters)
        }
    }

    var isText: Bool { format == .text }
    private var speaks: Bool { isText && !quiet }

    /// A finding as it is found (text), summarised per kind unless `--verbose`.
    func finding(_ finding: Finding) {
        if speaks { findings.show(finding) }
    }

    /// The end of one file's findings: the kinds not printed in full are counted.
    func finishFindings(listedIn place: String) {
        if speaks { findings.finish(listedIn: place) } else { findings.reset() }
    }

    /// A summary or listing line, on standard output.
    func say(_ line: String) {
        guard speaks else { return }
        progress?.clear()
        print(line)
    }

    /// A note or warning about the command, on standard error.
    func note(_ line: String) {
        guard speaks else { return }
        progress?.clear()
        printError(line)
    }

    /// An error that stops the command or a file, on standard error (even with `--quiet`; not in JSON,
    /// where the document carries it).
    func error(_ line: String) {
        guard isText else { return }
        progress?.clear()
        printError(line)
    }

    /// Why a file could not be used at all: already shown as a finding, unless `--quiet` hid it.
    func refused(_ file: String, _ why: String?) {
        guard isText && quiet, let why else { return }
        printError("\(file): error: \(why)")
    }

    /// What the library is handed: progress for the line (when there is one), and Ctrl-C.
    func hook(stop interruption: Interruption) -> WorkProgress {
        if let progress { return progress.hook { interruption.isRequested } }
        return WorkProgress(onAdvance: { _, _, _, _ in }, shouldStop: { interruption.isRequested })
    }

    /// The one JSON document, on standard output.
    func emit<T: Encodable>(_ value: T) {
        guard !isText else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return }
        FileHandle.standardOutput.write(data)
        FileHandle.standardOutput.write(Data("\n".utf8))
    }
}

/// What ends a command before (or instead of) its files: a folder or a ledger that
/// cannot be used. Said on standard error, or as the JSON document's `error`.
struct CommandFailure: Error, CustomStringConvertible {
    var status: Int32
    var message: String

    /// A stop a person asked for is not an error, and is not called one.
    var description: String { status == ExitStatus.interrupted ? message : "error: \(message)" }
}

/// `--format json` when the command stopped before any file: its status and why.
struct JSONFailure: Encodable {
    var command: String
    var status: Int32
    var error: String
}

extension Console {
    /// Says `failure` (text: on standard error; JSON: as the one document) and ends the command with its status.
    func fail(_ failure: CommandFailure, command: String) -> ExitCode {
        if isText {
            printError(failure.description)
        } else {
            emit(JSONFailure(command: command, status: failure.status, error: failure.message))
        }
        return ExitCode(failure.status)
    }
}

/// The exit statuses every command shares, documented in the README.
enum ExitStatus {
    /// Everything was done and is clean.
    static let clean: Int32 = 0
    /// Something needs a person: a document held back, a refund to place, a warning that matters.
    static let needsAttention: Int32 = 1
    /// The command itself was wrong: an option, a configuration file.
    static let usage: Int32 = 2
    /// Nothing could be written for an input: the file was refused or unreadable, or the outputs could not be made.
    static let nothingWritten: Int32 = 3
    /// A person stopped the command (Ctrl-C); nothing of the file in hand was written or recorded.
    static let interrupted: Int32 = 130

    /// The status of several inputs: the gravest of theirs.
    static func combined(_ statuses: [Int32]) -> Int32 {
        let order: [Int32] = [interrupted, usage, nothingWritten, needsAttention]
        return order.first(where: statuses.contains) ?? clean
    }
}

/// Ctrl-C (and SIGTERM) during check, convert or reconcile: the first asks the
/// work in hand to stop at its next checkpoint, rolling back; a second ends
/// the process at once (the ledger's recovery and the staged outputs keep that
/// safe too).
///
/// A plain signal handler, process-wide and in place as soon as `listen()`
/// returns: a signal arriving at any moment after that is counted, with no
/// window in which it is ignored while a listener is still being set up.
struct Interruption: Sendable {
    /// Starts counting SIGINT and SIGTERM.
    static func listen() -> Interruption {
        // The handler must find these made: a signal handler may not run a global's first initialisation.
        _ = interruptionsReceived.load(ordering: .relaxed)
        _ = stoppedAtOnce.utf8CodeUnitCount
        for number in [SIGINT, SIGTERM] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = interruptionSignalled
            action.sa_flags = SA_RESTART
            sigemptyset(&action.sa_mask)
            sigaction(number, &action, nil)
            // A parent may have started us with these blocked; a command must hear them.
            var unblock = sigset_t()
            sigemptyset(&unblock)
            sigaddset(&unblock, number)
            pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        }
        return Interruption()
    }

    var isRequested: Bool {
        interruptionsReceived.load(ordering: .relaxed) > 0
    }

    /// The line for files a stop came before (the file before them finished first): never passed over in silence.
    /// Why a file of `--format json`'s list was not read.
    static let notStartedReason = "interrupted before this file was read: nothing of it was written or recorded"

    static func notStarted(_ files: ArraySlice<String>) -> String {
        "interrupted before \(files.joined(separator: ", ")): not read, nothing of \(files.count == 1 ? "it" : "them") written or recorded"
    }
}

/// Signals counted since `Interruption.listen()`.
private let interruptionsReceived = Atomic<Int>(0)

/// The line a second signal prints before the process ends, ready as bytes (a
/// signal handler may not allocate).
private let stoppedAtOnce: StaticString =
    "\nstopped at once: a run not yet recorded in the ledger is rolled back by the next convert or reconcile, as after a crash; one already recorded stays\n"

/// The signal handler: it only counts, and on the second signal writes a line and exits.
private func interruptionSignalled(_: Int32) {
    if interruptionsReceived.add(1, ordering: .relaxed).newValue >= 2 {
        _ = write(2, stoppedAtOnce.utf8Start, stoppedAtOnce.utf8CodeUnitCount)
        _exit(ExitStatus.interrupted)
    }
}
