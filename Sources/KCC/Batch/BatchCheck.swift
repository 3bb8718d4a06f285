import KCCModel

/// Reads a batch to the end and counts what a run would use and hold back:
/// what `kccbridge check` reports, and what every later command relies on.
public struct BatchCheckSummary: Sendable, Hashable {
    public var file: String
    /// Documents that passed every check.
    public var documentsRead = 0
    /// Numbers of documents held back by an error.
    public var heldBack: Set<String> = []
    /// Errors that hold back no single document (a skipped row, a refused file).
    public var otherErrors = 0
    public var warnings = 0
    /// The whole file was refused; nothing from it may be used.
    public var refused = false
    /// Reading stopped because a person asked (Ctrl-C); the file counts as refused, nothing of it used.
    public var interrupted = false

    public init(file: String) {
        self.file = file
    }

    /// Anything that needs a person: a document held back, a row skipped, a file refused.
    public var hasErrors: Bool { refused || !heldBack.isEmpty || otherErrors > 0 }

    /// Counts one finding.
    public mutating func count(_ finding: Finding) {
        switch finding.severity {
        case .error:
            if let document = finding.document { heldBack.insert(document) } else { otherErrors += 1 }
        case .warning:
            warnings += 1
        case .note:
            break
        }
    }
}

extension BatchFile {
    /// Reads `path` to the end, handing every finding to `report` as it is found
    /// (and, when given, every good document to `accept`).
    ///
    /// A refused file reports one error finding and counts no documents.
    public static func check(
        _ path: String, displayName: String? = nil, options: BatchReadOptions = BatchReadOptions(),
        report: (Finding) -> Void, accept: ((Document, SourceLocation) -> Void)? = nil
    ) -> BatchCheckSummary {
        let name = displayName ?? path
        var summary = BatchCheckSummary(file: name)
        do {
            let reader = try open(path, displayName: name, options: options)
            while let item = try reader.next() {
                switch item {
                case .document(let document, let location):
                    summary.documentsRead += 1
                    accept?(document, location)
                case .finding(let finding):
                    summary.count(finding)
                    report(finding)
                }
            }
        } catch {
            if error.underlying is WorkInterrupted {
                // Stopped by a person, not refused: the counts say how far it got.
                summary.interrupted = true
            } else {
                summary.refused = true
                summary.documentsRead = 0
                report(error.finding)
            }
        }
        return summary
    }
}
