/// What to do with a text cell that a spreadsheet could run as a formula
/// (OWASP "CSV injection": it starts with `=`, `+`, `-`, `@`, tab, CR or LF).
///
/// Amounts and quantities never pass through here: they are written by the
/// money formatter and stay as they are (`-12.50` stays `-12.50`).
public enum TextCellPolicy: String, Sendable, Hashable, CaseIterable {
    /// Prefix the cell with `'`, which spreadsheets show as text (for files people open).
    case escape
    /// Remove the leading trigger characters.
    case strip
    /// Refuse the document: the caller reports a problem and holds it back.
    case refuse
    /// Write the text unchanged (only for targets that never reach a spreadsheet).
    case keep

    /// `true` when `text` starts with a character a spreadsheet treats as a formula.
    public static func looksLikeFormula(_ text: String) -> Bool {
        guard let first = text.utf8.first else { return false }
        return triggers.contains(first)
    }

    private static let triggers: Set<UInt8> = [
        UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "@"),
        UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"),
    ]

    /// The outcome of applying a policy to one cell.
    public enum Result: Sendable, Hashable {
        /// Nothing to do: the text is safe as it is.
        case unchanged(String)
        /// The text was changed to this; the caller reports that it was.
        case changed(String)
        /// The text must not be written; the caller holds the document back.
        case refused
    }

    public func apply(_ text: String) -> Result {
        guard Self.looksLikeFormula(text) else { return .unchanged(text) }
        switch self {
        case .escape: return .changed("'" + text)
        case .strip:
            let stripped = String(
                text.drop {
                    $0.unicodeScalars.allSatisfy {
                        Self.triggers.contains(UInt8(truncatingIfNeeded: $0.value)) && $0.isASCII
                    }
                })
            return .changed(stripped)
        case .refuse: return .refused
        case .keep: return .unchanged(text)
        }
    }
}
