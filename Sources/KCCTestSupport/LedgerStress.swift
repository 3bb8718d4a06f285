import Foundation

/// The `ledger-stress` helper (built beside the test binary), started as a real process: to write to a ledger
/// from another process, crash there, or hold its write lock (`hold LEDGER SECONDS`).
public final class LedgerStress {
    static let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("ledger-stress").path

    public let process = Process()
    private let output = Pipe()
    private var received = ""

    public init(_ arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: LedgerStress.binary)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = output
        try process.run()
    }

    /// Waits for a line starting with `prefix` and returns it; `nil` if the helper ended first.
    public func waitForLine(startingWith prefix: String) -> String? {
        while true {
            if let line = received.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) { return String(line) }
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { return nil }
            received += String(decoding: data, as: UTF8.self)
        }
    }

    /// Waits for the end; the exit status and everything it printed.
    public func finish() -> (status: Int32, output: String) {
        received += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, received)
    }

    public func kill() {
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
