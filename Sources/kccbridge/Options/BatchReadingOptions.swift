import ArgumentParser
import CSVStreaming
import KCCBatch
import KCCModel

/// How to read KCC batches; shared by every command that reads them.
struct BatchReadingOptions: ParsableArguments {
    @Option(
        name: .customLong("date-format"),
        help: "How dates are written in a CSV batch: YYYY-MM-DD (default) or DD/MM/YYYY. Never guessed.",
        completion: .list([CalendarDate.Format.iso.rawValue, CalendarDate.Format.dayMonthYear.rawValue]))
    var dateFormat: String = CalendarDate.Format.iso.rawValue

    @Option(
        help: "The CSV batch's text encoding: utf-8 (default) or windows-1252. Never guessed.",
        completion: .list(TextEncoding.allCases.map(\.rawValue)))
    var encoding: String = TextEncoding.utf8.rawValue

    @Option(name: .customLong("max-file-mb"), help: "Refuse batch files larger than this many megabytes.")
    var maxFileMegabytes: Int = 2048

    func validate() throws {
        _ = try readOptions()
    }

    func readOptions() throws -> BatchReadOptions {
        guard let format = CalendarDate.Format(rawValue: dateFormat.uppercased()), format != .monthDayYear else {
            throw ValidationError("--date-format must be YYYY-MM-DD or DD/MM/YYYY, not '\(dateFormat)'")
        }
        guard let encoding = TextEncoding(rawValue: encoding.lowercased()) else {
            throw ValidationError("--encoding must be utf-8 or windows-1252, not '\(encoding)'")
        }
        guard (1...1_048_576).contains(maxFileMegabytes) else {
            throw ValidationError("--max-file-mb must be from 1 to 1048576 (1 TiB), not \(maxFileMegabytes)")
        }
        return BatchReadOptions(dateFormat: format, encoding: encoding, maxFileBytes: maxFileMegabytes << 20)
    }
}
