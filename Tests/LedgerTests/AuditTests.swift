import DurableOutput
import KCCModel
import Ledger
import Testing

@Suite("The audit trail and the CSV a person can open")
struct AuditTests {
    @Test(
        "a credit note's history: its exports, the refunds against it and the resolutions naming it, in time order",
        arguments: stores)
    func history(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        let ledger = fixture.ledger
        let first = try fixture.export([Sample.credit("CRN-1")], to: "x.csv")
        fixture.clock.advance(seconds: 3600)
        try ledger.recordResolution(refundID: "R-9", decision: .match(creditNote: "CRN-1"), note: "phoned", by: "anna")
        fixture.clock.advance(seconds: 3600)
        let payments = try fixture.export(
            [], to: "kcc.csv", target: "kcc-payments", refunds: [Sample.refund("R-9", to: "CRN-1", 1_500)])
        fixture.clock.advance(seconds: 3600)
        let again = try fixture.export([Sample.credit("CRN-1", at: 7)], to: "y.csv", reexport: true)
        try fixture.export([Sample.credit("CRN-2")], to: "z.csv")

        let events = try ledger.history(number: "CRN-1")
        #expect(
            events.map(\.description) == [
                "2026-11-20T09:00:00Z  CREDIT CRN-1 (order SO-51877, C-10442 Jane Smith, 50.00 GBP) exported to xero-csv in run \(first), \(fixture.output("x.csv")):3",
                "2026-11-20T10:00:00Z  refund R-9 resolved as match:CRN-1 by anna (\"phoned\")",
                "2026-11-20T11:00:00Z  refund R-9 (xero) of 15.00 GBP applied to CRN-1 in run \(payments)",
                "2026-11-20T12:00:00Z  CREDIT CRN-1 (order SO-51877, C-10442 Jane Smith, 50.00 GBP) exported again (occurrence 2) to xero-csv in run \(again), \(fixture.output("y.csv")):7",
            ])
        // The refund's own id finds the same refund and resolution.
        #expect(try ledger.history(number: "R-9").count == 2)
        #expect(try ledger.history(number: "CRN-404").isEmpty)
    }

    @Test(
        "the CSV export is RFC 4180 with a header, exact amounts, and formula-like text made harmless",
        arguments: stores)
    func csv(store: StoreKind) throws {
        let fixture = try LedgerFixture(store: store)
        var awkward = Sample.invoice("INV-2", gross: 1_200, currency: Currency(code: "JPY")!)
        awkward.customerName = "=HYPERLINK(\"x\"), \"Smith\""
        let run = try fixture.export([Sample.invoice("INV-1"), awkward], to: "x.csv")
        let sink = MemorySink()
        try fixture.ledger.exportCSV(to: sink)
        let file = fixture.output("x.csv")
        let expected = [
            "run,exported_at,target,kind,number,occurrence,order_number,related_invoice,customer_code,customer_name,document_date,currency,gross,output_file,output_index",
            "\(run),2026-11-20T09:00:00.000Z,xero-csv,INVOICE,INV-1,1,SO-51877,,C-10442,Jane Smith,2026-11-18,GBP,120.00,\(file),2",
            #"\#(run),2026-11-20T09:00:00.000Z,xero-csv,INVOICE,INV-2,1,SO-51877,,C-10442,"'=HYPERLINK(""x""), ""Smith""",2026-11-18,JPY,1200,\#(file),2"#,
        ]
        #expect(sink.text == expected.map { $0 + "\r\n" }.joined())
    }

    @Test("an error of the sink stops the export and comes out unchanged", arguments: stores)
    func sinkFails(store: StoreKind) throws {
        final class FullDisk: ByteSink {
            func write(_ bytes: [UInt8]) throws(OutputError) {
                throw OutputError(.system(call: "write", errno: 28), path: "out.csv")
            }
        }
        let fixture = try LedgerFixture(store: store)
        try fixture.export([Sample.invoice("INV-1")], to: "x.csv")
        #expect(throws: OutputError(.system(call: "write", errno: 28), path: "out.csv")) {
            try fixture.ledger.exportCSV(to: FullDisk())
        }
    }
}
