import Foundation
import Testing

/// The reconciliation pass end to end, on the built binary: export, reconcile
/// a refund file with every outcome, check the KCC import and the report,
/// resolve by hand, reconcile again.
@Suite("kccbridge reconcile and resolve, run as a user would")
struct ReconcileCommandTests {
    static let fixtures = Run.repositoryRoot.appendingPathComponent("Tests/kccbridgeTests/Fixtures")

    /// A folder with its own ledger holding the exported samples, and a refund CSV of `text` in it.
    static func exportedSamples(refunds text: String) throws -> (URL, [String], URL) {
        let folder = try temporaryFolder()
        let ledger = ["--ledger", folder.appendingPathComponent("ledger.sqlite").path]
        let batch = Run.repositoryRoot.appendingPathComponent("samples/batch-2026-11.csv").path
        _ = try Run(
            ["convert", batch, "--to", "xero-xml", "--out", folder.appendingPathComponent("export").path] + ledger)
        let refunds = folder.appendingPathComponent("refunds.csv")
        try text.write(to: refunds, atomically: true, encoding: .utf8)
        return (folder, ledger, refunds)
    }

    /// The samples and `two-credit-notes.csv` exported to Xero XML (into `folder`/export), recorded in the
    /// ledger `ledger` names: the credit notes and orders `every-outcome-refunds.csv` is reconciled against.
    static func exportEveryOutcomeBatches(in folder: URL, ledger: [String]) throws {
        for batch in [
            Run.repositoryRoot.appendingPathComponent("samples/batch-2026-11.csv"),
            fixtures.appendingPathComponent("two-credit-notes.csv"),
        ] {
            let convert = try Run(
                ["convert", batch.path, "--to", "xero-xml", "--out", folder.appendingPathComponent("export").path]
                    + ledger)
            #expect(convert.status == 0, "\(convert.stdout)\(convert.stderr)")
        }
    }

    static func csvRows(_ url: URL) throws -> [[String]] {
        try String(contentsOf: url, encoding: .utf8).split(separator: "\r\n").map { line in
            // The files checked here hold no quoted commas in the columns read.
            line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    @Test("every outcome, the KCC import rows, the report totals, a hand resolution and a second run")
    func everyOutcome() throws {
        let folder = try temporaryFolder()
        let ledger = ["--ledger", folder.appendingPathComponent("ledger.sqlite").path]
        try Self.exportEveryOutcomeBatches(in: folder, ledger: ledger)
        let refunds = Self.fixtures.appendingPathComponent("every-outcome-refunds.csv").path
        let first = try Run(["reconcile", refunds, "--out", folder.appendingPathComponent("r1").path] + ledger)
        #expect(first.status == 1)
        #expect(
            first.stdout.contains(
                "every-outcome-refunds.csv: 10 refunds: 1 matched, 1 matched-by-order, 1 partial, 1 needs-credit-note, 1 skipped-unmatched-order, 1 over-refund, 1 ambiguous, 1 currency-mismatch, 1 duplicate, 1 invalid; 10.00 EUR read = 0.00 EUR matched + 10.00 EUR listed; 674.98 GBP read = 74.99 GBP matched + 599.99 GBP listed; 6 need a person"
            ), "\(first.stdout)")

        let payments = try Self.csvRows(folder.appendingPathComponent("r1/every-outcome-refunds.kcc-payments.csv"))
        #expect(
            payments.map { $0.prefix(6) } == [
                ["RefundId", "Date", "Amount", "Currency", "CreditNote", "OrderNumber"],
                ["M1", "2026-11-18", "59.99", "GBP", "CRN-004608", "SO-51874"],
                ["P1", "2026-11-18", "10.00", "GBP", "CRN-004609", "SO-51871"],
                ["O1", "2026-11-19", "5.00", "GBP", "CRN-004609", "SO-51871"],
            ])
        let report = try Self.csvRows(
            folder.appendingPathComponent("r1/every-outcome-refunds.reconciliation-report.csv"))
        let outcome = try #require(report[0].firstIndex(of: "Outcome"))
        #expect(
            report.dropFirst().map { $0[outcome] } == [
                "matched", "partial", "matched-by-order", "needs-credit-note", "skipped-unmatched-order", "over-refund",
                "ambiguous",
                "currency-mismatch", "duplicate", "invalid",
            ])
        let html = try String(
            contentsOf: folder.appendingPathComponent("r1/every-outcome-refunds.reconciliation-report.html"),
            encoding: .utf8)
        #expect(html.contains("✓ 10 refunds read") && html.contains("Needs a person (6)"))

        let resolve = try Run(
            [
                "resolve", "A1", "--credit-note", "CRN-177002", "--note", "customer returned the second pair", "--by",
                "anna",
            ] + ledger)
        #expect(resolve.status == 0, "\(resolve.stderr)")
        let ignore = try Run(
            ["resolve", "S1", "--ignore", "--note", "order 123 never synced; refunded in the shop", "--by", "anna"]
                + ledger)
        #expect(ignore.status == 0)
        #expect(try Run(["resolve", "NOPE", "--ignore", "--note", "x"] + ledger).status == 1)

        let second = try Run(["reconcile", refunds, "--out", folder.appendingPathComponent("r2").path] + ledger)
        #expect(second.status == 1)
        #expect(
            second.stdout.contains(
                "10 refunds: 1 partial, 1 needs-credit-note, 1 over-refund, 1 currency-mismatch, 4 duplicate, 1 ignored, 1 invalid;"
            ), "\(second.stdout)")
        let again = try Self.csvRows(folder.appendingPathComponent("r2/every-outcome-refunds.kcc-payments.csv"))
        #expect(again.dropFirst().map { [$0[0], $0[4]] } == [["A1", "CRN-177002"]])

        let pending = try Run(["reconcile", "--pending"] + ledger)
        #expect(pending.status == 1)
        #expect(pending.stdout.hasSuffix("4 refunds need a person\n"), "\(pending.stdout)")
        #expect(!pending.stdout.contains("refund S1 "))
        // Each listed refund says how to resolve it, naming the ledger.
        #expect(
            pending.stdout.contains("    to resolve: kccbridge resolve ")
                && pending.stdout.contains("--ledger \(folder.appendingPathComponent("ledger.sqlite").path)"),
            "\(pending.stdout)")

        // Everything is in the ledger, for a spreadsheet.
        let refundsCSV = try Run(["ledger", "export", "--table", "refunds"] + ledger)
        #expect(
            refundsCSV.stdout.hasPrefix(
                "\u{FEFF}id,refund_id,source_system,credit_note,amount_minor,currency,run_id,applied_at,refund_date,reversed_at,amount\r\n"
            )
        )
        #expect(
            refundsCSV.stdout.contains(",M1,csv,CRN-004608,5999,GBP,")
                && refundsCSV.stdout.contains(",2026-11-18,,59.99\r\n"))
        let resolutions = try Run(["ledger", "export", "--table", "resolutions"] + ledger)
        #expect(resolutions.stdout.contains(",S1,csv,ignore,order 123 never synced; refunded in the shop,anna,"))
    }

    @Test(
        "a refund whose id holds a NUL is reported by its visible spelling and not recorded over the refund that has it"
    )
    func controlCharacterInID() throws {
        let header = "RefundId,OrderNumber,CreditNote,Amount,Currency,Date,Reference,Method\r\n"
        // A real id spelled like the visible form of the other's (R, backslash, u{0}, 1), for an order never exported.
        let (folder, ledger, literal) = try Self.exportedSamples(
            refunds: header + "R\\u{0}1,SO-404,,59.99,GBP,2026-11-09,refund,Amazon\r\n")
        let first = try Run(["reconcile", literal.path, "--out", folder.appendingPathComponent("r1").path] + ledger)
        #expect(first.stdout.contains("1 refund: 1 skipped-unmatched-order"), "\(first.stdout)\(first.stderr)")

        let nul = folder.appendingPathComponent("nul.csv")
        try (header + "R\u{0}1,,CRN-004609,39.59,GBP,2026-11-19,refund,PayPal\r\n")
            .write(to: nul, atomically: true, encoding: .utf8)
        let second = try Run(["reconcile", nul.path, "--out", folder.appendingPathComponent("r2").path] + ledger)
        #expect(second.status == 1)
        #expect(second.stderr.contains("invalid: refund R\\u{0}1: the record cannot be used"), "\(second.stderr)")
        // No resolve command: the ledger could not find it again by its id.
        #expect(!second.stderr.contains("kccbridge resolve"))
        #expect(!second.stdout.contains("\u{0}") && !second.stderr.contains("\u{0}"))

        // The first refund's sighting stands: read again, it is what it was, not a conflict with the other's amount.
        let again = try Run(["reconcile", literal.path, "--out", folder.appendingPathComponent("r3").path] + ledger)
        #expect(again.stdout.contains("1 refund: 1 skipped-unmatched-order"), "\(again.stdout)\(again.stderr)")
    }

    @Test("seed 001: order 123 refunded but never synced is skipped, and nothing is written for KCC")
    func seed001() throws {
        let folder = try temporaryFolder()
        let refunds = folder.appendingPathComponent("joe-smith.csv")
        try
            "RefundId,OrderNumber,Amount,Currency,Date,Reference\r\nR-123,123,25.00,GBP,2016-08-11,Joe Smith full refund\r\n"
            .write(to: refunds, atomically: true, encoding: .utf8)
        let run = try Run([
            "reconcile", refunds.path, "--out", folder.appendingPathComponent("out").path,
            "--ledger", folder.appendingPathComponent("ledger.sqlite").path,
        ])
        #expect(run.status == 1)
        #expect(run.stderr.contains("skipped-unmatched-order: refund R-123: order 123 was never exported"))
        let payments = try String(
            contentsOf: folder.appendingPathComponent("out/joe-smith.kcc-payments.csv"), encoding: .utf8)
        #expect(payments == "RefundId,Date,Amount,Currency,CreditNote,OrderNumber,Method,Reference,SourceSystem\r\n")
    }
}

@Suite("Sync the original order if missing (seed 001)")
struct SyncMissingOrderTests {
    @Test(
        "with the setting and the batch, a refund's never-exported order is exported first and the refund then matches; without, it is skipped"
    )
    func sync() throws {
        let folder = try temporaryFolder()
        let refunds = folder.appendingPathComponent("refunds.csv")
        try
            "RefundId,OrderNumber,Amount,Currency,Date\r\nZ1,SO-51874,59.99,GBP,2026-11-20\r\nZ2,123,25.00,GBP,2026-11-20\r\n"
            .write(to: refunds, atomically: true, encoding: .utf8)
        let config = folder.appendingPathComponent("kccbridge.yaml")
        try "refunds:\n  sync_missing_orders: true\n".write(to: config, atomically: true, encoding: .utf8)
        let batch = Run.repositoryRoot.appendingPathComponent("samples/batch-2026-11.csv").path

        let off = try Run([
            "reconcile", refunds.path, "--out", folder.appendingPathComponent("off").path, "--pre-check",
            "--ledger", folder.appendingPathComponent("l1.sqlite").path,
        ])
        #expect(off.stderr.contains("refund Z1: order SO-51874 was never exported"))

        let on = try Run([
            "reconcile", refunds.path, "--out", folder.appendingPathComponent("on").path, "--config", config.path,
            "--sync-orders-from", batch, "--sync-to", "xero-xml", "--ledger",
            folder.appendingPathComponent("l2.sqlite").path,
        ])
        #expect(on.stderr.contains("note: sync: exported 1 document of order SO-51874"), "\(on.stderr)")
        #expect(on.stderr.contains("note: order 123 is not in"), "\(on.stderr)")
        #expect(on.stdout.contains("2 refunds: 1 matched-by-order, 1 skipped-unmatched-order"), "\(on.stdout)")
        let exported = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("on").path)
        #expect(
            exported.contains { $0.hasPrefix("batch-2026-11.synced-") && $0.hasSuffix(".xero-credit-notes.xml") },
            "\(exported)")
    }

    @Test("resolve checks the decision at once: too much, another currency, not a credit note, an unknown refund")
    func resolveRefusals() throws {
        let (folder, ledger, refunds) = try ReconcileCommandTests.exportedSamples(
            refunds:
                "RefundId,OrderNumber,Amount,Currency,Date\nBIG,SO-99999,500.00,GBP,2026-11-20\nEUR1,SO-99998,10.00,EUR,2026-11-20\n"
        )
        _ = try Run(["reconcile", refunds.path, "--out", folder.appendingPathComponent("r").path] + ledger)
        let cases: [([String], String)] = [
            (
                ["BIG", "--credit-note", "CRN-004609"],
                "refund BIG is 500.00 GBP but credit note CRN-004609 has 39.59 GBP open"
            ),
            (["EUR1", "--credit-note", "CRN-004609"], "refund EUR1 is in EUR but credit note CRN-004609 is in GBP"),
            (["BIG", "--credit-note", "INV-100870"], "INV-100870 is an exported invoice, not a credit note"),
            (["NOPE", "--credit-note", "CRN-004609"], "no reconciliation has seen refund NOPE"),
        ]
        for (arguments, message) in cases {
            let run = try Run(["resolve"] + arguments + ["--note", "test"] + ledger)
            #expect(run.status == 1 && run.stderr.contains(message), "\(arguments): \(run.stderr)")
        }
        let resolutions = try Run(["ledger", "export", "--table", "resolutions"] + ledger)
        #expect(!resolutions.stdout.contains(",BIG,"), "nothing was recorded")
    }

    @Test("two sources with a refund of one id: resolve asks which, and decides for that one only")
    func resolveBySource() throws {
        let (folder, ledger, refunds) = try ReconcileCommandTests.exportedSamples(
            refunds: "RefundId,OrderNumber,Amount,Currency,Date\n7,SO-99999,5.00,GBP,2026-11-20\n")
        for source in ["srcA", "srcB"] {
            _ = try Run(
                ["reconcile", refunds.path, "--source", source, "--out", folder.appendingPathComponent(source).path]
                    + ledger)
        }
        let ambiguous = try Run(["resolve", "7", "--ignore", "--note", "x"] + ledger)
        #expect(
            ambiguous.status == 2 && ambiguous.stderr.contains("seen from several sources (srcA, srcB)"),
            "\(ambiguous.stderr)")
        let decided = try Run(["resolve", "7", "--source", "srcB", "--ignore", "--note", "test"] + ledger)
        #expect(decided.status == 0, "\(decided.stderr)")
        let pending = try Run(["reconcile", "--pending"] + ledger)
        #expect(
            pending.stdout.contains("refund 7 (srcA)") && !pending.stdout.contains("refund 7 (srcB)"),
            "\(pending.stdout)")
    }

    @Test(
        "a refund split across two credit notes: shares checked at once, applied once to each, two rows in the KCC import"
    )
    func split() throws {
        let (folder, ledger, refunds) = try ReconcileCommandTests.exportedSamples(
            refunds: "RefundId,OrderNumber,Amount,Currency,Date\nSPLIT1,SO-99999,69.99,GBP,2026-11-20\n")
        _ = try Run(["reconcile", refunds.path, "--out", folder.appendingPathComponent("r1").path] + ledger)
        let wrongSum = try Run(
            [
                "resolve", "SPLIT1", "--credit-note", "CRN-004608:59.99", "--credit-note", "CRN-004609:9.00", "--note",
                "x",
            ]
                + ledger)
        #expect(
            wrongSum.status == 1
                && wrongSum.stderr.contains("the shares add up to 68.99 GBP, but refund SPLIT1 is 69.99 GBP"))
        let resolved = try Run(
            [
                "resolve", "SPLIT1", "--credit-note", "CRN-004608:59.99", "--credit-note", "CRN-004609:10.00", "--note",
                "two returns",
            ]
                + ledger)
        #expect(resolved.status == 0, "\(resolved.stderr)")
        let again = try Run(["reconcile", refunds.path, "--out", folder.appendingPathComponent("r2").path] + ledger)
        #expect(again.status == 0 && again.stdout.contains("1 refund: 1 matched"), "\(again.stdout)")
        let rows = try ReconcileCommandTests.csvRows(folder.appendingPathComponent("r2/refunds.kcc-payments.csv"))
            .dropFirst().filter { $0.count > 1 }
        #expect(
            rows.map { [$0[0], $0[2], $0[4]] } == [
                ["SPLIT1", "59.99", "CRN-004608"], ["SPLIT1", "10.00", "CRN-004609"],
            ])
        let third = try Run(["reconcile", refunds.path, "--out", folder.appendingPathComponent("r3").path] + ledger)
        #expect(third.stdout.contains("1 refund: 1 duplicate"), "applied once: \(third.stdout)")
    }

    @Test(
        "a refund deleted after it was applied: a reversal; once reversed in KCC and acknowledged, its credit note is open again"
    )
    func reversal() throws {
        let payment = { (status: String) in
            #"{"Payments":[{"PaymentID":"p-9","PaymentType":"ARCREDITPAYMENT","Status":"\#(status)","Date":"2026-11-21T00:00:00","Amount":10.00,"Invoice":{"Type":"ACCRECCREDIT","InvoiceNumber":"CRN-004609","CurrencyCode":"GBP"}}]}"#
        }
        let (folder, ledger, _) = try ReconcileCommandTests.exportedSamples(refunds: "RefundId,Amount\n")
        let xero = folder.appendingPathComponent("xero.json")
        try payment("AUTHORISED").write(to: xero, atomically: true, encoding: .utf8)
        let applied = try Run(["reconcile", xero.path, "--out", folder.appendingPathComponent("r1").path] + ledger)
        #expect(applied.stdout.contains("1 partial"), "\(applied.stdout)")
        try payment("DELETED").write(to: xero, atomically: true, encoding: .utf8)
        let reversed = try Run(["reconcile", xero.path, "--out", folder.appendingPathComponent("r2").path] + ledger)
        #expect(reversed.status == 1 && reversed.stdout.contains("1 reversal"), "\(reversed.stdout)")
        #expect(try Run(["reconcile", "--pending"] + ledger).stdout.contains("reversal: refund p-9"))
        let acknowledged = try Run(
            ["resolve", "p-9", "--source", "xero", "--ignore", "--note", "reversed in KCC"] + ledger)
        #expect(acknowledged.status == 0, "\(acknowledged.stderr)")
        let whole = folder.appendingPathComponent("whole.csv")
        try "RefundId,CreditNote,Amount,Currency,Date\nW1,CRN-004609,39.59,GBP,2026-11-25\n".write(
            to: whole, atomically: true, encoding: .utf8)
        let after = try Run(["reconcile", whole.path, "--out", folder.appendingPathComponent("r3").path] + ledger)
        #expect(after.stdout.contains("1 matched"), "the whole credit note is open again: \(after.stdout)")
    }
}
