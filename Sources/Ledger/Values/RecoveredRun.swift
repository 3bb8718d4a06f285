/// What recovery did about one run that a crash left pending.
package struct RecoveredRun: Sendable, Hashable, CustomStringConvertible {
    /// The run as it was found (still `pending`).
    package var run: ExportRun
    /// Planned outputs that existed and were deleted.
    package var removedOutputs: [String]
    /// Temporary files of those outputs that were deleted (full paths).
    package var removedLeftovers: [String]
    /// Planned outputs left in place, each with the reason.
    package var keptOutputs: [KeptOutput]
    /// `true` when the run is now rolled back; `false` when an output could not
    /// be deleted and the run stays pending for the next recovery.
    package var rolledBack: Bool

    /// A planned output that recovery did not delete.
    package struct KeptOutput: Sendable, Hashable {
        package var path: String
        package var reason: String

        package init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    package init(
        run: ExportRun, removedOutputs: [String], removedLeftovers: [String], keptOutputs: [KeptOutput],
        rolledBack: Bool
    ) {
        self.run = run
        self.removedOutputs = removedOutputs
        self.removedLeftovers = removedLeftovers
        self.keptOutputs = keptOutputs
        self.rolledBack = rolledBack
    }

    /// `run 18 (orders.csv to xero-csv, started 2026-11-20T10:00:00Z) did not finish: removed /out/x.csv; rolled back`.
    package var description: String {
        var parts: [String] = []
        // A few by name; a long run's hundred parts by count and folder.
        if removedOutputs.count <= 3 {
            if !removedOutputs.isEmpty { parts.append("removed " + removedOutputs.joined(separator: ", ")) }
        } else {
            let folders = Set(removedOutputs.map { path in path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "." })
            parts.append(
                "removed its \(removedOutputs.count) output files from \(folders.sorted().joined(separator: ", "))")
        }
        if !removedLeftovers.isEmpty {
            parts.append("removed \(removedLeftovers.count) temporary file\(removedLeftovers.count == 1 ? "" : "s")")
        }
        for kept in keptOutputs { parts.append("kept \(kept.path) (\(kept.reason))") }
        if parts.isEmpty { parts.append("no output had been written") }
        parts.append(rolledBack ? "rolled back" : "left pending, to be retried")
        return "run \(run.id) (\(run.inputFile) to \(run.target), started \(run.startedAt)) did not finish: "
            + parts.joined(separator: "; ")
    }
}
