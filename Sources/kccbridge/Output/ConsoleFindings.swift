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
    /// Each kind's place in `kinds`, by its key (``kind(of:)``); `kinds` keeps the order first seen.
    private var places: [String: Int] = [:]
    private var kinds: [Kind] = []

    private struct Kind {
        var example: Finding
        var shown = 0
        /// How many were counted, not printed, and the first few of them (for the closing line).
        var hidden = 0
        var firstHidden: [String] = []
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
        let place: Int
        if let known = places[key] {
            place = known
        } else {
            place = kinds.count
            places[key] = place
            kinds.append(Kind(example: finding))
        }
        // Changed where it stands, so counting a hundred thousand findings copies nothing.
        if kinds[place].shown < Self.shownPerKind {
            kinds[place].shown += 1
            write(finding.description)
        } else {
            kinds[place].hidden += 1
            if kinds[place].firstHidden.count < 3 {
                kinds[place].firstHidden.append(finding.document ?? finding.location.description)
            }
        }
    }

    /// One line per kind with findings not printed, saying where they all are; the counts start again.
    func finish(listedIn place: String) {
        for kind in kinds where kind.hidden > 0 {
            let first = kind.firstHidden.joined(separator: ", ") + (kind.hidden > 3 ? " …" : "")
            let words = kind.example.message
            let example = words.count > 72 ? Self.shortened(words, to: 70) : words
            write(
                "  … and \(kind.hidden) more \(kind.example.severity.rawValue)\(kind.hidden == 1 ? "" : "s") like \"\(example)\" (\(first)): \(place)"
            )
        }
        reset()
    }

    /// Forgets the counts (a new file starts).
    func reset() {
        places = [:]
        kinds = []
    }

    /// Findings of one kind: the same severity, field and words once what varies from one
    /// document to the next is taken out: its number, quoted values ('02/11/2026'),
    /// figures (line 3, run 12, T1) and paths (the output part a document went to).
    /// Works on the message's UTF-8 bytes: it runs once for every finding of a batch.
    static func kind(of finding: Finding) -> String {
        var bytes = Array(finding.message.utf8)
        if let document = finding.document, !document.isEmpty {
            bytes = replacing(Array(document.utf8), with: 0x1F, in: bytes)
        }
        let space: UInt8 = 0x20
        let apostrophe: UInt8 = 0x27
        var shape: [UInt8] = []
        shape.reserveCapacity(bytes.count + 32)
        var quoted = false
        for word in bytes.split(separator: space, omittingEmptySubsequences: false) {
            // A quoted value, perhaps of several words: one placeholder.
            if quoted {
                if word.contains(apostrophe) { quoted = false }
                continue
            }
            if word.first == apostrophe {
                quoted = !word.dropFirst().contains(apostrophe)
                shape.append(contentsOf: "'…' ".utf8)
                continue
            }
            if word.contains(UInt8(ascii: "/")) {
                shape.append(contentsOf: "/… ".utf8)
                continue
            }
            var digits = false
            if word.allSatisfy({ $0 < 0x80 }) {
                for byte in word {
                    if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                        if !digits { shape.append(UInt8(ascii: "#")) }
                        digits = true
                    } else {
                        shape.append(byte)
                        digits = false
                    }
                }
            } else {
                for character in String(decoding: word, as: UTF8.self) {
                    if character.isNumber {
                        if !digits { shape.append(UInt8(ascii: "#")) }
                        digits = true
                    } else {
                        shape.append(contentsOf: character.utf8)
                        digits = false
                    }
                }
            }
            shape.append(space)
        }
        let severity = finding.severity.rawValue
        return "\(finding.location.file)\u{1E}\(severity)\u{1E}\(finding.field ?? "")\u{1E}"
            + String(decoding: shape, as: UTF8.self)
    }

    /// `text` with every occurrence of `pattern` (not empty) replaced by the one byte `mark`.
    private static func replacing(_ pattern: [UInt8], with mark: UInt8, in text: [UInt8]) -> [UInt8] {
        guard text.count >= pattern.count else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            if text[index] == pattern[0], index + pattern.count <= text.count,
                text[index..<index + pattern.count].elementsEqual(pattern)
            {
                out.append(mark)
                index += pattern.count
            } else {
                out.append(text[index])
                index += 1
            }
        }
        return out
    }

    /// `words` cut at the last space before `limit` characters, with ` …`.
    static func shortened(_ words: String, to limit: Int) -> String {
        let head = words.prefix(limit)
        let cut = head.lastIndex(of: " ").map { head[..<$0] } ?? head
        return cut + " …"
    }
}
