/// An exported document as the ledger holds it: the document, and which
/// committed run exported it, when, and for which target.
package struct LedgerDocument: Sendable, Hashable, CustomStringConvertible {
    package var document: ExportedDocument
    package var run: RunID
    /// When its run was committed.
    package var exportedAt: Timestamp
    package var target: String
    /// 1, or 2, 3, … for each time the same number was exported again to the same target with `--reexport`.
    package var occurrence: Int

    package init(document: ExportedDocument, run: RunID, exportedAt: Timestamp, target: String, occurrence: Int) {
        self.document = document
        self.run = run
        self.exportedAt = exportedAt
        self.target = target
        self.occurrence = occurrence
    }

    /// `INVOICE INV-100234 (order SO-51877, C-10442 Jane Smith, 120.00 GBP) exported to xero-csv in run 17, /out/x.csv:3`.
    package var description: String {
        let d = document
        let again = occurrence > 1 ? " again (occurrence \(occurrence))" : ""
        return "\(d.kind) \(d.number) (order \(d.orderNumber), \(d.customerCode) \(d.customerName), \(d.gross))"
            + " exported\(again) to \(target) in run \(run), \(d.outputFile):\(d.outputIndex)"
    }
}
