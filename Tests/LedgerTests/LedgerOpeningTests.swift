import KCCModel
import KCCTestSupport
import Ledger
import Logging
import Testing

@Suite("Opening a ledger: first use, reopening, files that are not ledgers, where it lives")
struct LedgerOpeningTests {
    @Test("first use creates the folders, the file in WAL mode, and every table through the last migration")
    func firstUse() throws {
        let fixture = try LedgerFixture()
        #expect(TestFiles.names(in: fixture.folder + "/state").contains("ledger.sqlite"))
        #expect(
            try RawSQLite.strings(fixture.path, "SELECT identifier FROM grdb_migrations ORDER BY identifier") == [
                "v1", "v2", "v3", "v4", "v5", "v6",
            ])
        let tables = try RawSQLite.strings(
            fixture.path,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        #expect(
            tables == [
                "applied_refund", "export_run", "export_run_output", "exported_document", "grdb_migrations",
                "processed_file", "refund_outcome", "resolution",
            ])
        #expect(try RawSQLite.strings(fixture.path, "PRAGMA journal_mode") == ["wal"])
        #expect(try fixture.ledger.checkIntegrity().isEmpty)
    }

    @Test("reopening an existing ledger keeps what it holds and migrates nothing twice")
    func reopen() throws {
        let fixture = try LedgerFixture()
        let run = try fixture.export([Sample.invoice("INV-1")], to: "a.csv")
        let again = try fixture.reopen()
        #expect(try again.documents(number: "INV-1").map(\.run) == [run])
        #expect(try again.runs().count == 1)
        #expect(
            try RawSQLite.strings(fixture.path, "SELECT identifier FROM grdb_migrations ORDER BY identifier") == [
                "v1", "v2", "v3", "v4", "v5", "v6",
            ])
    }

    @Test("a ledger written by a newer kccbridge is refused, not changed")
    func tooNew() throws {
        let fixture = try LedgerFixture()
        try RawSQLite.execute(fixture.path, "INSERT INTO grdb_migrations VALUES ('v99')")
        let error = #expect(throws: LedgerError.self) { try fixture.reopen() }
        #expect(error?.code == .tooNew)
        #expect(error?.description.contains("newer kccbridge") == true)
    }

    @Test("a file that is not a ledger is refused with a sentence that names it")
    func notALedger() throws {
        let folder = TestFiles.makeFolder()
        TestFiles.write(folder + "/notes.txt", String(repeating: "this is not a database\n", count: 200))
        let text = #expect(throws: LedgerError.self) { try Ledger(path: folder + "/notes.txt", logger: quiet) }
        #expect(text?.code == .notALedger)
        #expect(text?.description.contains(folder + "/notes.txt") == true)

        try RawSQLite.execute(folder + "/other.sqlite", "CREATE TABLE player (id INTEGER PRIMARY KEY)")
        let other = #expect(throws: LedgerError.self) { try Ledger(path: folder + "/other.sqlite", logger: quiet) }
        #expect(other?.code == .notALedger)
        #expect(other?.description.contains("has tables player") == true)
    }

    @Test("a folder that cannot be created is a clear error")
    func cannotCreate() throws {
        let folder = TestFiles.makeFolder()
        TestFiles.write(folder + "/file", "x")
        let error = #expect(throws: LedgerError.self) {
            try Ledger(path: folder + "/file/sub/ledger.sqlite", logger: quiet)
        }
        #expect(error?.code == .cannotOpen)
        #expect(
            error?.description == "the folder \(folder)/file/sub cannot be created (a part of the path is not a folder)"
        )
    }

    @Test(
        "where the ledger is: --ledger, then KCCBRIDGE_LEDGER, then XDG_DATA_HOME, then HOME",
        arguments: [
            (
                "/opt/l.sqlite", ["KCCBRIDGE_LEDGER": "/env/l.sqlite", "XDG_DATA_HOME": "/xdg", "HOME": "/home/anna"],
                "/opt/l.sqlite"
            ),
            (
                nil, ["KCCBRIDGE_LEDGER": "/env/l.sqlite", "XDG_DATA_HOME": "/xdg", "HOME": "/home/anna"],
                "/env/l.sqlite"
            ),
            ("", ["KCCBRIDGE_LEDGER": "/env/l.sqlite"], "/env/l.sqlite"),
            (
                nil, ["KCCBRIDGE_LEDGER": "", "XDG_DATA_HOME": "/xdg", "HOME": "/home/anna"],
                "/xdg/kccbridge/ledger.sqlite"
            ),
            (nil, ["XDG_DATA_HOME": "/xdg/", "HOME": "/home/anna"], "/xdg/kccbridge/ledger.sqlite"),
            (
                nil, ["XDG_DATA_HOME": "relative/data", "HOME": "/home/anna"],
                "/home/anna/.local/share/kccbridge/ledger.sqlite"
            ),
            (nil, ["HOME": "/home/anna/"], "/home/anna/.local/share/kccbridge/ledger.sqlite"),
            (nil, [:], ".local/share/kccbridge/ledger.sqlite"),
        ] as [(String?, [String: String], String)])
    func resolvePath(option: String?, environment: [String: String], expected: String) {
        #expect(Ledger.resolvePath(option: option, environment: environment) == expected)
    }

    @Test("times are stored as sortable ISO 8601 UTC text and read back exactly")
    func timestamps() throws {
        let time = Timestamp(CalendarDate(year: 2026, month: 11, day: 20)!, seconds: 14 * 3600 + 3 * 60 + 7)
        let precise = Timestamp(millisecondsSinceEpoch: time.millisecondsSinceEpoch + 45)
        #expect(precise.iso8601 == "2026-11-20T14:03:07.045Z")
        #expect(precise.description == "2026-11-20T14:03:07Z")
        #expect(Timestamp(iso8601: precise.iso8601) == precise)
        #expect(Timestamp(iso8601: "2026-11-20T14:03:07Z") == time)
        #expect(Timestamp(iso8601: "2026-11-20 14:03:07Z") == nil)
        #expect(Timestamp(iso8601: "2026-11-20T24:00:00Z") == nil)
        let beforeEpoch = Timestamp(millisecondsSinceEpoch: -1)
        #expect(beforeEpoch.iso8601 == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(iso8601: beforeEpoch.iso8601) == beforeEpoch)
    }
}

@Suite("Refund outcomes (migration v2)")
struct RefundOutcomeLedgerTests {
    @Test("the latest outcome per refund is kept; applied or ignored refunds no longer pend", arguments: stores)
    func pending(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let ledger = fixture.ledger
        try fixture.reconcile([
            Sample.outcome("R1", source: "csv", "needs-credit-note", reason: "no credit note", line: 2),
            Sample.outcome("R2", source: "csv", "skipped-unmatched-order", reason: "never exported", line: 3),
            Sample.outcome("R3", source: "csv", "matched", reason: "ok", line: 4),
        ])
        #expect(try ledger.pendingRefunds().map(\.refundID) == ["R1", "R2"])
        try ledger.recordResolution(refundID: "R2", decision: .ignore, note: "test", by: "anna")
        #expect(try ledger.pendingRefunds().map(\.refundID) == ["R1"])
        #expect(try ledger.refundOutcome(refundID: "R1", sourceSystem: "csv")?.reason == "no credit note")
    }
}

@Suite("The PostgreSQL store")
struct PostgresStoreTests {
    @Test("an idle connection the server has closed is found out at its first statement and replaced")
    func staleIdleConnection() throws {
        guard stores.contains(.postgres) else { return }
        let fixture = try LedgerFixture(store: .postgres)
        _ = try fixture.ledger.runs()
        // The pool's connections ended by the server (a restart, a dropped network, an administrator); the
        // session holding the ledger's locks is left alone.
        try TestPostgres.run(
            """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() AND query NOT LIKE '%advisory%lock%'
            """, on: fixture.path)
        let id = try fixture.ledger.beginRun(fixture.plan(["x.csv"]))
        try fixture.write("x.csv")
        var invoice = Sample.invoice("INV-1")
        invoice.outputFile = fixture.output("x.csv")
        try fixture.ledger.completeRun(id, documents: [invoice])
        #expect(try fixture.ledger.run(id)?.status == .committed)
        #expect(try fixture.ledger.documents(number: "INV-1").count == 1)
    }

    @Test("a database of version 5 is brought to 6 at its first use: the staging table dropped, the documents kept")
    func upgradeFromVersion5() throws {
        guard stores.contains(.postgres) else { return }
        let fixture = try LedgerFixture(store: .postgres)
        try fixture.export([Sample.invoice("INV-1")], to: "a.csv")
        // As version 5 left it: a staging table, and the version.
        try TestPostgres.run(
            """
            CREATE TABLE staged_document (id BIGINT PRIMARY KEY);
            DELETE FROM kccbridge_schema; INSERT INTO kccbridge_schema (version) VALUES (5)
            """, on: fixture.path)
        let reopened = try fixture.reopen()
        #expect(try reopened.documents(number: "INV-1").count == 1)
        try TestPostgres.run(
            """
            DO $$ BEGIN
                IF (SELECT MAX(version) FROM kccbridge_schema) <> 6 OR to_regclass('staged_document') IS NOT NULL
                THEN RAISE EXCEPTION 'not brought to version 6'; END IF;
            END $$
            """, on: fixture.path)
    }

    @Test("a server is there to test against, or the skip is said (and is a failure in CI)")
    func serverNamed() {
        guard TestPostgres.address == nil else { return }
        if TestPostgres.required {
            Issue.record("CI must test the PostgreSQL store: \(TestPostgres.notice)")
        } else {
            print("◇ \(TestPostgres.notice)")
        }
    }
}
