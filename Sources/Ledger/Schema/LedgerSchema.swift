import GRDB

/// The ledger's tables, built by numbered migrations ("v1", "v2", …) that
/// GRDB's `DatabaseMigrator` applies once each and records in `grdb_migrations`.
///
/// A migration, once released, is never edited: a change to the schema is a
/// new migration. `schemas/ledger.md` describes every table and column.
enum LedgerSchema {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3") { db in
            try db.execute(sql: v3)
        }
        migrator.registerMigration("v4") { db in
            try db.execute(sql: v4)
        }
        migrator.registerMigration("v5") { db in
            try db.execute(sql: v5)
        }
        migrator.registerMigration("v6") { db in
            try db.execute(sql: v6)
        }
        return migrator
    }()

    /// Checks that the file is a ledger this kccbridge understands, then brings it up to date.
    static func migrate(_ pool: DatabasePool, path: String) throws {
        let (foreignTables, superseded) = try pool.read { db in
            let tables = try String.fetchAll(
                try db.cachedStatement(
                    sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
            let known = Set([
                "grdb_migrations", "export_run", "export_run_output", "exported_document", "applied_refund",
                "resolution", "processed_file", "refund_outcome", "staged_document",
            ])
            return (tables.filter { !known.contains($0) }, try migrator.hasBeenSuperseded(db))
        }
        if !foreignTables.isEmpty, try pool.read({ try !$0.tableExists("grdb_migrations") }) {
            throw LedgerError(
                .notALedger,
                "\(path) is an SQLite database but not a kccbridge ledger (it has tables \(foreignTables.sorted().joined(separator: ", "))); name another file with --ledger"
            )
        }
        if superseded {
            throw LedgerError(
                .tooNew,
                "\(path) was written by a newer kccbridge; use that version (this one would not understand all of it)")
        }
        try migrator.migrate(pool)
    }

    /// Money is INTEGER minor units plus a currency code; `typeof` checks keep
    /// REAL out even when someone edits the file by hand. Keys are surrogate
    /// integers, so two identical documents are two rows; the only uniqueness
    /// rules are the ones the business needs.
    static let v1 = """
        CREATE TABLE export_run (
            id            INTEGER PRIMARY KEY AUTOINCREMENT,
            started_at    TEXT    NOT NULL,
            finished_at   TEXT,
            input_file    TEXT    NOT NULL,
            input_sha256  TEXT    NOT NULL CHECK (length(input_sha256) = 64 AND input_sha256 NOT GLOB '*[^0-9a-f]*'),
            target        TEXT    NOT NULL CHECK (target <> ''),
            status        TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'committed', 'rolled-back')),
            reexport      INTEGER NOT NULL DEFAULT 0 CHECK (reexport IN (0, 1)),
            owner_pid     INTEGER NOT NULL,
            note          TEXT
        );
        CREATE INDEX export_run_pending ON export_run(status) WHERE status = 'pending';

        CREATE TABLE export_run_output (
            id      INTEGER PRIMARY KEY,
            run_id  INTEGER NOT NULL REFERENCES export_run(id),
            path    TEXT    NOT NULL CHECK (path GLOB '/*'),
            UNIQUE (run_id, path)
        );
        CREATE INDEX export_run_output_path ON export_run_output(path);

        CREATE TABLE exported_document (
            id               INTEGER PRIMARY KEY,
            run_id           INTEGER NOT NULL REFERENCES export_run(id),
            kind             TEXT    NOT NULL CHECK (kind IN ('INVOICE', 'CREDIT', 'PAYMENT')),
            number           TEXT    NOT NULL CHECK (number <> ''),
            order_number     TEXT    NOT NULL,
            related_invoice  TEXT,
            customer_code    TEXT    NOT NULL,
            customer_name    TEXT    NOT NULL,
            document_date    TEXT    NOT NULL CHECK (length(document_date) = 10),
            currency         TEXT    NOT NULL CHECK (length(currency) = 3),
            gross_minor      INTEGER NOT NULL CHECK (typeof(gross_minor) = 'integer'),
            target           TEXT    NOT NULL,
            output_file      TEXT    NOT NULL CHECK (output_file GLOB '/*'),
            output_index     INTEGER NOT NULL CHECK (typeof(output_index) = 'integer' AND output_index >= 1),
            occurrence       INTEGER NOT NULL DEFAULT 1 CHECK (typeof(occurrence) = 'integer' AND occurrence >= 1)
        );
        CREATE UNIQUE INDEX exported_document_identity ON exported_document(target, number, kind, occurrence);
        CREATE INDEX exported_document_number ON exported_document(number);
        CREATE INDEX exported_document_order ON exported_document(order_number);
        CREATE INDEX exported_document_run ON exported_document(run_id);

        CREATE TABLE applied_refund (
            id             INTEGER PRIMARY KEY,
            refund_id      TEXT    NOT NULL CHECK (refund_id <> ''),
            source_system  TEXT    NOT NULL CHECK (source_system <> ''),
            credit_note    TEXT    NOT NULL,
            amount_minor   INTEGER NOT NULL CHECK (typeof(amount_minor) = 'integer' AND amount_minor > 0),
            currency       TEXT    NOT NULL CHECK (length(currency) = 3),
            run_id         INTEGER NOT NULL REFERENCES export_run(id),
            applied_at     TEXT    NOT NULL,
            UNIQUE (source_system, refund_id)
        );
        CREATE INDEX applied_refund_credit_note ON applied_refund(credit_note);
        CREATE INDEX applied_refund_refund ON applied_refund(refund_id);

        CREATE TABLE resolution (
            id          INTEGER PRIMARY KEY,
            refund_id   TEXT NOT NULL CHECK (refund_id <> ''),
            decision    TEXT NOT NULL CHECK (decision = 'ignore' OR decision GLOB 'match:?*'),
            note        TEXT NOT NULL,
            decided_by  TEXT NOT NULL CHECK (decided_by <> ''),
            decided_at  TEXT NOT NULL
        );
        CREATE INDEX resolution_refund ON resolution(refund_id);
        CREATE INDEX resolution_decision ON resolution(decision);

        CREATE TABLE processed_file (
            id            INTEGER PRIMARY KEY,
            sha256        TEXT NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
            name          TEXT NOT NULL,
            outcome       TEXT NOT NULL CHECK (outcome <> ''),
            run_id        INTEGER REFERENCES export_run(id),
            processed_at  TEXT NOT NULL
        );
        CREATE INDEX processed_file_sha256 ON processed_file(sha256);
        """

    /// v2: the latest outcome of every refund a reconciliation has seen, so
    /// `reconcile --pending` can list what still needs a person.
    static let v2 = """
        CREATE TABLE refund_outcome (
            source_system TEXT NOT NULL,
            refund_id     TEXT NOT NULL,
            outcome       TEXT NOT NULL,
            reason        TEXT NOT NULL,
            credit_note   TEXT,
            order_number  TEXT,
            amount_minor  INTEGER,
            currency      TEXT,
            source_file   TEXT NOT NULL,
            source_line   INTEGER,
            run_id        INTEGER NOT NULL REFERENCES export_run(id),
            seen_at       TEXT NOT NULL,
            PRIMARY KEY (source_system, refund_id)
        );
        CREATE INDEX refund_outcome_by_outcome ON refund_outcome(outcome);
        """

    /// v4: the date a refund was made, beside its amount, where it was applied
    /// and where it was last seen: the same refund id seen again with another
    /// date or amount is a conflict for a person, never a duplicate.
    static let v4 = """
        ALTER TABLE applied_refund ADD COLUMN refund_date TEXT;
        ALTER TABLE refund_outcome ADD COLUMN refund_date TEXT;
        """

    /// v5: a refund a person split across credit notes is applied once to
    /// each: `applied_refund` is unique per refund and credit note (and notes
    /// when a refund applied, then deleted in its source, was reversed in KCC), and a
    /// resolution may be a split (`split:…`) and names the refund's source
    /// (NULL in older rows: any source). SQLite cannot change a table's
    /// constraints, so both tables are rebuilt.
    static let v5 = """
        CREATE TABLE applied_refund_v5 (
            id             INTEGER PRIMARY KEY,
            refund_id      TEXT    NOT NULL CHECK (refund_id <> ''),
            source_system  TEXT    NOT NULL CHECK (source_system <> ''),
            credit_note    TEXT    NOT NULL,
            amount_minor   INTEGER NOT NULL CHECK (typeof(amount_minor) = 'integer' AND amount_minor > 0),
            currency       TEXT    NOT NULL CHECK (length(currency) = 3),
            run_id         INTEGER NOT NULL REFERENCES export_run(id),
            applied_at     TEXT    NOT NULL,
            refund_date    TEXT,
            reversed_at    TEXT,
            UNIQUE (source_system, refund_id, credit_note)
        );
        INSERT INTO applied_refund_v5 (id, refund_id, source_system, credit_note, amount_minor, currency, run_id, applied_at,
                                       refund_date)
            SELECT id, refund_id, source_system, credit_note, amount_minor, currency, run_id, applied_at, refund_date
            FROM applied_refund;
        DROP TABLE applied_refund;
        ALTER TABLE applied_refund_v5 RENAME TO applied_refund;
        CREATE INDEX applied_refund_credit_note ON applied_refund(credit_note);
        CREATE INDEX applied_refund_refund ON applied_refund(refund_id);
        CREATE TABLE resolution_v5 (
            id          INTEGER PRIMARY KEY,
            refund_id   TEXT NOT NULL CHECK (refund_id <> ''),
            source_system TEXT,
            decision    TEXT NOT NULL CHECK (decision = 'ignore' OR decision GLOB 'match:?*' OR decision GLOB 'split:?*'),
            note        TEXT NOT NULL,
            decided_by  TEXT NOT NULL CHECK (decided_by <> ''),
            decided_at  TEXT NOT NULL
        );
        INSERT INTO resolution_v5 (id, refund_id, decision, note, decided_by, decided_at)
            SELECT id, refund_id, decision, note, decided_by, decided_at FROM resolution;
        DROP TABLE resolution;
        ALTER TABLE resolution_v5 RENAME TO resolution;
        CREATE INDEX resolution_refund ON resolution(refund_id);
        CREATE INDEX resolution_decision ON resolution(decision);
        """

    /// v3: documents a pending run has written, kept on disk (not in memory)
    /// until the run's one committing transaction moves them into
    /// `exported_document`, so a run of any size uses flat memory.
    static let v3 = """
        CREATE TABLE staged_document (
            id               INTEGER PRIMARY KEY,
            run_id           INTEGER NOT NULL REFERENCES export_run(id),
            kind             TEXT    NOT NULL CHECK (kind IN ('INVOICE', 'CREDIT', 'PAYMENT')),
            number           TEXT    NOT NULL CHECK (number <> ''),
            order_number     TEXT    NOT NULL,
            related_invoice  TEXT,
            customer_code    TEXT    NOT NULL,
            customer_name    TEXT    NOT NULL,
            document_date    TEXT    NOT NULL CHECK (length(document_date) = 10),
            currency         TEXT    NOT NULL CHECK (length(currency) = 3),
            gross_minor      INTEGER NOT NULL CHECK (typeof(gross_minor) = 'integer'),
            output_file      TEXT    NOT NULL CHECK (output_file GLOB '/*'),
            output_index     INTEGER NOT NULL CHECK (typeof(output_index) = 'integer' AND output_index >= 1)
        );
        CREATE INDEX staged_document_run ON staged_document(run_id);
        """

    /// v6: a run's documents are written into `exported_document` as the run goes, and count once it commits
    /// (every reading keeps to committed runs), so each is written once: the staging table goes. What an earlier
    /// version staged for a run a crash left pending counted for nothing; the run is rolled back all the same.
    static let v6 = """
        DROP TABLE staged_document;
        """
}
