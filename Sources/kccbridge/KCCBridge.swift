import ArgumentParser
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The command line: subcommands parse, call the library, print and choose the exit code.
///
/// Exit codes, the same for every command that processes documents:
/// 0 all clean, 1 something held back or unreadable, 2 the command itself was wrong.
@main
struct KCCBridge: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kccbridge",
        abstract: "Moves money documents between Khaos Control Cloud and Xero or QuickBooks, through files.",
        discussion:
            "Exit status: 0 when everything is clean, 1 when anything was held back or could not be read, 2 for a usage error.",
        version: "0.1.0",
        subcommands: [
            Check.self, Convert.self, Reconcile.self, Resolve.self, Watch.self, Generate.self, LedgerCommand.self,
        ]
    )

    static func main() {
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
            try command.run()
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

/// The exit statuses every command shares.
enum ExitStatus {
    static let clean: Int32 = 0
    static let needsAttention: Int32 = 1
    static let usage: Int32 = 2
}

/// Writes a line to standard error.
func printError(_ text: String) {
    let bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

/// The log level from `KCCBRIDGE_LOG_LEVEL` (trace … critical), `warning` by default.
enum ProcessInfoLevel {
    static func fromEnvironment() -> Logger.Level {
        guard let value = getenv("KCCBRIDGE_LOG_LEVEL") else { return .warning }
        return Logger.Level(rawValue: String(cString: value).lowercased()) ?? .warning
    }
}
