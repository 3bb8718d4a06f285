import KCCModel

/// An earlier export of a document number to a target: the reason a converter
/// holds the document back instead of sending it twice.
package struct PriorExport: Sendable, Hashable, CustomStringConvertible {
    package var number: String
    package var kind: DocumentKind
    package var target: String
    package var run: RunID
    package var exportedAt: Timestamp
    package var outputFile: String
    package var outputIndex: Int
    package var occurrence: Int

    package init(
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
    package var description: String {
        "\(number) was already exported to \(target) on \(exportedAt.date) in run \(run), file \(outputFile)"
    }
}
