import KCCBatch
import KCCModel
import Ledger

/// Where one document went: which file, which rows or elements.
package struct Placement: Sendable, Hashable, CustomStringConvertible {
    package var document: String
    package var kind: DocumentKind
    /// The final path of the output file.
    package var file: String
    package var first: Int
    package var last: Int
    /// `row` or `element`.
    package var unit: String

    /// `INV-100234 → out/b.xero-invoices.csv rows 2–3`: the same words in a pre-check and a real run.
    package var description: String {
        let range = first == last ? "\(unit) \(first)" : "\(unit)s \(first)–\(last)"
        return "\(document) → \(file) \(range)"
    }
}

/// What converting one batch file did (or, in a pre-check, would do).
package struct ConversionReport: Sendable {
    package var input: String
    package var target: String
    /// What reading the batch found.
    package var reading: BatchCheckSummary
    /// Documents written (or that would be).
    package var written = 0
    /// The kinds of document written (or that would be, in a pre-check).
    package var writtenKinds: Set<DocumentKind> = []
    /// Documents the target has no place for.
    package var notCarried = 0
    /// Good documents left out because `--only` does not name them.
    package var notSelected = 0
    /// Documents held back by mapping or the ledger (beyond what reading held back).
    package var heldBack: Set<String> = []
    package var warnings = 0
    /// Output files written (or that would be), in order; the problems file last.
    package var outputs: [String] = []
    package var problemsFile: String?
    /// A reason nothing was written for this input (a refused file, an output that exists …).
    package var failure: String?
    /// The ledger's own failure, when that is what stopped the run (the file itself may be fine).
    package var ledgerFailure: LedgerError?
    package var preCheck: Bool

    package init(input: String, target: String, preCheck: Bool) {
        self.input = input
        self.target = target
        self.preCheck = preCheck
        self.reading = BatchCheckSummary(file: input)
    }

    /// Every document held back, at reading or later.
    package var allHeldBack: Set<String> { reading.heldBack.union(heldBack) }

    /// Something needs a person: exit status 1.
    package var needsAttention: Bool { failure != nil || reading.hasErrors || !heldBack.isEmpty }
}
