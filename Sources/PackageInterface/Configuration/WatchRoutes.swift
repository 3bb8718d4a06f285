import CSVStreaming
import KCCModel

/// One route of `routes:`: a watched root and what to do with what arrives.
/// Targets are checked against the packages by the watcher (`watch --check`),
/// which knows them; everything else is checked here, with its line.
package struct RouteSettings: Sendable, Hashable {
    /// Names the route in logs and messages; unique, letters, digits, `-`, `_` and `.`.
    package var name: String
    package var root: String?
    /// Explicit folders, each defaulting to `root/<name>`.
    package var inbox: String?
    package var out: String?
    package var archive: String?
    package var failed: String?
    /// The ledger of this route (default: `root/.state/ledger.sqlite`).
    package var ledger: String?
    /// Export targets for KCC batches.
    package var convertTo: [String] = []
    /// Packages that must also record refunds reconciled from a sales channel.
    package var refundsTo: [String] = []
    package var encoding: TextEncoding = .utf8
    package var dateFormat: CalendarDate.Format = .iso
    /// Seconds a file written in place must stay unchanged.
    package var quietSeconds: Double = 2
    /// File names the route takes (`*.csv`); all but in-flight names when empty.
    package var patterns: [String] = []
    /// The line the route starts on, for messages.
    package var line: Int?

    package init(name: String) {
        self.name = name
    }
}

/// `routes:` in the configuration: the routes `kccbridge watch --config FILE` serves.
package struct WatchRoutes: ConfigurationSection {
    package static let key = "routes"

    package var routes: [RouteSettings] = []

    package init() {}

    package static let keys: Set<String> = [
        "name", "root", "inbox", "out", "archive", "failed", "ledger", "convert_to", "refunds_to", "encoding",
        "date_format", "quiet_seconds", "patterns",
    ]

    package mutating func read(_ node: ConfigNode, _ reader: SectionReader) {
        guard let items = node.sequence else {
            reader.problem(node, Self.key, "must be a list of routes, each starting with '- name: …'")
            return
        }
        var names: Set<String> = []
        for (index, item) in items.enumerated() {
            let place = "\(Self.key)[\(index + 1)]"
            var route = RouteSettings(name: "")
            route.line = item.line
            for pair in reader.pairs(item, place, allowed: Self.keys) {
                let full = "\(place).\(pair.key)"
                let value = pair.value
                switch pair.key {
                case "name":
                    guard let name = reader.string(value, full) else { continue }
                    if name.unicodeScalars.contains(where: { !Self.nameCharacters.contains($0) }) {
                        reader.problem(value, full, "may hold only letters, digits, '-', '_' and '.', not '\(name)'")
                    } else if !names.insert(name).inserted {
                        reader.problem(value, full, "'\(name)' names two routes")
                    }
                    route.name = name
                case "root": route.root = reader.string(value, full).map(reader.path)
                case "inbox": route.inbox = reader.string(value, full).map(reader.path)
                case "out": route.out = reader.string(value, full).map(reader.path)
                case "archive": route.archive = reader.string(value, full).map(reader.path)
                case "failed": route.failed = reader.string(value, full).map(reader.path)
                case "ledger":
                    // An address (postgres://…) is taken as it is; a file is found from the configuration's folder.
                    route.ledger = reader.string(value, full).map { $0.contains("://") ? $0 : reader.path($0) }
                case "convert_to": route.convertTo = Self.list(value, full, reader).map { $0.lowercased() }
                case "refunds_to": route.refundsTo = Self.list(value, full, reader).map { $0.lowercased() }
                case "patterns": route.patterns = Self.list(value, full, reader)
                case "encoding":
                    if let encoding = reader.choice(value, full, TextEncoding.self) { route.encoding = encoding }
                case "date_format":
                    let formats = [CalendarDate.Format.iso.rawValue, CalendarDate.Format.dayMonthYear.rawValue]
                    if let text = reader.choice(value, full, formats), let format = CalendarDate.Format(rawValue: text)
                    {
                        route.dateFormat = format
                    }
                case "quiet_seconds":
                    if let text = reader.string(value, full) {
                        if let seconds = Double(text), (0...3600).contains(seconds) {
                            route.quietSeconds = seconds
                        } else {
                            reader.problem(value, full, "must be a number of seconds from 0 to 3600, not '\(text)'")
                        }
                    }
                default: break
                }
            }
            if route.name.isEmpty { reader.problem(item, place, "needs a name") }
            let folders = [route.inbox, route.out, route.archive, route.failed]
            if route.root == nil && folders.contains(where: { $0 == nil }) {
                reader.problem(item, place, "needs a root, or all four of inbox, out, archive and failed")
            }
            if route.convertTo.isEmpty && route.refundsTo.isEmpty {
                reader.problem(
                    item, place,
                    "needs convert_to (the targets batches are converted to), refunds_to, or both; a route that does nothing is a mistake"
                )
            }
            routes.append(route)
        }
    }

    /// One value or a list of them.
    private static func list(_ node: ConfigNode, _ key: String, _ reader: SectionReader) -> [String] {
        (node.sequence ?? [node]).compactMap { reader.string($0, key) }
    }

    private static let nameCharacters = Set(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.".unicodeScalars)
}

extension BridgeConfiguration {
    /// The `routes:` section.
    package var routes: [RouteSettings] {
        get { self[WatchRoutes.self].routes }
        set { self[WatchRoutes.self].routes = newValue }
    }
}
