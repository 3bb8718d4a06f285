import CSVStreaming
import Configuration
import Conversion
import DurableOutput
import Foundation
import KCCBatch
import KCCModel
import KCCTestSupport
import Ledger
import Mapping
import PackageInterface
import PackageRegistry
import QuickBooksCommon
import QuickBooksDesktop
import QuickBooksOnline
import Testing
import Xero

@Suite("Xero output against golden files")
struct XeroGoldenTests {
    @Test(
        "the samples convert to the golden files, for each target, with mapping off and on",
        arguments: [
            ("xero-csv", nil as String?, "xero-csv-default"),
            ("xero-csv", "samples/kccbridge.yaml", "xero-csv-mapped"),
            ("xero-xml", nil, "xero-xml-default"),
            ("xero-xml", "samples/kccbridge.yaml", "xero-xml-mapped"),
        ])
    func golden(target: String, config: String?, name: String) throws {
        Harness.expectGolden(target, configuration: try Harness.configuration(config), name: name)
    }

    @Test("the CSV header is Xero's 29-column template, byte for byte, and lines end in CRLF")
    func header() throws {
        let run = Harness.convert("samples/batch-2026-11.csv", to: "xero-csv")
        let text = try #require(TestFiles.read(run.folder + "/batch-2026-11.xero-invoices.csv"))
        #expect(
            text.hasPrefix(
                "*ContactName,EmailAddress,POAddressLine1,POAddressLine2,POAddressLine3,POAddressLine4,POCity,PORegion,POPostalCode,POCountry,*InvoiceNumber,Reference,*InvoiceDate,*DueDate,Total,InventoryItemCode,*Description,*Quantity,*UnitAmount,Discount,*AccountCode,*TaxType,TaxAmount,TrackingName1,TrackingOption1,TrackingName2,TrackingOption2,Currency,BrandingTheme\r\n"
            ))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(XeroCSVFormat.header.count == 29)
    }

    @Test(
        "credit notes: negative unit amounts by default, positive when configured; a cancelled order's credit note has no invoice"
    )
    func creditNoteSign() throws {
        let negative = Harness.convert("samples/batch-2026-11.csv", to: "xero-csv")
        let rows = try CSVReader(path: negative.folder + "/batch-2026-11.xero-credit-notes.csv").readAll()
        let unit = try #require(rows[0].fields.firstIndex(of: "*UnitAmount"))
        let number = try #require(rows[0].fields.firstIndex(of: "*InvoiceNumber"))
        #expect(rows.dropFirst().allSatisfy { $0.fields[unit].hasPrefix("-") })
        #expect(rows.dropFirst().contains { $0.fields[number] == "CRN-004608" })
        var configuration = PackageRegistry.all.defaultConfiguration
        configuration.xero.negativeCreditNotes = false
        let positive = Harness.convert("samples/batch-2026-11.csv", to: "xero-csv", configuration: configuration)
        let positiveRows = try CSVReader(path: positive.folder + "/batch-2026-11.xero-credit-notes.csv").readAll()
        #expect(positiveRows.dropFirst().allSatisfy { !$0.fields[unit].hasPrefix("-") })
    }
}

@Suite("Conversion runs")
struct ConversionRunTests {
    @Test("a batch of 1,200+ invoices splits into files of at most 500 documents, every document once")
    func parts() throws {
        let batch = TestFiles.temporaryPath(".csv")
        let file = try DurableFile(path: batch)
        try BatchGenerator(options: .init(orders: 1400, seed: 12)).generate(into: BatchFile.writer(.csv, to: file))
        try file.commit()
        defer { TestFiles.remove(batch) }
        let run = Harness.convert(batch, to: "xero-csv")
        let stem = String(batch.split(separator: "/").last!.dropLast(4))
        let names = TestFiles.names(in: run.folder).filter { $0.contains("invoices") }
        #expect(
            names == [
                "\(stem).xero-invoices.csv", "\(stem).xero-invoices.part2.csv", "\(stem).xero-invoices.part3.csv",
            ])
        var seen: [String] = []
        for name in names {
            let rows = try CSVReader(path: run.folder + "/" + name).readAll().dropFirst()
            var numbers: [String] = []
            for row in rows where numbers.last != row.fields[10] { numbers.append(row.fields[10]) }
            #expect(numbers.count <= 500)
            seen += numbers
        }
        let invoices = run.placements.filter { $0.kind == .invoice }.map(\.document)
        #expect(seen == invoices && Set(seen).count == seen.count && invoices.count > 1000)
    }

    @Test("a document with a totals problem is held back while the rest is written, and the problems file lists it")
    func heldBack() throws {
        let run = Harness.convert("samples/broken-batch.csv", to: "xero-csv")
        #expect(run.report.needsAttention)
        #expect(run.report.written == 3)
        let invoices = try #require(TestFiles.read(run.folder + "/broken-batch.xero-invoices.csv"))
        #expect(invoices.contains("INV-200101") && !invoices.contains("INV-200102"))
        let problems = try CSVReader(path: run.folder + "/broken-batch.xero-csv.problems.csv").readAll()
        #expect(problems[0].fields == ["File", "Line", "Severity", "Document", "Field", "Message"])
        #expect(problems.contains { $0.fields[3] == "INV-200102" && $0.fields[4] == "DocGross" && $0.fields[1] == "4" })
        #expect(
            try Converter.documentNumbers(inProblemsFile: run.folder + "/broken-batch.xero-csv.problems.csv").contains(
                "INV-200102"))
    }

    @Test("a pre-check lists exactly what the real run then writes, and writes nothing")
    func preCheck() throws {
        for input in ["samples/batch-2026-11.csv", "samples/broken-batch.csv"] {
            for target in PackageRegistry.all.exportTargets {
                let folder = TestFiles.makeFolder()
                let simulated = Harness.convert(input, to: target, preCheck: true, folder: folder)
                #expect(TestFiles.names(in: folder).isEmpty)
                let real = Harness.convert(input, to: target, folder: folder)
                #expect(simulated.placements == real.placements)
                #expect(simulated.findings == real.findings)
                #expect(simulated.report.outputs == real.report.outputs)
                #expect(Set(TestFiles.names(in: folder).map { folder + "/" + $0 }) == Set(real.report.outputs))
            }
        }
    }

    @Test("--only converts just the documents named, e.g. those of a problems file once fixed")
    func only() throws {
        let run = Harness.convert("samples/batch-2026-11.csv", to: "xero-csv", only: ["INV-100871", "CRN-004609"])
        #expect(run.placements.map(\.document) == ["INV-100871", "CRN-004609"])
        #expect(!run.findings.contains { $0.message.contains("--only names") })
    }

    @Test("--only says which numbers it names that the batch does not hold")
    func onlyMissing() throws {
        let run = Harness.convert("samples/batch-2026-11.csv", to: "xero-csv", only: ["INV-100871", "INV-10087l"])
        #expect(run.placements.map(\.document) == ["INV-100871"])
        let warnings = run.findings.filter { $0.message.contains("--only names 1 document this batch does not hold") }
        #expect(warnings.count == 1 && warnings[0].message.hasSuffix("INV-10087l"))
    }

    @Test("an existing output is never overwritten: the batch writes nothing and says why")
    func existingOutput() throws {
        let folder = TestFiles.makeFolder()
        TestFiles.write(folder + "/batch-2026-11.xero-credit-notes.csv", "keep me")
        let run = Harness.convert("samples/batch-2026-11.csv", to: "xero-csv", folder: folder)
        #expect(run.report.failure?.contains("already exists") == true)
        #expect(TestFiles.names(in: folder) == ["batch-2026-11.xero-credit-notes.csv"])
        #expect(TestFiles.read(folder + "/batch-2026-11.xero-credit-notes.csv") == "keep me")
    }

    @Test(
        "formula-like names follow each policy, amounts are never touched",
        arguments: TextCellPolicy.allCases.filter { $0 != .keep })
    func formulas(policy: TextCellPolicy) throws {
        let batch = TestFiles.temporaryPath(".csv")
        let file = try DurableFile(path: batch)
        try BatchGenerator(options: .init(orders: 60, seed: 5, nasty: true)).generate(
            into: BatchFile.writer(.csv, to: file))
        try file.commit()
        defer { TestFiles.remove(batch) }
        var configuration = PackageRegistry.all.defaultConfiguration
        configuration.textCells = policy
        let run = Harness.convert(batch, to: "xero-csv", configuration: configuration)
        let rows = TestFiles.names(in: run.folder).filter { !$0.contains("problems") }.flatMap { name in
            (try? CSVReader(path: run.folder + "/" + name).readAll().dropFirst()).map(Array.init) ?? []
        }
        let names = Set(rows.map { $0.fields[0] })
        let amounts = rows.map { $0.fields[18] }
        #expect(
            amounts.allSatisfy {
                (try? Money(parsing: $0, currency: .gbp, allowNegative: true)) != nil
                    || (try? Money(parsing: $0, currency: .eur, allowNegative: true)) != nil
            })
        switch policy {
        case .escape:
            #expect(names.contains("'=HYPERLINK(\"http://example.invalid\",\"click\")"))
            #expect(
                run.findings.contains {
                    $0.severity == .warning && $0.message.contains("starts like a spreadsheet formula")
                })
        case .strip:
            #expect(names.contains("HYPERLINK(\"http://example.invalid\",\"click\")"))
        case .refuse:
            #expect(!names.contains { TextCellPolicy.looksLikeFormula($0) })
            #expect(run.report.heldBack.count > 0)
        case .keep:
            break
        }
        #expect(!names.contains { TextCellPolicy.looksLikeFormula($0) })
    }
}

/// A journal whose last step fails, as when a second process exported the same batch first.
final class FailingJournal: ExportJournal {
    func priorExport(number: String, kind: DocumentKind, target: String) throws -> String? { nil }
    func begin(_ plan: ExportPlan) throws -> RunID { RunID(1) }
    func willWrite(_ run: RunID, path: String) throws {}
    func record(_ run: RunID, _ document: ExportedDocument) throws {}
    func complete(_ run: RunID) throws { throw OutputError(.system(call: "ledger commit", errno: 16), path: "ledger") }
    func abandon(_ run: RunID) throws {}
}

@Suite("Failures after the outputs are in place")
struct LateFailureTests {
    @Test(
        "when the ledger cannot record the run, the outputs already in place are removed: nothing the ledger does not know"
    )
    func ledgerFails() throws {
        let run = Harness.convert("samples/batch-2026-11.csv", to: "xero-csv", journal: FailingJournal())
        #expect(run.report.failure != nil)
        #expect(TestFiles.names(in: run.folder).isEmpty, "\(TestFiles.names(in: run.folder))")
    }

    @Test("a pre-check fails exactly as the real run would when an output name is taken")
    func preCheckSeesExistingOutputs() throws {
        let folder = TestFiles.makeFolder()
        _ = Harness.convert("samples/batch-2026-11.csv", to: "xero-csv", folder: folder)
        let simulated = Harness.convert("samples/batch-2026-11.csv", to: "xero-csv", preCheck: true, folder: folder)
        let real = Harness.convert("samples/batch-2026-11.csv", to: "xero-csv", folder: folder)
        #expect(simulated.report.failure?.contains("already exists") == true)
        #expect(simulated.report.failure == real.report.failure)
    }
}
