import Foundation
import Testing

/// kill -9 of a real `kccbridge convert` or `reconcile` at the worst moments, then a restart:
/// the ledger and the output folder must agree, and the batch converts (the refunds apply) once.
@Suite("A convert or reconcile killed with SIGKILL is put right by the next run")
struct CrashRecoveryTests {
    @Test(
        "killed before or after its outputs are in place, before the ledger commit",
        arguments: ["convert:before-outputs", "convert:after-outputs"])
    func killed(at failpoint: String) throws {
        let folder = try temporaryFolder()
        let out = folder.appendingPathComponent("out").path
        let ledger = ["--ledger", folder.appendingPathComponent("ledger.sqlite").path]
        let batch = Run.repositoryRoot.appendingPathComponent("samples/batch-2026-11.csv").path

        let crashed = try Run(
            ["convert", batch, "--to", "xero-csv", "--out", out] + ledger,
            environment: ["KCCBRIDGE_FAILPOINT": failpoint])
        #expect(crashed.signal == SIGKILL)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        #expect(!left.isEmpty)  // temporary files or whole outputs the ledger does not know

        // Nothing is recorded as exported.
        let listed = try Run(["ledger", "list"] + ledger)
        #expect(listed.stdout.hasSuffix("0 documents\n"), "\(listed.stdout)")
        #expect(listed.stderr.contains("is unfinished"), "\(listed.stderr)")

        // The next run recovers (removes the crashed run's files, says so) and converts the batch once.
        let again = try Run(["convert", batch, "--to", "xero-csv", "--out", out] + ledger)
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stderr.contains("rolled back"), "\(again.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(
            files == [
                "batch-2026-11.xero-credit-notes.csv", "batch-2026-11.xero-csv.problems.csv",
                "batch-2026-11.xero-invoices.csv",
            ])
        #expect(try Run(["ledger", "list"] + ledger).stdout.hasSuffix("13 documents\n"))
        // And a third run holds everything back as already exported.
        let third = try Run(
            ["convert", batch, "--to", "xero-csv", "--out", folder.appendingPathComponent("out2").path] + ledger)
        #expect(third.status == 1 && third.stdout.contains("13 held back"))
    }

    /// The ledger's transaction of a reconcile begins before its refunds are decided and commits after its
    /// outputs are in place: a kill while it decides, once it has recorded the decisions, or on either side of
    /// the outputs, leaves nothing applied, and the next run applies each refund once.
    @Test(
        "a reconcile killed while deciding, with its decisions recorded, or before or after its outputs are in place, its ledger transaction open",
        arguments: ["reconcile:deciding", "reconcile:recording", "reconcile:before-outputs", "reconcile:after-outputs"])
    func reconcileKilled(at failpoint: String) throws {
        let folder = try temporaryFolder()
        let out = folder.appendingPathComponent("r").path
        let ledger = ["--ledger", folder.appendingPathComponent("ledger.sqlite").path]
        try ReconcileCommandTests.exportEveryOutcomeBatches(in: folder, ledger: ledger)
        let refunds = ReconcileCommandTests.fixtures.appendingPathComponent("every-outcome-refunds.csv").path
        let crashed = try Run(
            ["reconcile", refunds, "--out", out] + ledger, environment: ["KCCBRIDGE_FAILPOINT": failpoint])
        #expect(crashed.signal == SIGKILL)
        let applied = { try Run(["ledger", "export", "--table", "refunds"] + ledger).stdout }
        #expect(try applied().split(separator: "\r\n").count == 1, "only the header: nothing applied")

        let again = try Run(["reconcile", refunds, "--out", out] + ledger)
        #expect(again.status == 1, "\(again.stdout)\(again.stderr)")
        #expect(again.stderr.contains("rolled back"), "\(again.stderr)")
        #expect(again.stdout.contains("1 matched, 1 matched-by-order, 1 partial"), "\(again.stdout)")
        let files = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(
            files == [
                "every-outcome-refunds.kcc-payments.csv", "every-outcome-refunds.kcc-payments.xml",
                "every-outcome-refunds.reconciliation-report.csv", "every-outcome-refunds.reconciliation-report.html",
                "every-outcome-refunds.reconciliation-totals.csv",
            ])
        let rows = try applied().split(separator: "\r\n").dropFirst()
        #expect(rows.count == 3 && ["M1", "P1", "O1"].allSatisfy { id in rows.contains { $0.contains(",\(id),") } })
    }
}
