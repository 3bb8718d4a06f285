import Foundation
import KCCTestSupport
import Testing

/// A PostgreSQL server of the test's own, on a port of its own, so that it
/// can be stopped and started under a running watcher.
private struct OwnServer {
    let port = Int.random(in: 55_000...59_000)
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kccbridge-pg-\(UUID().uuidString)")
    var address: String { "postgres://postgres@127.0.0.1:\(port)/postgres" }

    /// Makes and starts the cluster (`.ci/start-postgres`).
    func create() throws {
        try shell(
            "KCCBRIDGE_PG_PORT=\(port) KCCBRIDGE_PG_DIR=\(folder.path) bash \(Run.repositoryRoot.path)/.ci/start-postgres"
        )
    }

    func stop() throws { try pgctl("stop -m fast") }

    func start() throws {
        try pgctl(
            "-l \(folder.path)/server.log -w -t 60 -o '-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=off' start"
        )
    }

    func remove() {
        try? stop()
        try? FileManager.default.removeItem(at: folder)
    }

    private func pgctl(_ arguments: String) throws {
        let runAs = getuid() == 0 ? "runuser -u postgres -- " : ""
        try shell(
            "\(runAs)$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)/pg_ctl -D \(folder.path)/data \(arguments) >/dev/null"
        )
    }

    private func shell(_ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        // The server started from here must not inherit this process's descriptors (the pipes
        // of the watcher's log, and the one Foundation watches the shell's end through).
        let closeInherited =
            "for fd in /proc/$$/fd/*; do n=${fd##*/}; if [ \"$n\" -gt 2 ]; then eval \"exec $n>&-\"; fi; done 2>/dev/null; "
        process.arguments = ["-c", closeInherited + command]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw TestPostgres.Failed(message: "failed: \(command)") }
    }
}

@Suite("A route whose ledger is a PostgreSQL server that comes and goes")
struct SharedLedgerTests {
    @Test(
        "the database away: the watcher waits and takes nothing; when it answers, every file is done once",
        .enabled(if: TestPostgres.address != nil || TestPostgres.required))
    func databaseAway() throws {
        let server = OwnServer()
        defer { server.remove() }
        let root = try temporaryFolder()
        let watcher = try WatchProcess([
            "watch", root.path, "--to", "xero-csv", "--quiet-seconds", "0.2", "--ledger", server.address,
        ])
        let samples = Run.repositoryRoot.appendingPathComponent("samples")
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        try Route.drop(samples.appendingPathComponent("batch-2026-11.csv"), as: "first.csv", into: root)
        Thread.sleep(forTimeInterval: 1.5)
        // No server yet: nothing taken, nothing failed.
        #expect(Route.names(root, "inbox") == ["first.csv"])
        #expect(Route.names(root, "failed").isEmpty)

        try server.create()
        #expect(Route.waitUntil(30) { Route.names(root, "archive").count == 1 })

        // The server stops under the running watcher: the next file waits in the inbox.
        try server.stop()
        try Route.drop(samples.appendingPathComponent("batch-2026-11.xml"), as: "second.xml", into: root)
        Thread.sleep(forTimeInterval: 2)
        #expect(Route.names(root, "inbox") == ["second.xml"])
        #expect(Route.names(root, "failed").isEmpty)
        try server.start()
        #expect(Route.waitUntil(30) { Route.names(root, "archive").count == 2 })

        watcher.signal(SIGTERM)
        let (status, _, log) = watcher.wait()
        #expect(status == 0, "\(log)")
        #expect(log.contains("waiting") && log.contains("cannot be reached"), "\(log)")
        #expect(Route.names(root, "failed").isEmpty, "\(log)")
        Route.checkInvariants(root, inputs: ["first.csv", "second.xml"])
    }
}
