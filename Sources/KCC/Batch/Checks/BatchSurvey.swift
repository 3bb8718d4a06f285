/// What a first, cheap pass over a batch learns, so the second pass can judge
/// each document against the whole batch while still streaming: which numbers
/// occur more than once, and which order each invoice belongs to.
///
/// It keeps one entry per document number, nothing else of the documents: the
/// number, the line it first starts on, and for an invoice its order number
/// (one dictionary, so each number is kept once; about 40 bytes a bucket).
struct BatchSurvey: Sendable, Equatable {
    private struct Entry: Sendable, Equatable {
        /// A batch file is at most a few GiB, so its line numbers fit.
        var firstLine: UInt32
        var invoiceOrder: String?
    }

    private var entries: [String: Entry] = [:]
    /// Numbers that occur more than once, with the line of every occurrence.
    private(set) var duplicates: [String: [Int]] = [:]

    /// Notes one document (one run of rows, or one element) starting at `line`.
    mutating func note(number: String, isInvoice: Bool, orderNumber: String, line: Int) {
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

    /// Adds what a survey of the rest of the file found, as if this one had noted it all itself: every
    /// number's first line and invoice order are those of its first occurrence, and its lines are in file order.
    mutating func append(_ later: BatchSurvey) {
        entries.reserveCapacity(entries.count + later.entries.count)
        for (number, entry) in later.entries {
            guard let index = entries.index(forKey: number) else {
                entries[number] = entry
                if let lines = later.duplicates[number] { duplicates[number] = lines }
                continue
            }
            duplicates[number, default: [Int(entries.values[index].firstLine)]]
                .append(contentsOf: later.duplicates[number] ?? [Int(entry.firstLine)])
            if entries.values[index].invoiceOrder == nil {
                entries.values[index].invoiceOrder = entry.invoiceOrder
            }
        }
    }

    /// Every line where `number` starts a document, if it starts more than one.
    func duplicateLines(of number: String) -> [Int]? {
        duplicates[number]
    }

    /// The order number of invoice `number` if that invoice is in this batch.
    func orderNumber(ofInvoice number: String) -> String? {
        entries[number]?.invoiceOrder
    }
}
