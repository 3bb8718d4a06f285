import Configuration
import Conversion
import Foundation
import KCCModel
import KCCTestSupport
import Ledger
import Logging
import PackageInterface
import PackageRegistry
import Reconciliation
import Refunds
import Tally
import Testing

/// The registry as the program ships it, plus the throwaway package: the one
/// line `PackageRegistry` would gain.
private let packages = PackageSet(PackageRegistry.all.packages + [TallyPackage()])

@Suite("A new accounting package is one folder and one registry line (docs/adding-a-package.md)")
struct AddingAPackageTests {
    @Test(
        "its configuration section and tax-code field are read by the loader, with errors as precise as the built-in ones"
    )
    func configuration() throws {
        let good = try ConfigurationLoader.parse(
            """
            tally:
              ledger_code: L9
            tax_codes:
              T1: { name: "20% (VAT on Income)", code: OUTPUT2, tally: V20X }
            """, file: "t.yaml", packages: packages)
        #expect(good[TallySettings.self].ledgerCode == "L9")
        #expect(good.taxCodes["T1"]?[TallyPackage.taxField] == "V20X")
        #expect(packages.defaultConfiguration.taxCodes["T5"]?[TallyPackage.taxField] == "V5")

        do {
            _ = try ConfigurationLoader.parse(
                "tally:\n  ledger_code: L9\n  colour: red\n", file: "t.yaml", packages: packages)
            Issue.record("an unknown key was accepted")
        } catch {
            #expect(error.description == "t.yaml:3: error: tally.colour: is not a known key (known here: ledger_code)")
        }
        // Without the package, its section is not a known key.
        #expect(throws: ConfigurationError.self) {
            try ConfigurationLoader.parse("tally:\n  ledger_code: L9\n", file: "t.yaml", packages: PackageRegistry.all)
        }
    }

    @Test("the registry's packages claim nothing twice; a clash is named")
    func conflicts() {
        #expect(PackageRegistry.all.conflicts.isEmpty)
        #expect(packages.conflicts.isEmpty)
        let clash = PackageSet(PackageRegistry.all.packages + [ClashingPackage()])
        #expect(clash.conflicts == ["export target 'xero-csv' is claimed by Xero and Clash"])
    }

    @Test("convert writes its files and records them; reconcile reads its refund files and writes its refund file")
    func endToEnd() throws {
        let folder = TestFiles.makeFolder()
        let ledger = try Ledger(path: folder + "/ledger.sqlite", logger: Logger(label: "test"))
        let configuration = packages.defaultConfiguration
        let format = try #require(try packages.exportFormat("tally-csv", configuration: configuration))
        let converter = Converter(
            format: format, configuration: configuration, journal: LedgerJournal(ledger: ledger),
            logger: Logger(label: "test"))
        let batch = TestFiles.repositoryRoot() + "/samples/batch-2026-11.csv"
        let report = converter.convert(batch, options: ConversionOptions(outputFolder: folder)) { _ in }
        #expect(report.failure == nil && report.written > 0)
        let written = try #require(TestFiles.read(folder + "/batch-2026-11.tally-documents.csv"))
        #expect(
            written.hasPrefix("Number,Date,Customer,Gross,Ledger,Band\r\n")
                || written.hasPrefix("Number,Date,Customer,Gross,Ledger,Band\n"))
        #expect(written.contains("CRN-004608,2026-11-07,Tom Fletcher,59.99,SALES,V20"))

        // Its refund list is recognised among every package's files.
        let refunds = folder + "/tally-refunds.txt"
        TestFiles.write(refunds, "TALLY-REFUNDS\nT-1;CRN-004608;10.00;GBP;2026-11-22\n")
        let reading = RefundFile(readers: packages.refundReaders)
        #expect(try reading.sniff(refunds, "r") == "tally-refunds")

        // A channel's refund, sent on to Tally because the credit note went there.
        let channel = folder + "/channel.csv"
        TestFiles.write(channel, "RefundId,CreditNote,Amount,Date\nCH-1,CRN-004608,20.00,2026-11-21\n")
        var options = ReconcileOptions(outputFolder: folder, refundFile: reading)
        options.refundDestinations = [
            try #require(RefundDestination("tally-refunds", packages: packages, configuration: configuration))
        ]
        let run = ReconciliationRun(store: LedgerReconciliationStore(ledger: ledger), logger: Logger(label: "test"))
        let reconciled = run.reconcile(channel, options: options)
        #expect(reconciled.failure == nil)
        #expect(try reconciled.decisions.all().map(\.outcome) == [.partial])
        #expect(TestFiles.read(folder + "/channel.tally-refunds.csv")?.contains("CRN-004608,20.00,SALES") == true)

        // Tally's own refund of the same credit note is already in Tally: never written back there.
        let own = run.reconcile(refunds, options: options)
        let ownDecisions = try own.decisions.all()
        #expect(ownDecisions.map(\.outcome) == [.partial] && ownDecisions.first?.refund.system == "tally")
        #expect(own.notes.contains { $0.contains("came from tally and is already there") })
    }
}

/// A package that claims Xero's target.
private struct ClashingPackage: AccountingPackage {
    let displayName = "Clash"
    let sourceSystem = "clash"
    let exportTargets = ["xero-csv"]
    func exportFormat(_ target: String, configuration: BridgeConfiguration) -> (any ExportFormat)? { nil }
}
