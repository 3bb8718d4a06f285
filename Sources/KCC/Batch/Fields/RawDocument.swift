import KCCModel

/// One field's text as the input gave it, and where it stands.
///
/// It keeps only its line: every cell of a batch is one of these. The file's path is the document's
/// (``DocumentCheck`` puts the two together for a message), and so is how the input spells each
/// field's name (``RawDocument/labels``, so messages can say `docgross` if the header does).
struct RawValue: Sendable, Hashable {
    var text: String
    /// The line, or 0 for none: four bytes, where an `Int?` would take a slot of eight and a tag.
    private var storedLine: UInt32

    var line: Int? { storedLine == 0 ? nil : Int(storedLine) }

    init(text: String, line: Int?) {
        self.text = text
        // A batch file is at most a few GiB, so its line numbers fit.
        self.storedLine = UInt32(clamping: line ?? 0)
    }
}

/// A document gathered from its rows (CSV) or its element (XML), not yet
/// checked: the shared input of ``DocumentBuilder``, so both encodings get
/// exactly the same checks and the same messages.
struct RawDocument: Sendable {
    var kind: DocumentKind
    var number: String
    /// Where the document starts (its first row or its element).
    var location: SourceLocation
    /// Document-level fields; an empty CSV cell or a missing XML attribute is absent.
    var fields: FieldMap<RawValue> = [:]
    var lines: [RawLine] = []
    /// How the input names each field, for messages about a field that is absent.
    var labels: FieldMap<String>
    /// Problems the reader already found (bad bytes, disagreeing rows …); any error holds the document back.
    var findings: [Finding] = []
}

/// One line's fields.
struct RawLine: Sendable {
    var location: SourceLocation
    var fields: FieldMap<RawValue> = .lineFields
}
