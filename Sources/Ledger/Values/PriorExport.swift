import KCCModel

/// An earlier export of a document number to a target: the reason a converter
/// holds the document back instead of sending it twice.
public struct PriorExport: Sendable, Hashable, CustomStringConvertible {
    public var number: String
    public var kind: DocumentKind
    public var target: String
    public var run: RunID
    public var exportedAt: Timestamp
    public var outputFile: String
    public var outputIndex: Int
    public var occurrence: Int

    public init(
        number: String, kind: DocumentKind, target: String, run: RunID, exportedAt: Timestamp, outputFile: String,
        outputIndex: Int, occurrence: Int
    ) {
        self.number = number
        self.kind = kind
        self.target = target
        self.run = run
        self.exportedAt = exportedAt
        self.outputFile = outputFile
        self.outputIndex = outputIndex
        self.occurrence = occurrence
    }

    /// `INV-100234 was already exported to xero-csv on 2026-11-20 in run 17, file /out/x.csv`.
    public var description: String {
        "\(number) was already exported to \(target) on \(exportedAt.date) in run \(run), file \(outputFile)"
    }
}
