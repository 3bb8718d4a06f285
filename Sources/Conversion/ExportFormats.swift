import Mapping
import XeroFormats

/// The `--to` targets this build knows.
public enum ExportFormats {
    public static let all: [any ExportFormat] = [XeroCSVFormat(), XeroXMLFormat()]

    public static var names: [String] { all.map(\.name) }

    public static func named(_ name: String) -> (any ExportFormat)? {
        all.first { $0.name == name.lowercased() }
    }
}
