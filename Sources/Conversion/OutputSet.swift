import DurableOutput
import PackageInterface

/// The output files of one conversion: per family, the current part and the
/// parts already filled, each created through the run's output transaction.
/// In a pre-check the same code runs against a simulated transaction that
/// keeps nothing, so its listing is the real run's by construction.
final class OutputSet {
    private struct Part {
        let path: String
        let file: DurableFile?
        let writer: any FamilyWriter
        var documents = 0
        var nextUnit: Int
    }

    private let folder: String
    private let stem: String
    private let format: any ExportFormat
    private let transaction: OutputTransaction
    private var current: [OutputFamily: Part] = [:]
    private var partCounts: [OutputFamily: Int] = [:]
    private var finished: [Part] = []
    private var companionKeys: Set<String> = []
    /// Every path, in creation order.
    private(set) var paths: [String] = []

    init(folder: String, stem: String, format: any ExportFormat, transaction: OutputTransaction) {
        self.folder = folder
        self.stem = stem
        self.format = format
        self.transaction = transaction
    }

    /// The file name of part `number` of `family`: the first part has the plain
    /// name, later parts `.part2`, `.part3` … (so names never change once given).
    func path(of family: OutputFamily, part number: Int) -> String {
        let suffix = number == 1 ? "" : ".part\(number)"
        return "\(folder)/\(stem).\(family.name)\(suffix).\(family.fileExtension)"
    }

    /// Writes `document` into its family's current part, starting a new part when full.
    func write(_ document: MappedDocument, to family: OutputFamily) throws -> Placement {
        var part: Part
        if let open = current[family], family.maxDocumentsPerFile.map({ open.documents < $0 }) ?? true {
            part = open
        } else {
            if let full = current[family] { try close(full) }
            part = try start(family)
        }
        let (bytes, units) = try part.writer.write(document)
        try part.file?.write(bytes)
        let placement = Placement(
            document: document.number, kind: document.kind, file: part.path,
            first: part.nextUnit, last: part.nextUnit + units - 1, unit: family.unit)
        part.documents += 1
        part.nextUnit += units
        current[family] = part
        return placement
    }

    /// Writes the companion record of a held-back document, once per key;
    /// `nil` when its key was written already.
    func writeCompanion(_ companion: Companion, _ document: MappedDocument) throws -> Placement? {
        guard companionKeys.insert(companion.key).inserted else { return nil }
        return try write(document, to: companion.family)
    }

    /// Closes every open part; nothing is durable yet.
    func finish() throws {
        for (_, part) in current.sorted(by: { $0.key.name < $1.key.name }) {
            try close(part)
        }
        current = [:]
    }

    private func start(_ family: OutputFamily) throws -> Part {
        let number = (partCounts[family] ?? 0) + 1
        partCounts[family] = number
        let path = path(of: family, part: number)
        let file = try transaction.create(path)
        paths.append(path)
        let writer = format.makeWriter(for: family)
        try file?.write(try writer.begin())
        return Part(path: path, file: file, writer: writer, nextUnit: writer.firstUnit)
    }

    private func close(_ part: Part) throws {
        try part.file?.write(try part.writer.end())
        if let file = part.file { try transaction.sealLater(file) }
        finished.append(part)
    }
}
