import KCCBatch
import KCCModel

/// Where one document went: which file, which rows or elements.
public struct Placement: Sendable, Hashable, CustomStringConvertible {
    public var document: String
    public var kind: DocumentKind
    /// The final path of the output file.
    public var file: String
    public var first: Int
    public var last: Int
    /// `row` or `element`.
    public var unit: String

    /// `INV-100234 → out/b.xero-invoices.csv rows 2–3`: the same words in a pre-check and a real run.
    public var description: String {
        let range = first == last ? "\(unit) \(first)" : "\(unit)s \(first)–\(last)"
        return "\(document) → \(file) \(range)"
    }
}

/// What converting one batch file did (or, in a pre-check, would do).
public struct ConversionReport: Sendable {
    public var input: String
    public var target: String
    /// What reading the batch found.
    public var reading: BatchCheckSummary
    /// Documents written (or that would be).
    public var written = 0
    /// Documents the target has no place for.
    public var notCarried = 0
    /// Documents held back by mapping or the ledger (beyond what reading held back).
    public var heldBack: Set<String> = []
    public var warnings = 0
    /// Output files written (or that would be), in order; the problems file last.
    public var outputs: [String] = []
    public var problemsFile: String?
    /// A reason nothing was written for this input (a refused file, an output that exists …).
    public var failure: String?
    public var preCheck: Bool

    public init(input: String, target: String, preCheck: Bool) {
        self.input = input
        self.target = target
        self.preCheck = preCheck
        self.reading = BatchCheckSummary(file: input)
    }

    /// Every document held back, at reading or later.
    public var allHeldBack: Set<String> { reading.heldBack.union(heldBack) }

    /// Something needs a person: exit status 1.
    public var needsAttention: Bool { failure != nil || reading.hasErrors || !heldBack.isEmpty }
}
