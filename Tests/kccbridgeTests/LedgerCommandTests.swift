import Foundation
import KCCModel
import KCCTestSupport
import Ledger
import Logging
import Testing

/// A ledger with two runs: an invoice and a credit note to xero-csv, then a
/// KCC payment import applying a refund to the credit note; and a resolution.
private func populatedLedger() throws -> (path: String, folder: URL) {
    let folder = try temporaryFolder()
    let path = folder.appendingPathComponent("ledger.sqlite").path
    let start = Timestamp(CalendarDate(year: 2026, month: 11, day: 20)!, seconds: 9 * 3600)
    let ledger = try Ledger(
        path: path, options: LedgerOptions(clock: { start }),
        logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
    )
    func export(
        _ documents: [ExportedDocument], to name: String, target: String, refunds: [RefundApplication] = []
    ) throws {
        let file = folder.appendingPathComponent(name).path
        let run = try ledger.beginRun(
            ExportPlan(
                inputFile: "batch.csv", inputSHA256: String(repeating: "e3", count: 32), target: target,
                outputPaths: [file]))
        try Data("x\r\n".utf8).write(to: URL(fileURLWithPath: file))
        try ledger.completeRun(
            run,
            documents: documents.map {
                var d = $0
                d.outputFile = file
                return d
            }, refunds: refunds)
    }
    let day = CalendarDate(year: 2026, month: 11, day: 18)!
    try export(
        [
            ExportedDocument(
                kind: .invoice, number: "INV-100234", orderNumber: "SO-51877", customerCode: "C-10442",
                customerName: "Jane Smith",
                date: day, gross: Money(minorUnits: 12_000, currency: .gbp), outputFile: "", outputIndex: 2),
            ExportedDocument(
                kind: .credit, number: "CRN-4511", orderNumber: "SO-51877", relatedInvoice: "INV-100234",
                customerCode: "C-10442",
                customerName: "Jane\nSmith", date: day, gross: Money(minorUnits: 5_000, currency: .gbp), outputFile: "",
                outputIndex: 4),
        ], to: "xero.csv", target: "xero-csv")
    try export(
        [], to: "kcc.csv", target: "kcc-payments",
        refunds: [
            RefundApplication(
                refundID: "R-1", sourceSystem: "xero", creditNote: "CRN-4511",
                amount: Money(minorUnits: 2_000, currency: .gbp))
        ])
    try ledger.recordResolution(refundID: "R-2", decision: .ignore, note: "test payment", by: "anna")
    return (path, folder)
}

@Suite("kccbridge ledger list, export and show, run as a user would")
struct LedgerCommandTests {
    @Test("list prints an aligned table and a count; filters narrow it")
    func list() throws {
        let (path, folder) = try populatedLedger()
        let run = try Run(["ledger", "list", "--ledger", path])
        #expect(run.status == 0)
        let file = folder.appendingPathComponent("xero.csv").path
        #expect(
            run.stdout == """
                RUN  EXPORTED (UTC)        TARGET    KIND     NUMBER      ORDER     CUSTOMER                 GROSS  FILE
                  1  2026-11-20T09:00:00Z  xero-csv  INVOICE  INV-100234  SO-51877  C-10442 Jane Smith  120.00 GBP  \(file):2
                  1  2026-11-20T09:00:00Z  xero-csv  CREDIT   CRN-4511    SO-51877  C-10442 Jane Smith   50.00 GBP  \(file):4
                2 documents

                """)
        let credits = try Run(
            ["ledger", "list", "--kind", "credit", "--order", "SO-51877", "--since", "2026-11-20"],
            environment: ["KCCBRIDGE_LEDGER": path])
        #expect(
            credits.status == 0 && credits.stdout.hasSuffix("\n1 document\n") && credits.stdout.contains("CRN-4511"))
        let none = try Run(["ledger", "list", "--since", "2026-11-21", "--ledger", path])
        #expect(none.status == 0 && none.stdout == "0 documents\n")
    }

    @Test("export writes every exported document as CSV to standard output")
    func export() throws {
        let (path, _) = try populatedLedger()
        let run = try Run(["ledger", "export", "--format", "csv", "--ledger", path])
        #expect(run.status == 0)
        let lines = run.stdout.components(separatedBy: "\r\n")
        // For a spreadsheet: UTF-8's byte-order mark first, so Excel reads it as UTF-8; --no-bom for scripts.
        #expect(lines.first == "\u{FEFF}" + Ledger.csvHeader.joined(separator: ","))
        let plain = try Run(["ledger", "export", "--no-bom", "--ledger", path])
        #expect(plain.stdout.hasPrefix(Ledger.csvHeader.joined(separator: ",") + "\r\n"))
        #expect(lines.count == 4 && lines[3].isEmpty)
        #expect(
            lines[2].contains(",CREDIT,CRN-4511,1,SO-51877,INV-100234,C-10442,\"Jane\nSmith\",2026-11-18,GBP,50.00,"))
    }

    @Test("show prints a credit note's trail and what is still open on it")
    func show() throws {
        let (path, folder) = try populatedLedger()
        let run = try Run(["ledger", "show", "CRN-4511", "--ledger", path])
        #expect(run.status == 0)
        #expect(
            run.stdout == """
                2026-11-20T09:00:00Z  CREDIT CRN-4511 (order SO-51877, C-10442 Jane\nSmith, 50.00 GBP) exported to xero-csv in run 1, \(folder.appendingPathComponent("xero.csv").path):4
                2026-11-20T09:00:00Z  refund R-1 (xero) of 20.00 GBP applied to CRN-4511 in run 2
                CRN-4511: gross 50.00 GBP, 1 refund applied 20.00 GBP, open 30.00 GBP

                """)
        let resolution = try Run(["ledger", "show", "R-2", "--ledger", path])
        #expect(resolution.stdout == "2026-11-20T09:00:00Z  refund R-2 resolved as ignore by anna (\"test payment\")\n")
    }

    @Test("a number not in the ledger, or no ledger at all, exits 1 with a sentence")
    func notThere() throws {
        let (path, folder) = try populatedLedger()
        let unknown = try Run(["ledger", "show", "INV-9", "--ledger", path])
        #expect(unknown.status == 1 && unknown.stdout == "INV-9 is not in the ledger\n")
        let missing = folder.appendingPathComponent("typo.sqlite").path
        let run = try Run(["ledger", "list", "--ledger", missing])
        #expect(run.status == 1)
        #expect(
            run.stderr
                == "error: there is no ledger at \(missing) (nothing has been exported with it yet); name one with --ledger\n"
        )
        #expect(!FileManager.default.fileExists(atPath: missing))
    }

    @Test(
        "a ledger address of an unknown kind is refused with exit 2; a PostgreSQL server that does not answer is named; no folder is made"
    )
    func addressRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kccbridge-scheme-\(getpid())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        TestFiles.write(folder.path + "/x.csv", "not a batch")
        for command in [["ledger", "list"], ["convert", "x.csv", "--to", "xero-csv", "--out", "out"]] {
            let unknown = try Run(command + ["--ledger", "mysql://anna@db.example/kcc"], in: folder)
            #expect(unknown.status == 2 && unknown.stderr.contains("is an address (mysql://…)"), "\(unknown.stderr)")
            // Port 1 on loopback: nothing listens there.
            let down = try Run(command + ["--ledger", "postgres://anna:secret@127.0.0.1:1/kcc"], in: folder)
            #expect(down.status != 0 && down.status != 2, "\(down.stderr)")
            #expect(down.stderr.contains("PostgreSQL server postgres://anna@127.0.0.1:1/kcc cannot be reached"))
            #expect(!down.stderr.contains("secret"))
        }
        #expect(TestFiles.names(in: folder.path) == ["x.csv"])
    }

    @Test(
        "ledger usage errors exit 2",
        arguments: [
            ["ledger", "list", "--kind", "refund"], ["ledger", "list", "--since", "20/11/2026"],
            ["ledger", "export", "--format", "xlsx"], ["ledger", "show"],
        ])
    func usage(arguments: [String]) throws {
        let run = try Run(arguments)
        #expect(run.status == 2)
        #expect(!run.stderr.isEmpty)
    }
}
