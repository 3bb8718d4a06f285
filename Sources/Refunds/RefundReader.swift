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

    /// Every `--from` name: the packages' formats, the CSV profiles (built in
    /// and configured), and `refund-csv` for the generic reading.
    package func formats(_ settings: RefundSettings = RefundSettings()) -> [String] {
        readers.map(\.format) + CSVRefundReader.profiles(settings).map(\.name) + [Self.csvFormat]
    }

    /// Every `--from` name with what it reads, for help and the README.
    package func descriptions(_ settings: RefundSettings = RefundSettings()) -> [(name: String, summary: String)] {
        readers.map { ($0.format, $0.summary) } + CSVRefundReader.profiles(settings).map { ($0.name, $0.summary) }
            + [(Self.csvFormat, CSVProfile.generic(settings).summary)]
    }

    /// Reads `path` in `format` (a package's format or a CSV profile), or the
    /// format sniffed from its content when `nil`. Whole-file problems throw; a
    /// bad record comes back as a refund with problems. `source` names the
    /// source of a CSV's refunds (`--source`), over the profile's.
    package func read(
        _ path: String, displayName: String? = nil, format: String? = nil,
        settings: RefundSettings = RefundSettings(), source: String? = nil
    ) throws(FileRefusal) -> RefundRead {
        var refunds: [Refund] = []
        do {
            let notRefunds = try each(
                path, displayName: displayName, format: format, settings: settings, source: source
            ) { refunds.append($0) }
            return RefundRead(refunds: refunds, notRefunds: notRefunds)
        } catch let refusal as FileRefusal {
            throw refusal
        } catch {
            throw FileRefusal(at: SourceLocation(file: displayName ?? path), because: error)
        }
    }

    /// Reads the file as ``read(_:displayName:format:settings:source:)`` does, but hands each refund to `body` as
    /// soon as it is read (a CSV streams; a package's file, a response of bounded size, is read whole first),
    /// and returns the counts of records that are not refunds. Whole-file problems throw a ``FileRefusal``,
    /// possibly after some refunds were handed over; what `body` throws comes out as it is. A CSV file tells
    /// `position`, before each refund, how many of its bytes are read and how many it holds (a package's file,
    /// read whole, does not, nor does a pipe, whose size is not known).
    package func each(
        _ path: String, displayName: String? = nil, format: String? = nil,
        settings: RefundSettings = RefundSettings(), source: String? = nil,
        position: ((_ bytesRead: Int, _ fileBytes: Int) -> Void)? = nil, _ body: (Refund) throws -> Void
    ) throws -> [String: Int] {
        let name = displayName ?? path
        let chosen: String
        if let format { chosen = format } else { chosen = try sniff(path, name) }
        let profiles = CSVRefundReader.profiles(settings).map(\.name) + [Self.csvFormat]
        if profiles.contains(chosen) {
            // A sniffed CSV finds its profile by its header; a named one is forced.
            let forced = format == nil ? nil : chosen
            return try CSVRefundReader.read(
                path, name, settings: settings, profile: forced, source: source, position: position, emit: body)
        }
        guard let reader = readers.first(where: { $0.format == chosen }) else {
            throw FileRefusal(
                at: SourceLocation(file: name),
                "'\(chosen)' is not a refund format (known: \(formats(settings).joined(separator: ", ")))")
        }
        let read = try reader.read(path, displayName: name, settings: settings)
        for var refund in read.refunds {
            // The organisation or company file the user names: `xero/uk-shop`, so two of one package never meet.
            if let source { refund.system += "/\(source)" }
            try body(refund)
        }
        return read.notRefunds
    }

    /// The format of a refund file, from its content: the first package reader
    /// that recognises its start; anything else that starts like text with
    /// commas is CSV. A file it cannot place is an error, never a guess.
    package func sniff(_ path: String, _ name: String) throws(FileRefusal) -> String {
        // A KCC batch given to reconcile is said to be one, whatever its encoding.
        guard let head = FileHead.bytes(path) else {
            throw FileRefusal(at: SourceLocation(file: name), FileHead.whyUnreadable(path))
        }
        if let reader = readers.first(where: { $0.recognises(Array(head)) }) { return reader.format }
        if head.first == UInt8(ascii: "{") || head.first == UInt8(ascii: "[") {
            throw FileRefusal(
                at: SourceLocation(file: name, line: 1),
                "this JSON is not a refund file any package reads (\(readers.map(\.summary).joined(separator: "; "))); name the format with --from"
            )
        }
        if head.first == UInt8(ascii: "<") {
            if Array(head).firstRange(of: Array("<KCCExportBatch".utf8)) != nil {
                throw FileRefusal.batchNotRefunds(name, "its root element is <KCCExportBatch>")
            }
            throw FileRefusal(
                at: SourceLocation(file: name),
                "this XML is not a refund file any package reads (\(readers.map(\.summary).joined(separator: "; "))); name the format with --from"
            )
        }
        let firstLine = head.prefix { $0 != UInt8(ascii: "\n") }
        if firstLine.contains(UInt8(ascii: ",")) || firstLine.contains(UInt8(ascii: "\t")) { return Self.csvFormat }
        throw FileRefusal(
            at: SourceLocation(file: name, line: 1),
            "the file is not XML and its first line has no commas, so it is not a refund CSV either; name the format with --from"
        )
    }
}

extension FileRefusal {
    /// A KCC export batch given where refunds are read: the sentence that says so, and what to run instead.
    package static func batchNotRefunds(_ name: String, _ evidence: String, line: Int? = nil) -> FileRefusal {
        FileRefusal(
            at: SourceLocation(file: name, line: line),
            "this is a KCC export batch (\(evidence)), not a refund file: convert it with kccbridge convert \(name) --to TARGET --out DIR; reconcile reads the refunds read back from Xero, QuickBooks or a sales channel"
        )
    }
}
