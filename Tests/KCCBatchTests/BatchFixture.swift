import KCCBatch
import KCCModel
import KCCTestSupport

/// Builds small CSV batches row by row from a known-good base, so each test
/// changes exactly one thing and looks for exactly one finding.
struct BatchFixture {
    static let columns = BatchField.allCases.map(\.name)

    var rows: [[String: String]]
    var header: [String] = BatchFixture.columns

    static func invoiceRow(
        _ number: String = "INV-1", order: String = "SO-1", line: Int, sku: String, description: String,
        quantity: String, price: String, rate: String, net: String, tax: String,
        docNet: String, docTax: String, docGross: String, currency: String = "GBP"
    ) -> [String: String] {
        [
            "RecordType": "INVOICE", "DocNumber": number, "OrderNumber": order, "DocDate": "2026-11-02",
            "DueDate": "2026-12-02",
            "CustomerCode": "C-1", "CustomerName": "Jane Smith", "Email": "jane@example.com", "Country": "GB",
            "Currency": currency, "Source": "AMAZON", "Subsource": "Amazon UK", "PaymentMethod": "Amazon",
            "LineNo": "\(line)", "SKU": sku, "Description": description, "Quantity": quantity, "UnitPrice": price,
            "TaxCode": rate == "0" ? "T0" : "T1", "TaxRate": rate, "LineNet": net, "LineTax": tax,
            "DocNet": docNet, "DocTax": docTax, "DocGross": docGross,
        ]
    }

    /// INV-1 (two lines), its prepayment PAY-1, a partial credit CRN-1, and a cancelled-order credit CRN-2 without invoice.
    static var good: BatchFixture {
        BatchFixture(rows: [
            invoiceRow(
                line: 1, sku: "TENT", description: "Tent, two-person", quantity: "1", price: "100.00", rate: "20",
                net: "100.00", tax: "20.00", docNet: "110.99", docTax: "20.00", docGross: "130.99"),
            invoiceRow(
                line: 2, sku: "MAP", description: "Map", quantity: "1", price: "10.99", rate: "0",
                net: "10.99", tax: "0.00", docNet: "110.99", docTax: "20.00", docGross: "130.99"),
            [
                "RecordType": "PAYMENT", "DocNumber": "PAY-1", "OrderNumber": "SO-1", "DocDate": "2026-11-02",
                "CustomerCode": "C-1",
                "CustomerName": "Jane Smith", "Currency": "GBP", "PaymentMethod": "Amazon", "RelatedInvoice": "INV-1",
                "Amount": "130.99",
            ],
            [
                "RecordType": "CREDIT", "DocNumber": "CRN-1", "OrderNumber": "SO-1", "DocDate": "2026-11-09",
                "CustomerCode": "C-1",
                "CustomerName": "Jane Smith", "Currency": "GBP", "RelatedInvoice": "INV-1", "Reason": "Returned",
                "LineNo": "1", "Description": "Map", "Quantity": "1", "UnitPrice": "10.99", "TaxCode": "T0",
                "TaxRate": "0",
                "LineNet": "10.99", "LineTax": "0.00", "DocNet": "10.99", "DocTax": "0.00", "DocGross": "10.99",
            ],
            [
                "RecordType": "CREDIT", "DocNumber": "CRN-2", "OrderNumber": "SO-2", "DocDate": "2026-11-03",
                "CustomerCode": "C-2",
                "CustomerName": "Bob Jones", "Currency": "GBP", "Reason": "Cancelled",
                "LineNo": "1", "Description": "Stove", "Quantity": "2", "UnitPrice": "32.99", "DiscountPercent": "12.5",
                "TaxCode": "T1", "TaxRate": "20", "LineNet": "57.73", "LineTax": "11.55", "DocNet": "57.73",
                "DocTax": "11.55", "DocGross": "69.28",
            ],
        ])
    }

    /// Sets `column` to `value` on every row of document `number` (or on row `row` only).
    func setting(_ column: String, _ value: String, document number: String? = nil, row: Int? = nil) -> BatchFixture {
        var copy = self
        for index in copy.rows.indices {
            if let row, index != row { continue }
            if let number, copy.rows[index]["DocNumber"] != number { continue }
            copy.rows[index][column] = value
        }
        return copy
    }

    var csv: String {
        var lines = [header.map(quote).joined(separator: ",")]
        for row in rows { lines.append(header.map { quote(row[$0] ?? "") }.joined(separator: ",")) }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private func quote(_ field: String) -> String {
        field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            ? "\"" + field.replacingAll("\"", with: "\"\"") + "\"" : field
    }
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}

/// What reading a batch gave.
struct ReadResult {
    var documents: [Document] = []
    var findings: [Finding] = []
    var summary: BatchCheckSummary

    var errors: [Finding] { findings.filter { $0.severity == .error } }
    var warnings: [Finding] { findings.filter { $0.severity == .warning } }
    var numbers: [String] { documents.map(\.number) }
}

func read(
    csv text: String, name: String = "batch.csv", options: BatchReadOptions = BatchReadOptions()
) throws -> ReadResult {
    let path = temporaryPath(".csv")
    try writeFile(path, text)
    defer { removeFile(path) }
    return read(path: path, name: name, options: options)
}

func read(
    bytes: [UInt8], suffix: String = ".csv", name: String = "batch.csv", options: BatchReadOptions = BatchReadOptions()
) throws -> ReadResult {
    let path = temporaryPath(suffix)
    TestFiles.write(path, bytes: bytes)
    defer { removeFile(path) }
    return read(path: path, name: name, options: options)
}

func read(path: String, name: String? = nil, options: BatchReadOptions = BatchReadOptions()) -> ReadResult {
    var documents: [Document] = []
    var findings: [Finding] = []
    let summary = BatchFile.check(
        path, displayName: name ?? path, options: options, report: { findings.append($0) },
        accept: { document, _ in documents.append(document) })
    return ReadResult(documents: documents, findings: findings, summary: summary)
}

#if canImport(Glibc)
import Glibc
#endif
