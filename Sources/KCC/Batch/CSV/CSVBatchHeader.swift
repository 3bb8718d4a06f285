import CSVStreaming
import KCCModel

/// A batch CSV header: which column holds which field, and how the file spells it.
struct CSVBatchHeader: Sendable {
    /// Column index of each known field.
    var columns: FieldMap<Int> = [:]
    /// How the header spells each known field.
    var labels: FieldMap<String> = [:]
    var columnCount: Int
    /// Warnings about the header (unknown columns).
    var warnings: [Finding] = []

    /// Matches `record` as a header. Throws when the file cannot be used:
    /// a required column missing, a column named twice, or bad bytes in the header.
    init(_ record: CSVRecord, file: String) throws(BatchFileError) {
        let at = SourceLocation(file: file, line: record.line)
        if let problem = record.problems.first {
            throw BatchFileError(at: at, "the header row cannot be read: \(problem); the whole file is refused")
        }
        columnCount = record.fields.count
        for (index, name) in record.fields.enumerated() {
            guard let field = BatchField(headerName: name) else {
                warnings.append(
                    Finding(
                        .warning, at: at, field: name,
                        "column '\(name)' is not part of the KCC batch format; it is ignored"))
                continue
            }
            if let earlier = columns[field] {
                throw BatchFileError(
                    at: at,
                    "the header names column \(field.name) twice (columns \(earlier + 1) and \(index + 1)); the whole file is refused"
                )
            }
            columns[field] = index
            labels[field] = name
        }
        let required = BatchField.allCases.filter(\.isRequiredColumn)
        let missing = required.filter { columns[$0] == nil }
        // Most of them missing: not a batch with a column wrong, but another kind of file.
        if missing.count * 2 > required.count {
            throw BatchFileError(
                at: at,
                "this CSV is not a KCC export batch: its header has \(required.count - missing.count) of the \(required.count) columns a batch has (\(required.prefix(4).map(\.name).joined(separator: ", ")) …); a refund file read back from an accounting package or a sales channel goes to kccbridge reconcile; the whole file is refused"
            )
        }
        if !missing.isEmpty {
            let names = missing.map(\.name).joined(separator: ", ")
            throw BatchFileError(
                at: at,
                missing.count == 1
                    ? "the header has no \(names) column, which is required; the whole file is refused"
                    : "the header lacks the required columns \(names); the whole file is refused")
        }
    }

    /// Which columns hold `fields`, by index (for ``CSVReader/wantedFields``).
    func mask(of fields: [BatchField]) -> [Bool] {
        var mask = Array(repeating: false, count: columnCount)
        for field in fields {
            if let index = columns[field] { mask[index] = true }
        }
        return mask
    }

    /// The cell of `field` in `record`, or "" when the row is too short.
    func value(_ field: BatchField, in record: CSVRecord) -> String {
        guard let index = columns[field], index < record.fields.count else { return "" }
        return record.fields[index]
    }
}
