/// What a first, cheap pass over a batch learns, so the second pass can judge
/// each document against the whole batch while still streaming: which numbers
/// occur more than once, and which order each invoice belongs to.
///
/// It keeps one entry per document number, nothing else of the documents: the
/// number, the line it first starts on, and for an invoice its order number
/// (one dictionary, so each number is kept once; about 40 bytes a bucket). A
/// survey made in two parts keeps the second part's entries in a dictionary of
/// their own (``append(_:)``), so neither is copied into the other.
struct BatchSurvey: Sendable, Equatable {
    private struct Entry: Sendable, Equatable {
        /// A batch file is at most a few GiB, so its line numbers fit.
        var firstLine: UInt32
        var invoiceOrder: String?
    }

    private var entries: [String: Entry] = [:]
    /// The entries of the numbers that first occur in a later part of the file, surveyed apart.
    private var laterEntries: [String: Entry] = [:]
    /// Numbers that occur more than once, with the line of every occurrence.
    private(set) var duplicates: [String: [Int]] = [:]

    /// Makes room at once for the numbers of `bytes` of a batch whose documents take about `perDocument`
    /// bytes each (a sales order's invoice of two lines), so the entries are not copied, table after larger
    /// table, as they grow (and the last table is not held twice, old and new, at the peak). Fewer, larger
    /// documents leave part of the room unused; more, smaller ones grow it once or twice. At most about a
    /// million (some 40 MB of room): a larger batch grows its survey as it is read.
    mutating func reserve(forBytes bytes: Int, perDocument: Int) {
        entries.reserveCapacity(min(max(bytes, 0) / perDocument, 1 << 20))
    }

    /// Notes one document (one run of rows, or one element) starting at `line`.
    mutating func note(number: String, isInvoice: Bool, orderNumber: String, line: Int) {
        precondition(laterEntries.isEmpty, "a survey is noted before a later part is appended")
        guard !number.isEmpty else { return }
        if let index = entries.index(forKey: number) {
            duplicates[number, default: [Int(entries.values[index].firstLine)]].append(line)
            if isInvoice, entries.values[index].invoiceOrder == nil {
                entries.values[index].invoiceOrder = orderNumber
            }
        } else {
            entries[number] = Entry(
                firstLine: UInt32(clamping: line), invoiceOrder: isInvoice ? orderNumber : nil)
        }
    }

    /// Adds the survey of the rest of the file (made apart, of the part that follows this one's), answering
    /// from then on as one survey of both would: a number's first line and invoice order are those of its
    /// first occurrence, and its lines are in file order. Only the numbers found in both are looked at; the
    /// later part's entries are kept as they are, beside these.
    mutating func append(_ later: BatchSurvey) {
        precondition(laterEntries.isEmpty && later.laterEntries.isEmpty, "a survey is made of two parts at most")
        for (number, lines) in later.duplicates where entries[number] == nil {
            duplicates[number] = lines
        }
        for (number, entry) in later.entries {
            guard let index = entries.index(forKey: number) else { continue }
            duplicates[number, default: [Int(entries.values[index].firstLine)]]
                .append(contentsOf: later.duplicates[number] ?? [Int(entry.firstLine)])
            if entries.values[index].invoiceOrder == nil {
                entries.values[index].invoiceOrder = entry.invoiceOrder
            }
        }
        laterEntries = later.entries
    }

    /// Every number's entry, as one survey of the whole file holds it (for comparing surveys).
    private var allEntries: [String: Entry] {
        entries.merging(laterEntries) { earlier, _ in earlier }
    }

    static func == (a: BatchSurvey, b: BatchSurvey) -> Bool {
        a.duplicates == b.duplicates && a.allEntries == b.allEntries
    }

    /// Every line where `number` starts a document, if it starts more than one.
    func duplicateLines(of number: String) -> [Int]? {
        duplicates[number]
    }

    /// The order number of invoice `number` if that invoice is in this batch.
    func orderNumber(ofInvoice number: String) -> String? {
        if let entry = entries[number] { return entry.invoiceOrder }
        return laterEntries[number]?.invoiceOrder
    }
}
