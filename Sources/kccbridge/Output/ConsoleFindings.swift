import KCCModel

/// Findings on the console, a few of each kind: findings that differ only in
/// the document they name (27,652 "not carried by xero-csv" lines) are shown
/// for the first few documents, then counted in one line at the end. Every
/// finding is still written where it is kept (the problems file); `--verbose`
/// shows them all.
final class ConsoleFindings {
    /// How many findings of one kind are printed before the rest are counted.
    static let shownPerKind = 3

    private let verbose: Bool
    private let write: (String) -> Void
    private var kinds: [String: Kind] = [:]
    private var order: [String] = []

    private struct Kind {
        var example: Finding
        var shown = 0
        var hidden: [String] = []
    }

    /// `write` prints one line (standard error, for the command line).
    init(verbose: Bool, write: @escaping (String) -> Void) {
        self.verbose = verbose
        self.write = write
    }

    /// Prints `finding`, or counts it when enough of its kind were printed.
    func show(_ finding: Finding) {
        guard !verbose else { return write(finding.description) }
        let key = Self.kind(of: finding)
        var kind = kinds[key] ?? Kind(example: finding)
        if kinds[key] == nil { order.append(key) }
        if kind.shown < Self.shownPerKind {
            kind.shown += 1
            write(finding.description)
        } else {
            kind.hidden.append(finding.document ?? finding.location.description)
        }
        kinds[key] = kind
    }

    /// One line per kind with findings not printed, saying where they all are; the counts start again.
    func finish(listedIn place: String) {
        for key in order {
            guard let kind = kinds[key], !kind.hidden.isEmpty else { continue }
            let first = kind.hidden.prefix(3).joined(separator: ", ") + (kind.hidden.count > 3 ? " …" : "")
            let words = kind.example.message
            let example = words.count > 72 ? Self.shortened(words, to: 70) : words
            write(
                "  … and \(kind.hidden.count) more \(kind.example.severity.rawValue)\(kind.hidden.count == 1 ? "" : "s") like \"\(example)\" (\(first)): \(place)"
            )
        }
        reset()
    }

    /// Forgets the counts (a new file starts).
    func reset() {
        kinds = [:]
        order = []
    }

    /// Findings of one kind: the same severity, field and words once what varies from one
    /// document to the next is taken out: its number, quoted values ('02/11/2026'),
    /// figures (line 3, run 12, T1) and paths (the output part a document went to).
    static func kind(of finding: Finding) -> String {
        var words = finding.message
        if let document = finding.document, !document.isEmpty {
            words = words.replacingOccurrences(of: document, with: "\u{1F}")
        }
        var shape = ""
        var quoted = false
        for word in words.split(separator: " ", omittingEmptySubsequences: false) {
            // A quoted value, perhaps of several words: one placeholder.
            if quoted {
                if word.contains("'") { quoted = false }
                continue
            }
            if word.hasPrefix("'") {
                quoted = !word.dropFirst().contains("'")
                shape += "'…' "
                continue
            }
            if word.contains("/") {
                shape += "/… "
                continue
            }
            var digits = false
            for character in word {
                if character.isNumber {
                    if !digits { shape.append("#") }
                    digits = true
                } else {
                    shape.append(character)
                    digits = false
                }
            }
            shape += " "
        }
        return "\(finding.location.file)\u{1E}\(finding.severity.rawValue)\u{1E}\(finding.field ?? "")\u{1E}\(shape)"
    }

    /// `words` cut at the last space before `limit` characters, with ` …`.
    static func shortened(_ words: String, to limit: Int) -> String {
        let head = words.prefix(limit)
        let cut = head.lastIndex(of: " ").map { head[..<$0] } ?? head
        return cut + " …"
    }
}
