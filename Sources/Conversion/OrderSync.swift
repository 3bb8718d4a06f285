import KCCBatch
import KCCModel
import Logging
import Mapping
import PackageInterface

#if canImport(Glibc)
import Glibc
#endif

/// "Sync the original order if missing": when a refund arrives for
/// an order that was never exported, export that order's documents from a
/// batch the user supplies, so the refund has something to negate. Off unless
/// `refunds.sync_missing_orders` is set and a batch is given.
package struct OrderSync: Sendable {
    package var batch: String
    /// The format the orders are exported in (`--sync-to`).
    package var format: any ExportFormat
    package var outputFolder: String
    package var configuration: BridgeConfiguration

    /// `20261121T093000Z`.
    static func stamp() -> String {
        var seconds = time(nil)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return
            "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }

    package init(batch: String, format: any ExportFormat, outputFolder: String, configuration: BridgeConfiguration) {
        self.batch = batch
        self.format = format
        self.outputFolder = outputFolder
        self.configuration = configuration
    }

    /// Exports the documents of `orders` found in the batch; returns one line per thing done.
    package func export(_ orders: Set<String>, journal: any ExportJournal, logger: Logger) -> [String] {
        guard !orders.isEmpty else { return [] }
        guard access(batch, R_OK) == 0 else {
            return ["sync: \(batch) cannot be read; orders \(orders.sorted().joined(separator: ", ")) stay unexported"]
        }
        var numbers: Set<String> = []
        var found: Set<String> = []
        _ = BatchFile.check(
            batch, report: { _ in },
            accept: { document, _ in
                if orders.contains(document.orderNumber) {
                    numbers.insert(document.number)
                    found.insert(document.orderNumber)
                }
            })
        var notes = orders.subtracting(found).sorted().map {
            "order \($0) is not in \(batch) either; its refund stays skipped"
        }
        guard !numbers.isEmpty else { return notes }
        var options = ConversionOptions(outputFolder: outputFolder)
        options.only = numbers
        // Its own names: the batch may have been converted into this folder before.
        options.outputStem = "\(Converter.stem(of: batch)).synced-\(Self.stamp())"
        let report = Converter(format: format, configuration: configuration, journal: journal, logger: logger)
            .convert(batch, options: options) { _ in }
        if let failure = report.failure {
            notes.append(
                "sync: exporting orders \(found.sorted().joined(separator: ", ")) from \(batch) failed: \(failure)")
        } else {
            notes.append(
                "sync: exported \(report.written) document\(report.written == 1 ? "" : "s") of order\(found.count == 1 ? "" : "s") \(found.sorted().joined(separator: ", ")) from \(batch) to \(format.name) (\(report.outputs.joined(separator: ", ")))"
            )
        }
        return notes
    }
}
