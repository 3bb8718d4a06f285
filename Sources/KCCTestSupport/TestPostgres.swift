import Foundation

/// The PostgreSQL server the tests of the shared ledger use, if there is one.
///
/// `.ci/run` starts one (`.ci/start-postgres`) and names it in
/// `KCCBRIDGE_TEST_POSTGRES`; so can a developer. Without it those tests are
/// skipped with a notice — except in CI (`CI` set), where a missing server is
/// a failure: CI must never pass by skipping them.
public enum TestPostgres {
    /// The server's address (`postgres://postgres@127.0.0.1:54329/postgres`), if one was named.
    public static let address: String? = {
        let value = ProcessInfo.processInfo.environment["KCCBRIDGE_TEST_POSTGRES"] ?? ""
        return value.isEmpty ? nil : value
    }()

    /// `true` in CI, where every test must run.
    public static let required: Bool = !(ProcessInfo.processInfo.environment["CI"] ?? "").isEmpty

    /// The notice shown once when the server is missing outside CI.
    public static let notice =
        "PostgreSQL tests skipped: no server named in KCCBRIDGE_TEST_POSTGRES (export KCCBRIDGE_TEST_POSTGRES=$(bash .ci/start-postgres))"

    private static let counter = NSLock()
    nonisolated(unsafe) private static var made = 0

    /// A new, empty database on the server, for one test; its address.
    public static func newDatabase() throws -> String {
        guard let address else { throw Missing() }
        counter.lock()
        made += 1
        let name = "kccbridge_test_\(getpid())_\(made)_\(UInt32.random(in: 0...UInt32.max))"
        counter.unlock()
        try run("CREATE DATABASE \(name)", on: address)
        guard let slash = address.range(of: "/", options: .backwards), address[..<slash.lowerBound].contains("@")
        else { throw Failed(message: "\(address) names no database") }
        let query = address[slash.upperBound...].firstIndex(of: "?").map { String(address[$0...]) } ?? ""
        return String(address[..<slash.upperBound]) + name + query
    }

    /// Runs `sql` with psql on the database at `address`.
    public static func run(_ sql: String, on address: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [address, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw Failed(message: "psql failed on \(sql): \(text)")
        }
    }

    /// No server was named.
    public struct Missing: Error, CustomStringConvertible {
        public var description: String { TestPostgres.notice }
    }

    public struct Failed: Error, CustomStringConvertible {
        public var message: String
        public init(message: String) { self.message = message }
        public var description: String { message }
    }
}
