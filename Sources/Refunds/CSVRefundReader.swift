import CSVStreaming
import KCCModel
import PackageInterface

/// Refunds from any CSV: a Linnworks refund export, a report, a bank file.
/// Columns are found by header name (built-in names, plus any configured
/// under `refunds.columns`, compared ignoring case, spaces and punctuation),
/// so a Linnworks export reads without configuration.
enum CSVRefundReader {
    static func read(_ path: String, _ name: String, mapping settings: RefundSettings) throws(FileRefusal) -> [Refund] {
        let reader: CSVReader
        do {
            reader = try CSVReader(path: path)
        } catch {
            throw FileRefusal(at: SourceLocation(file: name), because: error)
        }
        do {
            guard let header = try reader.nextRecord() else {
                throw FileRefusal(at: SourceLocation(file: name, line: 1), "the file is empty: there is no header row")
            }
            let columns = match(header.fields, settings: settings)
            guard columns[.amount] != nil else {
                throw FileRefusal(
                    at: SourceLocation(file: name, line: header.line),
                    "no column holds the amount (looked for \(names(.amount, settings).joined(separator: ", "))); map it under refunds.columns.amount"
                )
            }
            guard columns[.id] != nil else {
                throw FileRefusal(
                    at: SourceLocation(file: name, line: header.line),
                    "no column holds the refund id (looked for \(names(.id, settings).joined(separator: ", "))); map it under refunds.columns.id"
                )
            }
            var refunds: [Refund] = []
            while let record = try reader.nextRecord() {
                func cell(_ field: RefundField) -> String? {
                    guard let index = columns[field], index < record.fields.count else { return nil }
                    let text = record.fields[index].trimmingWhitespace()
                    return text.isEmpty ? nil : text
                }
                var problems = RecordProblems(at: SourceLocation(file: name, line: record.line))
                for problem in record.problems { problems.add(problem.description) }
                let currency = RefundValues.currency(
                    cell(.currency), fallback: settings.defaultCurrency, problems: &problems)
                let amount = RefundValues.amount(
                    cell(.amount), currency: currency, field: "the amount",
                    negativeIsRefund: settings.negativeAmountsAreRefunds, problems: &problems)
                let date = RefundValues.date(cell(.date), slashFormat: settings.csvDateFormat, problems: &problems)
                let id = cell(.id) ?? ""
                if id.isEmpty { problems.add("the refund id is missing", field: header.fields[columns[.id] ?? 0]) }
                refunds.append(
                    Refund(
                        system: settings.csvSource, location: SourceLocation(file: name, line: record.line), id: id,
                        date: date,
                        amount: amount, creditNote: cell(.creditNote), orderNumber: cell(.orderNumber),
                        reference: cell(.reference), method: cell(.method), customer: cell(.customer),
                        problems: problems.findings))
            }
            return refunds
        } catch let error as CSVError {
            throw FileRefusal(at: SourceLocation(file: name, line: error.line), because: error)
        } catch let error as FileRefusal {
            throw error
        } catch {
            throw FileRefusal(at: SourceLocation(file: name), because: error)
        }
    }

    static func names(_ field: RefundField, _ settings: RefundSettings) -> [String] {
        (settings.columns[field] ?? []) + field.builtInNames
    }

    /// Column index of each field; configured names win, then built-in names in their order.
    static func match(_ header: [String], settings: RefundSettings) -> [RefundField: Int] {
        let normalised = header.map(normalise)
        var result: [RefundField: Int] = [:]
        var taken: Set<Int> = []
        for field in RefundField.allCases {
            for candidate in names(field, settings) {
                if let index = normalised.firstIndex(of: normalise(candidate)), !taken.contains(index) {
                    result[field] = index
                    taken.insert(index)
                    break
                }
            }
        }
        return result
    }

    static func normalise(_ text: String) -> String {
        String(
            text.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }.map(
                Character.init))
    }
}
