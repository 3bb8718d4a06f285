import DurableOutput
import Foundation
import KCCModel
import PackageInterface
import XMLStreaming

/// Xero's Accounting API responses in XML (`<Response>`), streamed record by record.
struct XeroXMLRefundReader: RefundReader {
    let format = "xero-xml"
    let summary = "Xero Accounting API responses in XML: Payments, CreditNotes, Overpayments, Prepayments"

    func recognises(_ head: [UInt8]) -> Bool {
        guard head.first == UInt8(ascii: "<") else { return false }
        let text = String(decoding: head, as: UTF8.self)
        return text.contains("<Response") || text.contains("<ApiException")
    }

    func read(_ path: String, displayName name: String, settings: RefundSettings) throws(FileRefusal) -> RefundRead {
        if let head = FileHead.text(path), head.contains("<ApiException") { throw apiException(path, name) }
        var read = RefundRead()
        var error: (words: String, line: Int)?
        let records = XeroRefunds.records.union(["Errors", "Status"])
        try XMLRecords.scan(path, name, root: "Response", records: records, rootLevel: ["Errors", "Status"]) { record in
            switch record.name {
            case "Errors":
                error = error ?? (XeroRefunds.errorText(record) ?? "an error with no message", record.line)
            case "Status":
                let status = record.text.trimmingWhitespace()
                if status != "OK" { error = error ?? ("status \(status)", record.line) }
            default:
                XeroRefunds.take(record, file: name, into: &read)
            }
        }
        if let error { throw XeroRefunds.refusal(name, line: error.line, error.words) }
        return read
    }

    /// An `ApiException` body. Xero labels these `utf-16` while sending UTF-8,
    /// so it is read as text, only to quote it: nothing in it is data.
    private func apiException(_ path: String, _ name: String) -> FileRefusal {
        let text = FileBytes.read(path, limit: 1 << 20).map { String(decoding: $0, as: UTF8.self) } ?? ""
        func all(_ element: String) -> [String] {
            text.components(separatedBy: "<\(element)>").dropFirst().compactMap { part in
                part.components(separatedBy: "</\(element)>").first.map(Self.unescape)
            }
        }
        let head = [all("Type").first, all("ErrorNumber").first.map { "(\($0))" }].compactMap { $0 }.joined(
            separator: " ")
        var seen: Set<String> = []
        let messages = all("Message").filter { seen.insert($0).inserted }.prefix(5)
        let words = ([head].filter { !$0.isEmpty } + messages).joined(separator: ": ")
        return XeroRefunds.refusal(name, line: 1, words.isEmpty ? "ApiException" : words)
    }

    private static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&").trimmingWhitespace()
    }
}

/// Xero's Accounting API responses in JSON, the API's default format.
struct XeroJSONRefundReader: RefundReader {
    let format = "xero-json"
    let summary = "Xero Accounting API responses in JSON: Payments, CreditNotes, Overpayments, Prepayments"
    /// The top-level collections that hold records.
    static let collections: Set<String> = ["Payments", "CreditNotes", "Overpayments", "Prepayments"]

    func recognises(_ head: [UInt8]) -> Bool {
        guard head.first == UInt8(ascii: "{") else { return false }
        let text = String(decoding: head, as: UTF8.self)
        return Self.collections.contains { text.contains("\"\($0)\"") } || text.contains("\"ErrorNumber\"")
            || (text.contains("\"Title\"") && text.contains("\"Detail\""))
    }

    func read(_ path: String, displayName name: String, settings: RefundSettings) throws(FileRefusal) -> RefundRead {
        let tree = try JSONRecords.read(path, name, root: "Response")
        let collections = tree.children.filter { Self.collections.contains($0.name) }
        let status = tree.value("Status")
        let isError =
            tree["ErrorNumber"] != nil || (collections.isEmpty && tree["Detail"] != nil)
            || (status != nil && status != "OK" && collections.isEmpty)
        if isError {
            throw XeroRefunds.refusal(
                name, line: tree.line, XeroRefunds.errorText(tree) ?? "status \(status ?? "unknown")")
        }
        guard !collections.isEmpty else {
            throw FileRefusal(
                at: SourceLocation(file: name, line: 1),
                "this JSON holds none of \(Self.collections.sorted().joined(separator: ", ")): it is not a Xero response this reads"
            )
        }
        var read = RefundRead()
        for collection in collections {
            for record in collection.children where XeroRefunds.records.contains(record.name) {
                XeroRefunds.take(record, file: name, into: &read)
            }
        }
        return read
    }
}
