import ArgumentParser
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The command line: subcommands parse, call the library, print and choose the exit code.
///
/// Exit codes, the same for every command (`ExitStatus`): 0 all clean, 1 something
/// needs a person, 2 the command itself was wrong, 3 nothing could be written, 130 stopped by Ctrl-C.
@main
struct KCCBridge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kccbridge",
        abstract: "Moves money documents between Khaos Control Cloud and Xero or QuickBooks, through files.",
        discussion:
            "Exit status: 0 when everything is clean; 1 when something needs a person (a document held back, a refund to place); 2 for a usage or configuration error; 3 when nothing could be written for an input (the file refused or unreadable, the outputs or the ledger unusable); 130 when stopped with Ctrl-C.",
        version: "0.1.0",
        subcommands: [
            Check.self, Convert.self, Reconcile.self, Resolve.self, Watch.self, Generate.self, LedgerCommand.self,
        ]
    )

    static func main() async {
        // Libraries log through the Logger they are given; here it goes to
        // standard error, quiet unless KCCBRIDGE_LOG_LEVEL says otherwise.
        let level = ProcessInfoLevel.fromEnvironment()
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let failure as CommandFailure {
            printError(failure.description)
            Glibc.exit(failure.status)
        } catch {
            if exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error))
                printError("Run 'kccbridge --help' for usage.")
                Glibc.exit(ExitStatus.usage)
            }
            exit(withError: error)
        }
    }
}

/// Writes a line to standard error.
func printError(_ text: String) {
    writeError(text + "\n")
}

/// The log level from `KCCBRIDGE_LOG_LEVEL` (trace … critical), `warning` by default.
enum ProcessInfoLevel {
    static func fromEnvironment() -> Logger.Level {
        guard let value = getenv("KCCBRIDGE_LOG_LEVEL") else { return .warning }
        return Logger.Level(rawValue: String(cString: value).lowercased()) ?? .warning
    }
}
