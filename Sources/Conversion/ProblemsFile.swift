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
    private let preCheck: Bool
    private let willCreate: (String) throws -> Void
    private var file: DurableFile?
    private let csv = CSVWriter()
    /// The first write that failed; the run fails with it.
    private(set) var failure: (any Error)?

    static let header = ["File", "Line", "Severity", "Document", "Field", "Message"]

    init(path: String, preCheck: Bool, willCreate: @escaping (String) throws -> Void) {
        self.path = path
        self.preCheck = preCheck
        self.willCreate = willCreate
    }

    func add(_ finding: Finding) {
        guard !preCheck, failure == nil else { return }
        do {
            try open()
            let cells = [finding.location.file, finding.location.line.map { String($0) } ?? "", finding.severity.rawValue,
                         finding.document ?? "", finding.field ?? "", finding.message]
            try file?.write(csv.encode(cells.map(Self.safeCell)))
        } catch {
            failure = error
        }
    }

    /// Makes the file durable (`keep`) or throws it away. In a pre-check, only
    /// says whether the real run could write it.
    func finish(keep: Bool) throws {
        if let failure { throw failure }
        guard keep else {
            file?.discard()
            return
        }
        if preCheck {
            if access(path, F_OK) == 0 { throw OutputError(.exists, path: path) }
            return
        }
        try open()
        try file?.commit()
    }

    /// Takes the file back, committed or not.
    func withdraw() {
        file?.withdraw()
    }

    private func open() throws {
        guard file == nil else { return }
        try willCreate(path)
        let file = try DurableFile(path: path)
        try file.write(csv.encode(Self.header))
        self.file = file
    }

    static func safeCell(_ text: String) -> String {
        if case .changed(let safe) = TextCellPolicy.escape.apply(text) { return safe }
        return text
    }
}

#if canImport(Glibc)
import Glibc
#endif
