import Mapping
import QuickBooksFormats
import XeroFormats

/// The `--to` targets this build knows.
public enum ExportFormats {
    public static let all: [any ExportFormat] = [
        XeroCSVFormat(), XeroXMLFormat(), IIFFormat(), QBXMLFormat(), QBOCSVFormat(), QBOXMLFormat(),
    ]

    public static var names: [String] { all.map(\.name) }

    public static func named(_ name: String) -> (any ExportFormat)? {
        all.first { $0.name == name.lowercased() }
    }
}
