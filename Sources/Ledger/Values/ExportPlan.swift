/// What an export run is about to do: read one input, write these outputs for one target.
///
/// ``Ledger/beginRun(_:)`` records the plan before any output is written, so
/// that a crash before ``Ledger/completeRun(_:documents:refunds:)`` can be
/// undone: the planned outputs are exactly the files recovery removes.
package struct ExportPlan: Sendable, Hashable {
    /// The input as the user named it, e.g. `orders-2026-11-20.csv`.
    package var inputFile: String
    /// The input's SHA-256, 64 hexadecimal digits.
    package var inputSHA256: String
    /// The system the outputs are for, e.g. `xero-csv`, `qbo-xml`, `kcc-payments`.
    package var target: String
    /// Every file the run may create. Relative paths are taken from the
    /// current folder and stored absolute. None may exist yet.
    package var outputPaths: [String]
    /// `true` when the user asked to export again documents that were
    /// exported before (`--reexport`); each repeat is recorded as a new occurrence.
    package var reexport: Bool

    package init(inputFile: String, inputSHA256: String, target: String, outputPaths: [String], reexport: Bool = false)
    {
        self.inputFile = inputFile
        self.inputSHA256 = inputSHA256
        self.target = target
        self.outputPaths = outputPaths
        self.reexport = reexport
    }
}
