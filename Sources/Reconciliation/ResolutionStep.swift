/// What a person can do about a refund that needs one. The reconciler says
/// which steps apply; a front end says them in its own words
/// (``ResolveCommands`` as `kccbridge resolve` commands).
package enum ResolutionStep: Sendable, Hashable {
    /// Fix the refund file and reconcile it again.
    case fixSourceFile
    /// In KCC, copy the order as a credit note, export it, and reconcile again.
    case copyOrderAsCreditNote(order: String?)
    /// Apply the refund to a credit note: this one, or one the person names (`nil`).
    case match(refundID: String, creditNote: String?)
    /// Leave the refund out for good, with a note saying why.
    case ignore(refundID: String)
    /// In KCC, reverse the payment an earlier run applied for this refund.
    case reverseInKCC(refundID: String)
    /// Look the refund up in its source to see which version is right.
    case checkSource(refundID: String, system: String)
}

/// The resolution steps as the command line takes them: `kccbridge resolve …`
/// commands, one per choice and one per line, naming the ledger when it is
/// not the default one (a watched folder's), so that a command pasted from the
/// report acts on the right ledger and decides one thing.
package struct ResolveCommands: Sendable {
    /// The ledger to name with `--ledger`; `nil`: the default ledger.
    package var ledger: String?

    package init(ledger: String? = nil) {
        self.ledger = ledger
    }

    /// The steps, one per line: each a complete command a person can paste
    /// alone (never two choices on one line), or an instruction in words.
    package func render(_ steps: [ResolutionStep], source: String? = nil) -> String {
        lines(steps, source: source).joined(separator: "\n")
    }

    /// The steps, one line each; `source` (the refund's) is named in each
    /// command, since two sources may both have a refund of the same id.
    package func lines(_ steps: [ResolutionStep], source: String? = nil) -> [String] {
        steps.map { phrase($0, source: source) }
    }

    /// One step in words, or as the command that takes it.
    package func phrase(_ step: ResolutionStep, source: String? = nil) -> String {
        switch step {
        case .fixSourceFile:
            "fix the source file and reconcile again"
        case .copyOrderAsCreditNote(let order):
            "in KCC copy order \(order ?? "?") as a credit note, export it, then reconcile again"
        case .match(let refundID, let creditNote):
            resolve(refundID, source, "--credit-note \(creditNote.map(Self.quoted) ?? "NUMBER") --note \"why\"")
        case .ignore(let refundID):
            resolve(refundID, source, "--ignore --note \"why\"")
        case .checkSource(let refundID, let system):
            "look refund \(refundID) up in \(system); if the earlier version is right, record this one as ignored:"
        case .reverseInKCC(let refundID):
            "in KCC reverse the payment of refund \(refundID) (deleted in its source), then record it:"
        }
    }

    /// `kccbridge resolve ID --source S --ledger L OPTIONS`; an id that starts
    /// with `-` goes last, after `--`, so it is never read as an option.
    private func resolve(_ refundID: String, _ source: String?, _ options: String) -> String {
        let naming =
            (source.map { " --source \(Self.quoted($0))" } ?? "")
            + (ledger.map { " --ledger \(Self.quoted($0))" } ?? "")
        if refundID.hasPrefix("-") { return "kccbridge resolve\(naming) \(options) -- \(Self.quoted(refundID))" }
        return "kccbridge resolve \(Self.quoted(refundID))\(naming) \(options)"
    }

    /// `text` as one shell word: as it is when it is plain, else in single quotes.
    static func quoted(_ text: String) -> String {
        text.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) }
            ? text : "'\(text.replacingOccurrences(of: "'", with: "'\\''"))'"
    }
}
