import DurableOutput
import KCCBatch
import KCCModel
import Testing

private func generated(_ encoding: BatchFile.Encoding, orders: Int, seed: UInt64, nasty: Bool) throws -> String {
    let path = temporaryPath("." + encoding.rawValue)
    let file = try DurableFile(path: path)
    try BatchGenerator(options: .init(orders: orders, seed: seed, nasty: nasty)).generate(
        into: BatchFile.writer(encoding, to: file))
    try file.commit()
    return path
}

private func xmlBatch(_ body: String) -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <KCCExportBatch xmlns="urn:kccbridge:kcc-batch:1" batchId="B1" created="2026-11-20T18:00:00Z" company="Ridge and Rill">
      <Customer CustomerCode="C-1"><Name>Jane Smith</Name></Customer>
    \(body)
    </KCCExportBatch>
    """
}

private let goodInvoice = """
      <SalesInvoice DocNumber="INV-1" OrderNumber="SO-1" DocDate="2026-11-02" DueDate="2026-12-02" CustomerCode="C-1" Currency="GBP">
        <Line LineNo="1" Quantity="1" UnitPrice="100.00" TaxCode="T1" TaxRate="20" LineNet="100.00" LineTax="20.00"><Description>Tent</Description></Line>
        <Totals net="100.00" tax="20.00" gross="120.00"/>
      </SalesInvoice>
    """

@Suite("KCC XML batch")
struct XMLBatchReaderTests {
    @Test(
        "the CSV and XML encodings of one batch give equal documents",
        arguments: [(false, UInt64(1)), (true, UInt64(2)), (true, UInt64(99))])
    func equivalence(nasty: Bool, seed: UInt64) throws {
        let csv = try generated(.csv, orders: 300, seed: seed, nasty: nasty)
        let xml = try generated(.xml, orders: 300, seed: seed, nasty: nasty)
        defer {
            removeFile(csv)
            removeFile(xml)
        }
        let fromCSV = read(path: csv)
        let fromXML = read(path: xml)
        #expect(fromCSV.findings.isEmpty)
        #expect(fromXML.findings.isEmpty)
        #expect(fromCSV.documents.count > 300)
        #expect(fromCSV.documents == fromXML.documents)
        let kinds = Set(fromCSV.documents.map(\.kind))
        #expect(kinds == [.invoice, .credit, .payment])
        #expect(
            fromCSV.documents.contains {
                if case .sales(let d) = $0 { d.kind == .credit && d.relatedInvoice == nil } else { false }
            })
    }

    @Test("the embedded schema is schemas/kcc-batch.xsd, byte for byte")
    func embeddedSchema() throws {
        let file = try #require(readFile(repositoryRoot + "/schemas/kcc-batch.xsd"))
        #expect(KCCBatchSchema.text + "\n" == file)
        _ = try KCCBatchSchema.compiled()
    }

    @Test("a good XML batch reads")
    func good() throws {
        let result = try read(xml: xmlBatch(goodInvoice))
        #expect(result.findings.isEmpty)
        #expect(result.documents.first?.customer.name == "Jane Smith")
    }

    @Test("domain checks run on XML with the same rules, naming the XML field")
    func domainChecks() throws {
        let result = try read(
            xml: xmlBatch(goodInvoice.replacingOccurrences(of: "gross=\"120.00\"", with: "gross=\"120.01\"")),
            name: "b.xml")
        #expect(
            result.errors.map(\.description) == [
                "b.xml:6: error: Totals gross 120.01 does not equal Totals net 100.00 + Totals tax 20.00 (off by 0.01) — document INV-1 held back"
            ])
    }

    @Test("a document whose customer is not in the batch is held back")
    func missingCustomer() throws {
        let result = try read(
            xml: xmlBatch(goodInvoice.replacingOccurrences(of: "CustomerCode=\"C-1\"", with: "CustomerCode=\"C-9\"")))
        #expect(
            result.errors.map(\.message) == [
                "CustomerCode C-9 has no Customer element in this batch — document INV-1 held back"
            ])
    }

    @Test("an XSD violation refuses the whole file with a line number")
    func invalid() throws {
        let result = try read(xml: xmlBatch(goodInvoice + "\n  <SalesInvoice DocNumber=\"INV-2\"/>"), name: "b.xml")
        #expect(result.summary.refused && result.documents.isEmpty)
        #expect(
            result.findings.first?.description.hasPrefix(
                "b.xml:8: error: the file does not follow the schema: Element '{urn:kccbridge:kcc-batch:1}SalesInvoice': The attribute 'OrderNumber' is required but missing; the whole file is refused"
            ) == true, "\(result.findings)")
    }

    @Test(
        "hostile and broken XML batches are refused before any document",
        arguments: [
            "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><KCCExportBatch xmlns=\"urn:kccbridge:kcc-batch:1\">&x;</KCCExportBatch>",
            "<?xml version=\"1.0\"?><KCCExportBatch xmlns=\"urn:kccbridge:kcc-batch:1\" batchId=\"B\" created=\"2026-11-20T18:00:00Z\" company=\"c\"><Customer CustomerCode=\"C-1\"><Name>J</Na",
            "<KCCExportBatch xmlns=\"urn:other\" batchId=\"B\" created=\"2026-11-20T18:00:00Z\" company=\"c\"/>",
            "not xml at all <",
        ])
    func hostile(text: String) throws {
        let result = try read(xml: text)
        #expect(result.summary.refused && result.documents.isEmpty)
    }

    @Test("a truncated batch is refused even when its first documents were fine, and libxml2's reason is given")
    func truncatedAfterGoodDocuments() throws {
        let text = xmlBatch(goodInvoice)
        let result = try read(xml: String(text.prefix(text.count - 30)))
        #expect(result.summary.refused && result.documents.isEmpty)
        #expect(result.findings.first?.message.contains("not well-formed XML (") == true)
        #expect(result.findings.first?.message.contains("the parser stopped") == false, "\(result.findings)")
    }

    @Test("purchase invoices are reported and skipped")
    func unsupported() throws {
        let result = try read(
            xml: xmlBatch(goodInvoice + "\n  <PurchaseInvoice DocNumber=\"PI-1\"><Anything/></PurchaseInvoice>"))
        #expect(result.errors.isEmpty && result.numbers == ["INV-1"])
        #expect(result.warnings.first?.message.contains("PurchaseInvoice PI-1 is not read by kccbridge") == true)
    }
}

func read(xml text: String, name: String = "batch.xml") throws -> ReadResult {
    let path = temporaryPath(".xml")
    try writeFile(path, text)
    defer { removeFile(path) }
    return read(path: path, name: name)
}
