import CSVStreaming
import Foundation
import KCCModel
import PackageInterface
import Yams

/// Reads `kccbridge.yaml` strictly: every key must be known and every value
/// must make sense; all problems are reported at once, each with its line.
/// The core settings (channels, payments, tax codes, text cells) are read
/// here; each package's section is read by the package (``ConfigurationSection``).
package enum ConfigurationLoader {
    /// The file names looked for in the current folder when no `--config` is given.
    package static let defaultNames = ["kccbridge.yaml", "kccbridge.yml"]

    /// The configuration at `path`; with no path, `kccbridge.yaml` in `folder` if it exists, else the built-in defaults.
    package static func load(
        path: String?, folder: String = FileManager.default.currentDirectoryPath,
        packages: PackageSet
    ) throws(ConfigurationError) -> BridgeConfiguration {
        let chosen = path ?? defaultNames.map { folder + "/" + $0 }.first { FileManager.default.fileExists(atPath: $0) }
        guard let chosen else { return packages.defaultConfiguration }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: chosen, isDirectory: &isFolder), !isFolder.boolValue else {
            let why = isFolder.boolValue ? "is a folder, not a configuration file" : "does not exist"
            throw ConfigurationError(file: chosen, problems: [.init(line: nil, key: "(file)", message: why)])
        }
        guard let data = FileManager.default.contents(atPath: chosen) else {
            throw ConfigurationError(
                file: chosen,
                problems: [.init(line: nil, key: "(file)", message: "cannot be read (check its permissions)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(
                file: chosen, problems: [.init(line: nil, key: "(file)", message: "is not UTF-8 text")])
        }
        return try parse(text, file: chosen, packages: packages)
    }

    /// Parses configuration text.
    package static func parse(
        _ text: String, file: String, packages: PackageSet
    ) throws(ConfigurationError) -> BridgeConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigurationError(file: file, problems: [Self.problem(from: error)])
        } catch {
            throw ConfigurationError(
                file: file, problems: [.init(line: nil, key: "(file)", message: "is not YAML: \(error)")])
        }
        let slash = file.lastIndex(of: "/")
        let reader = SectionReader(folder: slash.map { String(file[..<$0]) } ?? ".")
        var configuration = packages.defaultConfiguration
        if let root { CoreSettingsReader(reader: reader, packages: packages).read(tree(root), into: &configuration) }
        if !reader.problems.isEmpty { throw ConfigurationError(file: file, problems: reader.problems) }
        return configuration
    }

    /// The YAML tree as plain values: the only place Yams's nodes are seen.
    private static func tree(_ node: Node) -> ConfigNode {
        let line = node.mark?.line
        if let mapping = node.mapping {
            return .mapping(
                mapping.map { key, value in
                    ConfigPair(key: key.string ?? "", keyLine: key.mark?.line, value: tree(value))
                }, line: line)
        }
        if let sequence = node.sequence { return .sequence(sequence.map(tree), line: line) }
        return .scalar(node.scalar?.string ?? "", line: line)
    }

    private static func problem(from error: YamlError) -> ConfigurationError.Problem {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return .init(line: mark.line, key: "(syntax)", message: "is not valid YAML: \(problem)")
        default:
            return .init(line: nil, key: "(syntax)", message: "is not valid YAML: \(error)")
        }
    }
}

/// Reads the core settings and hands each package's section to its type.
private struct CoreSettingsReader {
    let reader: SectionReader
    let packages: PackageSet

    func read(_ root: ConfigNode, into c: inout BridgeConfiguration) {
        let sections = packages.configurationSections
        let allowed = BridgeConfiguration.coreKeys.union(sections.map { $0.key })
        for pair in reader.pairs(root, "", allowed: allowed) {
            let key = pair.key
            let value = pair.value
            switch key {
            case "text_cells":
                if let text = reader.choice(value, key, ["escape", "strip", "refuse"]),
                    let policy = TextCellPolicy(rawValue: text)
                {
                    c.textCells = policy
                }
            case "channels": readChannels(value, into: &c.channels)
            case "payments": readPayments(value, into: &c.payments)
            case "tax_codes": readTaxCodes(value, into: &c.taxCodes)
            default:
                if let section = sections.first(where: { $0.key == key }) { section.read(value, reader, into: &c) }
            }
        }
        if let refund = c.channels.refundTaxCode, c.taxCodes[refund] == nil {
            reader.problem(nil, "channels.refund_tax", "names tax code '\(refund)', which is not under tax_codes")
        }
    }

    func readChannels(_ node: ConfigNode, into channels: inout ChannelMapping) {
        let allowed: Set<String> = [
            "enabled", "default_sales_account", "default_credit_note_account", "refund_tax", "rules",
        ]
        for pair in reader.pairs(node, "channels", allowed: allowed) {
            let full = "channels.\(pair.key)"
            let value = pair.value
            switch pair.key {
            case "enabled": if let flag = reader.bool(value, full) { channels.enabled = flag }
            case "default_sales_account":
                if let text = reader.string(value, full) { channels.defaultSalesAccount = text }
            case "default_credit_note_account": channels.defaultCreditNoteAccount = reader.string(value, full)
            case "refund_tax": channels.refundTaxCode = reader.string(value, full)
            case "rules":
                guard let sequence = value.sequence else {
                    reader.problem(value, full, "must be a list of rules (each starting with '- source:')")
                    continue
                }
                for (index, item) in sequence.enumerated() {
                    if let rule = readRule(item, "\(full)[\(index + 1)]") { channels.rules.append(rule) }
                }
            default: break
            }
        }
    }

    func readRule(_ node: ConfigNode, _ path: String) -> ChannelRule? {
        var rule = ChannelRule(source: "", line: node.line ?? 0)
        for pair in reader.pairs(node, path, allowed: ["source", "subsource", "sales_account", "tracking", "customer"])
        {
            let full = "\(path).\(pair.key)"
            let value = pair.value
            switch pair.key {
            case "source": rule.source = reader.string(value, full) ?? ""
            case "subsource": rule.subsource = reader.string(value, full)
            case "sales_account": rule.salesAccount = reader.string(value, full)
            case "customer": rule.customer = reader.string(value, full)
            case "tracking":
                guard let sequence = value.sequence else {
                    reader.problem(value, full, "must be a list of { category, option }")
                    continue
                }
                if sequence.count > 2 {
                    reader.problem(value, full, "has \(sequence.count) entries; Xero allows two tracking categories")
                }
                for (index, item) in sequence.enumerated() {
                    let itemPath = "\(full)[\(index + 1)]"
                    var category: String?
                    var option: String?
                    for entry in reader.pairs(item, itemPath, allowed: ["category", "option"]) {
                        if entry.key == "category" { category = reader.string(entry.value, "\(itemPath).category") }
                        if entry.key == "option" { option = reader.string(entry.value, "\(itemPath).option") }
                    }
                    if let category, let option {
                        rule.tracking.append(TrackingOption(category: category, option: option))
                    } else {
                        reader.problem(item, itemPath, "needs both category and option")
                    }
                }
            default: break
            }
        }
        if rule.source.isEmpty {
            reader.problem(node, "\(path).source", "is required: the KCC Source the rule is for (e.g. AMAZON)")
            return nil
        }
        return rule
    }

    func readPayments(_ node: ConfigNode, into payments: inout PaymentAccounts) {
        for pair in reader.pairs(node, "payments", allowed: ["default_account", "accounts"]) {
            switch pair.key {
            case "default_account":
                payments.defaultAccount =
                    pair.value.scalar?.isEmpty == false ? reader.string(pair.value, "payments.default_account") : nil
            case "accounts":
                payments.byMethod = [:]
                for entry in reader.pairs(pair.value, "payments.accounts", allowed: nil) {
                    if let code = reader.string(entry.value, "payments.accounts.\(entry.key)") {
                        payments.byMethod[entry.key] = code
                    }
                }
            default: break
            }
        }
    }

    /// Each tax code: its `rate`, and the fields the packages declare (``TaxCodeField``).
    func readTaxCodes(_ node: ConfigNode, into taxCodes: inout [String: TaxMapping]) {
        let fields = packages.taxCodeFields
        taxCodes = [:]
        for code in reader.pairs(node, "tax_codes", allowed: nil) {
            let path = "tax_codes.\(code.key)"
            var mapping = TaxMapping()
            for pair in reader.pairs(code.value, path, allowed: Set(["rate"] + fields.map(\.key))) {
                let full = "\(path).\(pair.key)"
                if pair.key == "rate" {
                    if let text = reader.string(pair.value, full) {
                        do { mapping.rate = try ExactDecimal(parsing: text) } catch {
                            reader.problem(pair.value, full, "\(error)")
                        }
                    }
                    continue
                }
                guard let field = fields.first(where: { $0.key == pair.key }),
                    let text = reader.string(pair.value, full)
                else { continue }
                if let limit = field.maxLength, text.count > limit {
                    reader.problem(
                        pair.value, full, "'\(text)' is longer than \(limit) characters, the most \(field.noun) has")
                }
                mapping.fields[field.key] = text
            }
            let missing = fields.filter { $0.required && mapping[$0] == nil }
            guard missing.isEmpty else {
                let needs = fields.filter(\.required).map { "\($0.key) (\($0.meaning))" }.joined(separator: " and ")
                reader.problem(code.value, path, "needs \(needs)")
                continue
            }
            taxCodes[code.key] = mapping
        }
    }
}
