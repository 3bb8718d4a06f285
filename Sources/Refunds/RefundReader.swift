import DurableOutput
import KCCModel
import PackageInterface

/// Reads every refund of a file, in file order: the packages' own files
/// (through their ``RefundReader``s) and any CSV from a sales channel or a bank.
package struct RefundFile: Sendable {
    /// The `--from` name of a refund CSV.
    package static let csvFormat = "refund-csv"

    /// The packages' readers, tried in order when sniffing.
    package let readers: [any RefundReader]

    package init(readers: [any RefundReader]) {
        self.readers = readers
    }

    /// Every `--from` name.
    package var formats: [String] { readers.map(\.format) + [Self.csvFormat] }

    /// Reads `path` in `format`, or the format sniffed from its content when `nil`.
    /// Whole-file problems throw; a bad record comes back as a refund with problems.
    package func read(
        _ path: String, displayName: String? = nil, format: String? = nil,
        settings: RefundSettings = RefundSettings()
    ) throws(FileRefusal) -> RefundRead {
        let name = displayName ?? path
        let chosen: String
        if let format { chosen = format } else { chosen = try sniff(path, name) }
        if chosen == Self.csvFormat {
            return RefundRead(refunds: try CSVRefundReader.read(path, name, mapping: settings))
        }
        guard let reader = readers.first(where: { $0.format == chosen }) else {
            throw FileRefusal(
                at: SourceLocation(file: name),
                "'\(chosen)' is not a refund format (known: \(formats.joined(separator: ", ")))")
        }
        return try reader.read(path, displayName: name, settings: settings)
    }

    /// The format of a refund file, from its content: the first package reader
    /// that recognises its start; anything else that starts like text with
    /// commas is CSV. A file it cannot place is an error, never a guess.
    package func sniff(_ path: String, _ name: String) throws(FileRefusal) -> String {
        guard let head = FileHead.bytes(path) else {
            throw FileRefusal(at: SourceLocation(file: name), "the file cannot be read or is empty")
        }
        if let reader = readers.first(where: { $0.recognises(Array(head)) }) { return reader.format }
        if head.first == UInt8(ascii: "<") {
            throw FileRefusal(
                at: SourceLocation(file: name),
                "this XML is not a refund file any package reads (\(readers.map(\.summary).joined(separator: "; "))); name the format with --from"
            )
        }
        let firstLine = head.prefix { $0 != UInt8(ascii: "\n") }
        if firstLine.contains(UInt8(ascii: ",")) { return Self.csvFormat }
        throw FileRefusal(
            at: SourceLocation(file: name, line: 1),
            "the file is not XML and its first line has no commas, so it is not a refund CSV either; name the format with --from"
        )
    }
}
