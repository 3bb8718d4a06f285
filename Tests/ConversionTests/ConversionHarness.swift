import Configuration
import Conversion
import Foundation
import KCCModel
import KCCTestSupport
import Logging
import Mapping
import PackageInterface
import PackageRegistry
import QuickBooksCommon
import QuickBooksDesktop
import QuickBooksOnline
import Testing
import Xero

/// Runs conversions into fresh folders and compares outputs with golden files.
enum Harness {
    static let root = TestFiles.repositoryRoot()
    static let golden = root + "/Tests/ConversionTests/Golden"
    /// Set KCCBRIDGE_UPDATE_GOLDEN=1 to rewrite the golden files from the current output (then read the diff!).
    static let updating = ProcessInfo.processInfo.environment["KCCBRIDGE_UPDATE_GOLDEN"] == "1"

    struct Outcome {
        var report: ConversionReport
        var findings: [Finding] = []
        var placements: [Placement] = []
        var folder: String
    }

    static func configuration(_ name: String?) throws -> BridgeConfiguration {
        guard let name else { return PackageRegistry.all.defaultConfiguration }
        return try ConfigurationLoader.load(path: root + "/" + name, packages: PackageRegistry.all)
    }

    static func convert(
        _ input: String, to target: String,
        configuration: BridgeConfiguration = PackageRegistry.all.defaultConfiguration,
        preCheck: Bool = false, only: Set<String>? = nil, folder: String? = nil,
        journal: any ExportJournal = NoJournal()
    ) -> Outcome {
        let folder = folder ?? TestFiles.makeFolder()
        var options = ConversionOptions(outputFolder: folder)
        options.preCheck = preCheck
        options.only = only
        guard let format = try? PackageRegistry.all.exportFormat(target, configuration: configuration) else {
            preconditionFailure("no package writes \(target)")
        }
        let converter = Converter(
            format: format, configuration: configuration, journal: journal, logger: Logger(label: "test"))
        var findings: [Finding] = []
        var placements: [Placement] = []
        let report = converter.convert(
            input.hasPrefix("/") ? input : root + "/" + input, displayName: input, options: options
        ) { event in
            switch event {
            case .finding(let f): findings.append(f)
            case .placement(let p): placements.append(p)
            }
        }
        return Outcome(report: report, findings: findings, placements: placements, folder: folder)
    }

    /// Converts the sample batch to `target` and expects the golden files `Golden/<name>/`, nothing held back, and
    /// the same bytes from the batch's XML twin (only the input name differs, and it is in no output but the problems file).
    static func expectGolden(
        _ target: String, configuration: BridgeConfiguration, name: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let fromCSV = convert("samples/batch-2026-11.csv", to: target, configuration: configuration)
        #expect(fromCSV.report.failure == nil, sourceLocation: sourceLocation)
        #expect(fromCSV.report.allHeldBack.isEmpty, sourceLocation: sourceLocation)
        #expect(compareWithGolden(fromCSV.folder, name) == [], sourceLocation: sourceLocation)
        let fromXML = convert("samples/batch-2026-11.xml", to: target, configuration: configuration)
        for file in TestFiles.names(in: fromCSV.folder) where !file.contains("problems") {
            #expect(
                TestFiles.read(fromCSV.folder + "/" + file) == TestFiles.read(fromXML.folder + "/" + file), "\(file)",
                sourceLocation: sourceLocation)
        }
    }

    /// Compares every file in `folder` with `Golden/<name>/`; returns the differences.
    static func compareWithGolden(_ folder: String, _ name: String) -> [String] {
        let expected = golden + "/" + name
        var problems: [String] = []
        let produced = TestFiles.names(in: folder)
        if updating {
            try? FileManager.default.removeItem(atPath: expected)
            try? FileManager.default.createDirectory(atPath: expected, withIntermediateDirectories: true)
            for file in produced {
                try? FileManager.default.copyItem(atPath: folder + "/" + file, toPath: expected + "/" + file)
            }
            return []
        }
        let wanted = TestFiles.names(in: expected)
        if produced != wanted { problems.append("files differ: produced \(produced), golden \(wanted)") }
        for file in wanted where produced.contains(file) {
            let a = TestFiles.read(folder + "/" + file) ?? ""
            let b = TestFiles.read(expected + "/" + file) ?? ""
            if a != b {
                problems.append("\(file) differs from its golden copy (KCCBRIDGE_UPDATE_GOLDEN=1 rewrites it)")
            }
        }
        return problems
    }
}
