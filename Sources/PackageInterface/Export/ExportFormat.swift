import CSVStreaming
import KCCModel

/// One file format an accounting package imports (`xero-csv`, `qbd-iif`, …).
///
/// A format says which output family each document goes to and writes one
/// family's files; the conversion run does everything else (reading, mapping,
/// splitting into parts, durable writes, the ledger, the problems file). Its
/// package makes it with the settings it needs (``AccountingPackage/exportFormat(_:configuration:)``).
package protocol ExportFormat: Sendable {
    /// The `--to` name.
    var name: String { get }
    /// How formula-like text is treated in this format's files.
    var textPolicy: TextCellPolicy { get }
    /// Where a document goes, or why this format cannot carry it.
    func destination(of document: MappedDocument) -> Destination
    /// A writer for one file of `family`.
    func makeWriter(for family: OutputFamily) -> any FamilyWriter
    /// The sales account when the configuration names none (`channels.default_sales_account`):
    /// an account the package's standard chart has (Xero `200`, QuickBooks `Sales`).
    var defaultSalesAccount: String { get }
    /// Characters that would break this format's files inside a text field
    /// (IIF: tab and line breaks): the mapper writes a space instead and warns.
    var breakingCharacters: Set<Unicode.Scalar> { get }
    /// Why this format must hold back a document it would carry, although the
    /// mapper accepted it (a number longer than the package takes, a currency
    /// it cannot carry): each reason becomes an error finding.
    func refusals(of document: MappedDocument) -> [String]
    /// What the user must know about the files written, said once per batch
    /// as a warning (names written where Ids are needed), given the kinds of
    /// document written.
    func notices(written kinds: Set<DocumentKind>) -> [String]
    /// For a document this format refused, a record written to a file beside
    /// the outputs that lets the user put it right (QuickBooks Online: the
    /// customer to create first), or `nil`. Written once per `key`.
    func companion(of document: MappedDocument) -> Companion?
}

extension ExportFormat {
    /// Xero's standard chart of accounts: 200 Sales.
    package var defaultSalesAccount: String { "200" }
    package var breakingCharacters: Set<Unicode.Scalar> { [] }
    package func refusals(of document: MappedDocument) -> [String] { [] }
    package func notices(written kinds: Set<DocumentKind>) -> [String] { [] }
    package func companion(of document: MappedDocument) -> Companion? { nil }
}

/// A record written beside a conversion's outputs for a document held back:
/// the family its file is, the key it is written once for, and what the user
/// is told to do with it.
package struct Companion: Sendable, Hashable {
    package var family: OutputFamily
    package var key: String
    package var advice: String

    package init(family: OutputFamily, key: String, advice: String) {
        self.family = family
        self.key = key
        self.advice = advice
    }
}

/// Where a document goes in a format.
package enum Destination: Sendable, Hashable {
    case family(OutputFamily)
    /// The format has no place for it; the reason tells the user what to use instead.
    case notCarried(String)
}

/// A kind of output file of a format: `xero-invoices.csv`, `xero-credit-notes.xml` …
package struct OutputFamily: Sendable, Hashable {
    /// Goes into the file name: `<batch>.<name>.<ext>`.
    package var name: String
    package var fileExtension: String
    /// Documents per file before a new numbered part starts (Xero's CSV import takes 500).
    package var maxDocumentsPerFile: Int?
    /// What `rows` counts in placements: `row` (CSV lines, header = 1) or `element`.
    package var unit: String

    package init(name: String, fileExtension: String, maxDocumentsPerFile: Int? = nil, unit: String) {
        self.name = name
        self.fileExtension = fileExtension
        self.maxDocumentsPerFile = maxDocumentsPerFile
        self.unit = unit
    }
}

/// Writes one output file, document by document, as bytes.
///
/// `write` must not fail for anything about the document's content: the
/// mapper has already refused what cannot be written, so a failure here is a
/// programming error or a broken format, and fails the whole run.
package protocol FamilyWriter: AnyObject {
    /// Bytes at the start of every file (a CSV header, an XML root).
    func begin() throws -> [UInt8]
    /// The document's bytes and how many units (rows or elements) it takes.
    func write(_ document: MappedDocument) throws -> (bytes: [UInt8], units: Int)
    /// Bytes at the end of every file.
    func end() throws -> [UInt8]
    /// The first unit number a document can get (2 for a CSV with a header row).
    var firstUnit: Int { get }
}
