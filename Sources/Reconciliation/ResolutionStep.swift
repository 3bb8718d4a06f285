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
    package func render(_ steps: [ResolutionStep]) -> String {
        lines(steps).joined(separator: "\n")
    }

    /// The steps, one line each.
    package func lines(_ steps: [ResolutionStep]) -> [String] {
        steps.map(phrase)
    }

    /// One step in words, or as the command that takes it.
    package func phrase(_ step: ResolutionStep) -> String {
        switch step {
        case .fixSourceFile:
            "fix the source file and reconcile again"
        case .copyOrderAsCreditNote(let order):
            "in KCC copy order \(order ?? "?") as a credit note, export it, then reconcile again"
        case .match(let refundID, let creditNote):
            "\(resolve(refundID)) --credit-note \(creditNote ?? "NUMBER") --note \"why\""
        case .ignore(let refundID):
            "\(resolve(refundID)) --ignore --note \"why\""
        case .checkSource(let refundID, let system):
            "look refund \(refundID) up in \(system); if the earlier version is right, record this one as ignored:"
        case .reverseInKCC(let refundID):
            "in KCC reverse the payment of refund \(refundID) (deleted in its source), then record it:"
        }
    }

    private func resolve(_ refundID: String) -> String {
        "kccbridge resolve \(Self.quoted(refundID))" + (ledger.map { " --ledger \(Self.quoted($0))" } ?? "")
    }

    /// `text` as one shell word: as it is when it is plain, else in single quotes.
    static func quoted(_ text: String) -> String {
        text.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) }
            ? text : "'\(text.replacingOccurrences(of: "'", with: "'\\''"))'"
    }
}
