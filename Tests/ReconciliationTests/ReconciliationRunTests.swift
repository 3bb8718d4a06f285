import CSVStreaming
import Foundation
import KCCModel
import KCCPaymentImport
import KCCTestSupport
import Ledger
import Logging
import PackageInterface
import PackageRegistry
import QuickBooksCommon
import QuickBooksDesktop
import Reconciliation
import Refunds
import Synchronization
import Testing
import XMLStreaming

@Suite("A reconciliation run writes the KCC payment import and the report")
struct ReconciliationRunTests {
    static func sampleLedger() -> MemoryLedger {
        let ledger = MemoryLedger()
        ledger.add(creditNote: "CRN-004608", order: "SO-51874", gross: "59.99", customer: "Tom Fletcher")
        ledger.add(creditNote: "CRN-004609", order: "SO-51871", gross: "39.59", customer: "O'Neill, Siobhan")
        ledger.knownOrders.insert("SO-51872")
        return ledger
    }

    @Test("matched items go to the KCC import (CSV and valid XML); totals tie; every refund is in the report")
    func run() throws {
        let ledger = Self.sampleLedger()
        let folder = TestFiles.makeFolder()
        let run = ReconciliationRun(store: ledger, logger: Logger(label: "test"))
        let report = run.reconcile(
            fixtures + "/linnworks-refunds.csv", displayName: "linnworks-refunds.csv",
            options: ReconcileOptions(outputFolder: folder))
        #expect(report.failure == nil)
        #expect(
            try report.decisions.all().map(\.outcome) == [
                .matchedByOrder, .matchedByOrder, .skippedUnmatchedOrder, .invalid,
            ])
        #expect(report.summary.ties && report.summary.read == 4 && report.needsAttention)
        #expect(
            TestFiles.names(in: folder) == [
                "linnworks-refunds.kcc-payments.csv", "linnworks-refunds.kcc-payments.xml",
                "linnworks-refunds.reconciliation-report.csv", "linnworks-refunds.reconciliation-report.html",
                "linnworks-refunds.reconciliation-totals.csv",
            ])
        let totals = try #require(TestFiles.read(folder + "/linnworks-refunds.reconciliation-totals.csv"))
        #expect(totals.contains("matched-by-order,2,GBP,69.99,yes\r\n") && totals.contains("all refunds read,4,,,\r\n"))
        #expect(totals.contains("money read,,GBP,84.99,\r\n") && totals.contains("money matched,,GBP,69.99,yes\r\n"))
        #expect(totals.contains("money listed,,GBP,15.00,no\r\n") && totals.hasSuffix("totals tie,yes,,,\r\n"))
        let payments = try CSVReader(path: folder + "/linnworks-refunds.kcc-payments.csv").readAll()
        #expect(
            payments[0].fields == [
                "RefundId", "Date", "Amount", "Currency", "CreditNote", "OrderNumber", "Method", "Reference",
                "SourceSystem",
            ])
        #expect(payments.dropFirst().map { $0.fields[0] } == ["9001", "9002"])
        #expect(
            payments[1].fields == [
                "9001", "2026-11-21", "59.99", "GBP", "CRN-004608", "SO-51874", "", "AMZ-R-1", "linnworks",
            ])
        let schema = try KCCPaymentsSchema.compiled()
        #expect(schema.validate(path: folder + "/linnworks-refunds.kcc-payments.xml").isEmpty)
        let rows = try CSVReader(path: folder + "/linnworks-refunds.reconciliation-report.csv").readAll()
        for column in ["RefundId", "Outcome", "Reason", "CreditNote", "OrderNumber", "Amount", "Currency"] {
            #expect(rows[0].fields.contains(column))
        }
        let outcome = rows[0].fields.firstIndex(of: "Outcome")!
        #expect(
            rows.dropFirst().map { $0.fields[outcome] } == [
                "matched-by-order", "matched-by-order", "skipped-unmatched-order", "invalid",
            ])
        let html = try #require(TestFiles.read(folder + "/linnworks-refunds.reconciliation-report.html"))
        #expect(
            html.contains("skipped-unmatched-order")
                && html.contains("<span class=\"w\">resolve</span> <span class=\"w\">9003</span>")
                && !html.contains("<script src") && !html.contains("<link "), "self-contained: nothing fetched")
        #expect(ledger.completed.count == 1)
    }

    @Test("running the same file twice changes nothing: applied ones are duplicates, the rest keep their outcome")
    func idempotent() throws {
        let ledger = Self.sampleLedger()
        let run = ReconciliationRun(store: ledger, logger: Logger(label: "test"))
        let first = run.reconcile(
            fixtures + "/linnworks-refunds.csv", options: ReconcileOptions(outputFolder: TestFiles.makeFolder()))
        let second = ReconciliationRun(store: ledger, logger: Logger(label: "test"))
            .reconcile(
                fixtures + "/linnworks-refunds.csv", options: ReconcileOptions(outputFolder: TestFiles.makeFolder()))
        #expect(
            try first.decisions.all().map(\.outcome) == [
                .matchedByOrder, .matchedByOrder, .skippedUnmatchedOrder, .invalid,
            ])
        #expect(
            try second.decisions.all().map(\.outcome) == [.duplicate, .duplicate, .skippedUnmatchedOrder, .invalid])
        #expect(second.summary.ties)
        #expect(ledger.applied["CRN-004608"]?.amountText == "59.99")
    }

    @Test("a refund seen through two qbXML responses is counted once")
    func qbxmlOnce() throws {
        let ledger = MemoryLedger()
        ledger.add(creditNote: "CRN-004609", order: "SO-51871", gross: "39.59")
        ledger.add(creditNote: "CRN-004608", order: "SO-51874", gross: "59.99")
        let report = ReconciliationRun(store: ledger, logger: Logger(label: "test"))
            .reconcile(fixtures + "/qbd-refunds.qbxml", options: ReconcileOptions(outputFolder: TestFiles.makeFolder()))
        #expect(try report.decisions.all().map(\.outcome) == [.partial, .matched, .duplicate])
        #expect(try report.decisions.all()[0].evidence.contains { $0.contains("names credit note CRN-004609") })
    }

    @Test("a pre-check decides and writes nothing")
    func preCheck() throws {
        let folder = TestFiles.makeFolder()
        var options = ReconcileOptions(outputFolder: folder)
        options.preCheck = true
        let ledger = Self.sampleLedger()
        let report = ReconciliationRun(store: ledger, logger: Logger(label: "test")).reconcile(
            fixtures + "/xero-payments.xml", options: options)
        #expect(try report.decisions.all().map(\.outcome) == [.partial, .partial])
        #expect(TestFiles.names(in: folder).isEmpty && ledger.completed.isEmpty)
    }

    @Test("deciding a CSV says how much of the file is read, of its size, and how many refunds are decided")
    func progressOfDeciding() throws {
        var options = ReconcileOptions(outputFolder: TestFiles.makeFolder())
        let steps = Mutex<[(WorkProgress.Step, Int, Int?, Int?)]>([])
        options.progress = WorkProgress(onAdvance: { step, done, total, items in
            steps.withLock { $0.append((step, done, total, items)) }
        })
        let path = fixtures + "/linnworks-refunds.csv"
        let report = ReconciliationRun(store: Self.sampleLedger(), logger: Logger(label: "test")).reconcile(
            path, options: options)
        #expect(report.failure == nil)
        var info = stat()
        #expect(stat(path, &info) == 0)
        let deciding = steps.withLock { $0 }.filter { $0.0 == .deciding }
        #expect(deciding.count == 1)
        #expect(deciding.allSatisfy { $0.2 == Int(info.st_size) && $0.1 > 0 && $0.1 <= Int(info.st_size) && $0.3 == 0 })
    }

    @Test("Ctrl-C while the outputs are written: every output withdrawn, nothing recorded, the report says stopped")
    func stoppedWhileWriting() throws {
        let folder = TestFiles.makeFolder()
        var options = ReconcileOptions(outputFolder: folder)
        // Deciding four refunds asks once (at the first); every later question comes from the writing.
        let asked = Mutex(0)
        options.progress = WorkProgress(
            onAdvance: { _, _, _, _ in },
            shouldStop: {
                asked.withLock { count in
                    count += 1
                    return count > 1
                }
            })
        let ledger = Self.sampleLedger()
        let report = ReconciliationRun(store: ledger, logger: Logger(label: "test")).reconcile(
            fixtures + "/linnworks-refunds.csv", options: options)
        #expect(asked.withLock { $0 } > 1, "asked while writing")
        #expect(report.interrupted && report.failure != nil)
        #expect(TestFiles.names(in: folder).isEmpty, "no output and no temporary file left")
        #expect(ledger.completed.isEmpty)
    }

    @Test(
        "when the ledger's server is lost while it records the run, the files stay and the report says the outcome is not known, not that nothing was written"
    )
    func commitUnknown() throws {
        let folder = TestFiles.makeFolder()
        let ledger = Self.sampleLedger()
        ledger.completionError = LedgerError(.commitUnknown, "the connection was lost while it recorded the run")
        let run = ReconciliationRun(store: ledger, logger: Logger(label: "test"))
        let report = run.reconcile(fixtures + "/linnworks-refunds.csv", options: ReconcileOptions(outputFolder: folder))
        #expect(report.outcomeUnknown && !report.interrupted)
        #expect(report.failure?.message == "the connection was lost while it recorded the run")
        #expect(!report.outputs.isEmpty)
        #expect(report.outputs.allSatisfy { TestFiles.read($0) != nil }, "the files stay in place")
        // A later file starts from the ledger as it was: nothing of this one counts as applied.
        ledger.completionError = nil
        let again = run.reconcile(fixtures + "/linnworks-refunds.csv", options: ReconcileOptions(outputFolder: folder))
        #expect(again.failure == nil)
        #expect(try again.decisions.all().map(\.outcome) == report.decisions.all().map(\.outcome))
    }

    @Test("the embedded payments schema is schemas/kcc-payments.xsd, byte for byte")
    func schemaFile() {
        #expect(
            KCCPaymentsSchema.text + "\n" == TestFiles.read(TestFiles.repositoryRoot() + "/schemas/kcc-payments.xsd"))
    }
}

@Suite("Reconciling again into the same folder")
struct RerunTests {
    @Test(
        "the second run's outputs take a run-numbered name: nothing overwritten, nothing refused, the note says where")
    func runNumbered() throws {
        let folder = TestFiles.makeFolder()
        let ledger = ReconciliationRunTests.sampleLedger()
        let run = ReconciliationRun(store: ledger, logger: Logger(label: "test"))
        let first = run.reconcile(fixtures + "/linnworks-refunds.csv", options: ReconcileOptions(outputFolder: folder))
        let firstReport = TestFiles.read(folder + "/linnworks-refunds.reconciliation-report.csv")
        let second = run.reconcile(fixtures + "/linnworks-refunds.csv", options: ReconcileOptions(outputFolder: folder))
        let third = run.reconcile(fixtures + "/linnworks-refunds.csv", options: ReconcileOptions(outputFolder: folder))
        #expect(first.failure == nil && second.failure == nil && third.failure == nil)
        #expect(second.outputs.allSatisfy { $0.contains("/linnworks-refunds.run-2.") })
        #expect(third.outputs.allSatisfy { $0.contains("/linnworks-refunds.run-3.") })
        #expect(second.notes.contains { $0.contains("linnworks-refunds.run-2.*") })
        #expect(TestFiles.read(folder + "/linnworks-refunds.reconciliation-report.csv") == firstReport)
        #expect(TestFiles.names(in: folder).count == 15)
    }
}

@Suite("Refunds made in a sales channel, sent on to the accounting package")
struct RefundTargetTests {
    @Test("an IIF refund is a cheque from a bank account: without quickbooks.refund_account nothing is written")
    func iifNeedsBank() throws {
        var options = ReconcileOptions(outputFolder: TestFiles.makeFolder())
        options.refundDestinations = [
            try #require(
                RefundDestination(
                    "qbd-iif", packages: PackageRegistry.all, configuration: PackageRegistry.all.defaultConfiguration))
        ]
        let report = ReconciliationRun(store: ReconciliationRunTests.sampleLedger(), logger: Logger(label: "test"))
            .reconcile(fixtures + "/linnworks-refunds.csv", options: options)
        #expect(report.failure?.message.contains("set quickbooks.refund_account") == true)
        #expect(report.outputs.isEmpty)
    }

    @Test("--to qbo-xml: a Purchase per applied refund, at most 30 to a file (the batch endpoint's limit), then parts")
    func onlineParts() throws {
        let ledger = ReconciliationRunTests.sampleLedger()
        ledger.exportedTo = ["qbo-xml"]
        let folder = TestFiles.makeFolder()
        let csv = TestFiles.temporaryPath(".csv")
        defer { TestFiles.remove(csv) }
        let rows = (1...31).map { "R\($0),SO-51871,GBP,0.01,2026-11-21" }
        TestFiles.write(csv, (["RefundId,OrderNumber,Currency,Amount,Date"] + rows).joined(separator: "\n") + "\n")
        var options = ReconcileOptions(outputFolder: folder)
        options.send(to: ["qbo-xml"])
        let report = ReconciliationRun(store: ledger, logger: Logger(label: "test"))
            .reconcile(csv, displayName: "refunds.csv", options: options)
        #expect(report.failure == nil, "\(String(describing: report.failure))")
        let first = try #require(report.outputs.first { $0.hasSuffix(".qbo-refunds.xml") }.flatMap(TestFiles.read))
        let second = try #require(
            report.outputs.first { $0.hasSuffix(".qbo-refunds.part2.xml") }.flatMap(TestFiles.read))
        #expect(first.components(separatedBy: "<Purchase>").count - 1 == 30)
        #expect(second.components(separatedBy: "<Purchase>").count - 1 == 1)
        #expect(second.contains(#"bId="R31""#))
    }

    @Test("--to xero-xml and qbd-iif: one payment or one balanced transaction per applied refund")
    func targets() throws {
        let ledger = ReconciliationRunTests.sampleLedger()
        let folder = TestFiles.makeFolder()
        var options = ReconcileOptions(outputFolder: folder)
        options.send(to: ["xero-xml", "qbd-iif"])
        let report = ReconciliationRun(store: ledger, logger: Logger(label: "test"))
            .reconcile(fixtures + "/linnworks-refunds.csv", displayName: "linnworks-refunds.csv", options: options)
        #expect(report.failure == nil)
        let xero = try #require(TestFiles.read(folder + "/linnworks-refunds.xero-refund-payments.xml"))
        #expect(xero.components(separatedBy: "<Payment>").count - 1 == 2)
        #expect(
            xero.contains("<CreditNoteNumber>CRN-004608</CreditNoteNumber>") && xero.contains("<Amount>59.99</Amount>"))
        let iif = try #require(TestFiles.read(folder + "/linnworks-refunds.qbd-refunds.iif"))
        let rows = iif.split(separator: "\r\n").map {
            $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        }
        #expect(rows.filter { $0[0] == "TRNS" }.count == 2)
        var sum: Int64 = 0
        for row in rows where row[0] == "TRNS" || row[0] == "SPL" {
            // IIF's CCARD REFUND is a refund the business receives on its own card: a customer refund is a cheque.
            #expect(row[2] == "CHECK")
            #expect(row[0] == "SPL" ? row[4] == "Accounts Receivable" : row[4] == "Current Account")
            sum += try Money(parsing: row[7], currency: .gbp, allowNegative: true).minorUnits
        }
        #expect(sum == 0)
        #expect(rows.contains { $0[0] == "TRNS" && $0[5] == "Tom Fletcher" && $0[7] == "-59.99" })
    }
}

@Suite("Several refund files in one run")
struct MultiFileTests {
    @Test("a refund applied by an earlier file of the run is counted once, not twice")
    func runningBalanceAcrossFiles() throws {
        let ledger = ReconciliationRunTests.sampleLedger()
        let folder = TestFiles.makeFolder()
        let first = folder + "/q1.csv"
        let second = folder + "/q2.csv"
        TestFiles.write(first, "RefundId,CreditNote,Amount,Currency,Date\nQ1,CRN-004608,10.00,GBP,2026-11-20\n")
        TestFiles.write(second, "RefundId,CreditNote,Amount,Currency,Date\nQ2,CRN-004608,40.00,GBP,2026-11-21\n")
        let run = ReconciliationRun(store: ledger, logger: Logger(label: "test"))
        let a = run.reconcile(first, options: ReconcileOptions(outputFolder: folder))
        let b = run.reconcile(second, options: ReconcileOptions(outputFolder: folder))
        #expect(try a.decisions.all().map(\.outcome) == [.partial])
        let decided = try b.decisions.all()
        #expect(decided.map(\.outcome) == [.partial], "\(decided.map(\.reason))")
        #expect(decided[0].reason.contains("of the 49.99 GBP open"))
    }

    @Test("a file refused past its first few hundred refunds is refused whole: nothing counted, written or carried on")
    func refusedAfterDeciding() throws {
        let ledger = ReconciliationRunTests.sampleLedger()
        let folder = TestFiles.makeFolder()
        let broken = folder + "/broken.csv"
        // 700 refunds are read (and the first 500 decided) before the unterminated quote on the last line.
        var text = "RefundId,CreditNote,Amount,Currency,Date\nB0,CRN-004608,10.00,GBP,2026-11-20\n"
        for index in 1..<700 { text += "B\(index),SO-404,1.00,GBP,2026-11-20\n" }
        TestFiles.write(broken, text + "B700,\"CRN-004608,1.00,GBP,2026-11-20\n")
        let next = folder + "/next.csv"
        TestFiles.write(next, "RefundId,CreditNote,Amount,Currency,Date\nN1,CRN-004608,59.99,GBP,2026-11-21\n")
        let run = ReconciliationRun(store: ledger, logger: Logger(label: "test"))
        let refused = run.reconcile(broken, options: ReconcileOptions(outputFolder: folder))
        #expect(refused.failure?.location.line == 702, "\(String(describing: refused.failure))")
        #expect(refused.summary.read == 0 && refused.decisions.count == 0 && refused.outputs.isEmpty)
        #expect(TestFiles.names(in: folder) == ["broken.csv", "next.csv"])
        #expect(ledger.completed.isEmpty)
        // B0's 10.00 was never applied: the next file's refund of the whole 59.99 matches.
        let after = run.reconcile(next, options: ReconcileOptions(outputFolder: folder))
        #expect(try after.decisions.all().map(\.outcome) == [.matched])
    }

    @Test(
        "past the first few hundred refunds a repeat, a conflict and a credit note used up are still seen; a pre-check's file counts for the next, a refused one does not",
        arguments: [Reconciler.keysInMemory, 64])
    func balancesPastFirstRefunds(keysInMemory: Int) throws {
        let ledger = ReconciliationRunTests.sampleLedger()
        let folder = TestFiles.makeFolder()
        func file(_ name: String, _ rows: [String]) -> String {
            let path = folder + "/" + name
            TestFiles.write(
                path, "RefundId,CreditNote,OrderNumber,Amount,Currency,Date\n" + rows.joined(separator: "\n") + "\n")
            return path
        }
        // 600 refunds for an order never exported, between the ones that matter.
        func filler(_ from: Int) -> [String] { (from..<from + 600).map { "F\($0),,SO-404,1.00,GBP,2026-11-20" } }
        func named(_ report: ReconcileReport) throws -> [RefundOutcome] {
            try report.decisions.all().filter { !$0.refund.id.hasPrefix("F") }.map(\.outcome)
        }
        let first = file(
            "first.csv",
            ["A,CRN-004608,,10.00,GBP,2026-11-20", "B,CRN-004609,,5.00,GBP,2026-11-20"] + filler(0) + [
                "A,CRN-004608,,10.00,GBP,2026-11-20", "B,CRN-004609,,6.00,GBP,2026-11-20",
                "C,CRN-004608,,49.99,GBP,2026-11-21",
            ] + filler(1_000) + ["D,CRN-004608,,0.01,GBP,2026-11-22"])
        var options = ReconcileOptions(outputFolder: folder)
        options.preCheck = true
        // With 64 keys in memory, the balances are written to their database every few hundred refunds.
        let run = ReconciliationRun(store: ledger, logger: Logger(label: "test"), keysInMemory: keysInMemory)
        #expect(
            try named(run.reconcile(first, options: options)) == [
                .partial, .partial, .duplicate, .conflict, .matched, .overRefund,
            ])
        // E uses CRN-004609 up among the first 500 refunds; the file is refused 1,200 later: nothing of it counts.
        let broken = file(
            "broken.csv", ["E,CRN-004609,,34.59,GBP,2026-11-20"] + filler(5_000) + filler(6_000) + ["X,\"CRN"])
        #expect(run.reconcile(broken, options: options).failure != nil)
        // The first file's refunds count (CRN-004609 has 39.59 − 5.00 open; A was applied), the refused one's not.
        let second = file(
            "second.csv", filler(9_000) + ["E,CRN-004609,,34.59,GBP,2026-11-20", "A,CRN-004608,,10.00,GBP,2026-11-20"])
        #expect(try named(run.reconcile(second, options: options)) == [.matched, .duplicate])
    }
}

@Suite("Refunds are sent on only where they are not already")
struct RefundTargetGuardTests {
    @Test(
        "refunds read from Xero are not written back to Xero; credit notes never exported to the package are not either"
    )
    func guards() throws {
        let ledger = ReconciliationRunTests.sampleLedger()
        ledger.exportedTo = ["qbd-iif"]
        let folder = TestFiles.makeFolder()
        var options = ReconcileOptions(outputFolder: folder)
        options.send(to: ["xero-xml"])
        let report = ReconciliationRun(store: ledger, logger: Logger(label: "test")).reconcile(
            fixtures + "/xero-payments.xml", options: options)
        #expect(try report.decisions.all().filter(\.outcome.isApplied).count == 2)
        #expect(report.notes.filter { $0.contains("came from xero and is already there") }.count == 2)
        // Nothing to send: no file at all, and the run says so.
        #expect(report.notes.last == "no refund applied here is written for xero-xml")
        #expect(TestFiles.read(folder + "/xero-payments.xero-refund-payments.xml") == nil)
        let csvFolder = TestFiles.makeFolder()
        let csvReport = ReconciliationRun(
            store: ReconciliationRunTests.sampleLedger().with(exportedTo: ["qbd-iif"]), logger: Logger(label: "test")
        )
        .reconcile(
            fixtures + "/linnworks-refunds.csv",
            options: {
                var o = ReconcileOptions(outputFolder: csvFolder)
                o.send(to: ["xero-xml"])
                return o
            }())
        #expect(csvReport.notes.filter { $0.contains("was never exported to Xero") }.count == 2)
        #expect(csvReport.notes.count == 3)
    }
}

extension MemoryLedger {
    func with(exportedTo targets: Set<String>) -> MemoryLedger {
        exportedTo = targets
        return self
    }
}

@Suite("qbXML refund requests for refunds made in a sales channel")
struct QBXMLRefundTargetTests {
    @Test(
        "applied refunds become ARRefundCreditCardAdd requests against the credit memos' TxnIDs; a missing TxnID refuses the file"
    )
    func qbxmlRefunds() throws {
        var ids = try QBXMLCreditMemos.txnIDs(fixtures + "/qbd-refunds.qbxml")
        #expect(ids["004609"] == "1E9-1731900000" && ids["CRN-004609"] == "1E9-1731900000")
        let ledger = ReconciliationRunTests.sampleLedger()
        let folder = TestFiles.makeFolder()
        var options = ReconcileOptions(outputFolder: folder)
        options.send(to: ["qbd-qbxml"], creditNoteIDs: ids)
        // Refund 9001 pays back CRN-004608, whose TxnID the response lacks: applying it in KCC only would split the books.
        let refused = ReconciliationRun(store: ledger, logger: Logger(label: "test"))
            .reconcile(fixtures + "/linnworks-refunds.csv", displayName: "linnworks-refunds.csv", options: options)
        #expect(
            refused.failure?.message.contains("credit memo CRN-004608, whose QuickBooks TxnID is not in --credit-memos")
                == true)
        #expect(TestFiles.names(in: folder).isEmpty && ledger.completed.isEmpty)

        ids["CRN-004608"] = "1E2-1731500000"
        options.send(to: ["qbd-qbxml"], creditNoteIDs: ids)
        let report = ReconciliationRun(store: ledger, logger: Logger(label: "test"))
            .reconcile(fixtures + "/linnworks-refunds.csv", displayName: "linnworks-refunds.csv", options: options)
        #expect(report.failure == nil && report.notes.isEmpty)
        let path = folder + "/linnworks-refunds.qbd-refunds.qbxml"
        let text = try #require(TestFiles.read(path))
        #expect(
            text.contains("<?qbxml version=\"13.0\"?>") && text.contains("<TxnID>1E9-1731900000</TxnID>")
                && text.contains("<TxnID>1E2-1731500000</TxnID>"))
        #expect(text.components(separatedBy: "<ARRefundCreditCardAddRq").count == 3)
        let vendor = TestFiles.repositoryRoot() + "/../shared/vendor/qbxml/qbxmlops130.xsd"
        if access(vendor, F_OK) == 0 {
            #expect(try XMLSchema(path: vendor).validate(path: path).isEmpty)
        } else {
            print("notice: \(vendor) is absent; the qbXML schema check is skipped")
        }
    }

    @Test("a credit memo QuickBooks says has no credit remaining holds its refund back, in KCC too")
    func exhaustedCreditMemo() throws {
        let memos = TestFiles.temporaryPath(".qbxml")
        defer { TestFiles.remove(memos) }
        TestFiles.write(
            memos,
            """
            <?xml version="1.0" ?>
            <QBXML><QBXMLMsgsRs><CreditMemoQueryRs requestID="1" statusCode="0" statusSeverity="Info" statusMessage="Status OK">
            <CreditMemoRet><TxnID>1E9-1731900000</TxnID><RefNumber>004609</RefNumber><Memo>KCC CRN-004609, order SO-51871</Memo>
            <CreditRemaining>0.00</CreditRemaining></CreditMemoRet>
            <CreditMemoRet><TxnID>1E2-1731500000</TxnID><RefNumber>004608</RefNumber><Memo>KCC CRN-004608</Memo><CreditRemaining>59.99</CreditRemaining></CreditMemoRet>
            </CreditMemoQueryRs></QBXMLMsgsRs></QBXML>
            """)
        let inputs = try QBXMLCreditMemos.read(memos)
        #expect(inputs.remaining["004609"]?.isZero == true && inputs.remaining["CRN-004609"]?.isZero == true)
        let folder = TestFiles.makeFolder()
        var options = ReconcileOptions(outputFolder: folder)
        options.send(to: ["qbd-qbxml"], creditNoteIDs: inputs.creditNoteIDs, remaining: inputs.remaining)
        let report = ReconciliationRun(store: ReconciliationRunTests.sampleLedger(), logger: Logger(label: "test"))
            .reconcile(fixtures + "/linnworks-refunds.csv", displayName: "linnworks-refunds.csv", options: options)
        let held = try #require(try report.decisions.all().first { $0.refund.id == "9002" })
        #expect(held.outcome == .overRefund && held.reason.contains("has 0 remaining") && held.needsPerson)
        let kcc = try #require(TestFiles.read(folder + "/linnworks-refunds.kcc-payments.csv"))
        #expect(kcc.contains("9001,") && !kcc.contains("9002,"))
    }
}

@Suite("Reconciliation outputs against golden files")
struct ReconciliationGoldenTests {
    static let golden = TestFiles.repositoryRoot() + "/Tests/ReconciliationTests/Golden"

    @Test("the KCC payment import, the report and its totals for the Linnworks fixture, byte for byte")
    func golden() throws {
        // The refund file sits beside the output folder, so the report's link to it is the same on every machine.
        let base = TestFiles.makeFolder()
        let folder = base + "/out"
        try FileManager.default.copyItem(
            atPath: fixtures + "/linnworks-refunds.csv", toPath: base + "/linnworks-refunds.csv")
        var options = ReconcileOptions(outputFolder: folder)
        options.createdAt = "2026-11-21T09:30:00Z"
        options.timeZone = TimeZone(identifier: "Europe/London")!
        options.ledgerName = "ledger.sqlite"
        options.send(to: ["xero-xml", "qbd-iif"])
        let ledger = ReconciliationRunTests.sampleLedger()
        // An earlier run applied 5.00 to the credit note refund 9002 matches: the report names it.
        let earlier = try Money(parsing: "5.00", currency: .gbp)
        ledger.applied["CRN-004609"] = earlier
        ledger.appliedRefunds = [
            AppliedRefund(
                refund: RefundApplication(
                    refundID: "8001", sourceSystem: "linnworks", creditNote: "CRN-004609", amount: earlier),
                run: RunID(3), appliedAt: Timestamp(CalendarDate(year: 2026, month: 11, day: 2)!))
        ]
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let report = ReconciliationRun(store: ledger, logger: Logger(label: "test"))
            .reconcile(base + "/linnworks-refunds.csv", displayName: "linnworks-refunds.csv", options: options)
        #expect(report.failure == nil)
        let produced = TestFiles.names(in: folder)
        if ProcessInfo.processInfo.environment["KCCBRIDGE_UPDATE_GOLDEN"] == "1" {
            try? FileManager.default.removeItem(atPath: Self.golden)
            try FileManager.default.createDirectory(atPath: Self.golden, withIntermediateDirectories: true)
            for name in produced {
                try FileManager.default.copyItem(atPath: folder + "/" + name, toPath: Self.golden + "/" + name)
            }
            return
        }
        #expect(produced == TestFiles.names(in: Self.golden))
        for name in produced {
            #expect(
                TestFiles.read(folder + "/" + name) == TestFiles.read(Self.golden + "/" + name),
                "\(name) differs from its golden copy")
        }
    }
}

extension ReconcileOptions {
    /// Options reading refund files with every package's readers.
    init(outputFolder: String) {
        self.init(outputFolder: outputFolder, refundFile: RefundFile(readers: PackageRegistry.all.refundReaders))
    }

    /// The built-in configuration, with the bank account QuickBooks Desktop refunds are paid from.
    static var refundConfiguration: BridgeConfiguration {
        var configuration = PackageRegistry.all.defaultConfiguration
        configuration.quickbooks.refundAccount = "Current Account"
        return configuration
    }

    /// Also writes the applied refunds for these `reconcile --to` targets, with the built-in configuration.
    mutating func send(
        to targets: [String], creditNoteIDs: [String: String] = [:], remaining: [String: ExactDecimal] = [:]
    ) {
        refundDestinations = targets.map { target in
            guard
                let destination = RefundDestination(
                    target, packages: PackageRegistry.all, configuration: Self.refundConfiguration,
                    inputs: RefundWriterInputs(creditNoteIDs: creditNoteIDs, remaining: remaining))
            else { preconditionFailure("no package records refunds for \(target)") }
            return destination
        }
    }
}
