import CSVStreaming
import DurableOutput
import KCCModel

/// The problems file of a conversion, `<batch>.<target>.problems.csv`: one row
/// per finding, for a person to work through (text cells escaped for
/// spreadsheets). Rows are written as findings come, so memory stays flat
/// however many there are; the file is kept only when the run held anything
/// back or left anything out.
final class ProblemsFile {
    let path: String
    private let transaction: OutputTransaction
    private var file: DurableFile?
    private var opened = false
    private let csv = CSVWriter()
    /// The first write that failed; the run fails with it.
    private(set) var failure: (any Error)?

    static let header = ["File", "Line", "Severity", "Document", "Field", "Message"]

    /// Starts the file with UTF-8's byte-order mark (for Excel).
    private let byteOrderMark: Bool

    init(path: String, transaction: OutputTransaction, byteOrderMark: Bool = true) {
        self.path = path
        self.transaction = transaction
        self.byteOrderMark = byteOrderMark
    }

    func add(_ finding: Finding) {
        guard failure == nil else { return }
        do {
            try open()
            let cells = [
                finding.location.file, finding.location.line.map { String($0) } ?? "", finding.severity.rawValue,
                finding.document ?? "", finding.field ?? "", finding.message,
            ]
            try file?.write(csv.encode(cells.map(Self.safeCell)))
        } catch {
            failure = error
        }
    }

    /// Keeps the file with the run's outputs (`keep`), or throws it away.
    func finish(keep: Bool) throws {
        if let failure { throw failure }
        if keep {
            try open()
        } else if let file {
            transaction.discard(file)
        }
    }

    private func open() throws {
        guard !opened else { return }
        opened = true
        let file = try transaction.create(path)
        try file?.write((byteOrderMark ? CSVWriter.byteOrderMark : []) + csv.encode(Self.header))
        self.file = file
    }

    static func safeCell(_ text: String) -> String {
        if case .changed(let safe) = TextCellPolicy.escape.apply(text) { return safe }
        return text
    }
}
