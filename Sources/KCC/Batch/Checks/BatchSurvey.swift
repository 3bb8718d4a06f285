/// What a first, cheap pass over a batch learns, so the second pass can judge
/// each document against the whole batch while still streaming: which numbers
/// occur more than once, and which order each invoice belongs to.
///
/// It keeps one entry per document number (about 40 bytes for a short number),
/// nothing else of the documents.
struct BatchSurvey: Sendable {
    private var firstLine: [String: Int] = [:]
    /// Numbers that occur more than once, with the line of every occurrence.
    private(set) var duplicates: [String: [Int]] = [:]
    private var invoiceOrders: [String: String] = [:]

    /// Notes one document (one run of rows, or one element) starting at `line`.
    mutating func note(number: String, isInvoice: Bool, orderNumber: String, line: Int) {
        guard !number.isEmpty else { return }
        if let first = firstLine[number] {
            duplicates[number, default: [first]].append(line)
        } else {
            firstLine[number] = line
        }
        if isInvoice, invoiceOrders[number] == nil { invoiceOrders[number] = orderNumber }
    }

    /// Every line where `number` starts a document, if it starts more than one.
    func duplicateLines(of number: String) -> [Int]? {
        duplicates[number]
    }

    /// The order number of invoice `number` if that invoice is in this batch.
    func orderNumber(ofInvoice number: String) -> String? {
        invoiceOrders[number]
    }
}
