import CSVStreaming
import Foundation
import KCCModel
import Yams

/// Reads `kccbridge.yaml` strictly: every key must be known and every value
/// must make sense; all problems are reported at once, each with its line.
public enum ConfigurationLoader {
    /// The file names looked for in the current folder when no `--config` is given.
    public static let defaultNames = ["kccbridge.yaml", "kccbridge.yml"]

    /// The configuration at `path`; with no path, `kccbridge.yaml` in `folder` if it exists, else the built-in defaults.
    public static func load(path: String?, folder: String = FileManager.default.currentDirectoryPath) throws(ConfigurationError) -> BridgeConfiguration {
        let chosen = path ?? defaultNames.map { folder + "/" + $0 }.first { FileManager.default.fileExists(atPath: $0) }
        guard let chosen else { return BridgeConfiguration() }
        guard let data = FileManager.default.contents(atPath: chosen), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(file: chosen, problems: [.init(line: nil, key: "(file)", message: "cannot be read as UTF-8 text")])
        }
        return try parse(text, file: chosen)
    }

    /// Parses configuration text.
    public static func parse(_ text: String, file: String) throws(ConfigurationError) -> BridgeConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw ConfigurationError(file: file, problems: [Self.problem(from: error)])
        } catch {
            throw ConfigurationError(file: file, problems: [.init(line: nil, key: "(file)", message: "is not YAML: \(error)")])
        }
        var reader = ConfigReader()
        var configuration = BridgeConfiguration()
        if let root { reader.read(root, into: &configuration) }
        if !reader.problems.isEmpty { throw ConfigurationError(file: file, problems: reader.problems) }
        return configuration
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

/// Walks the YAML tree, filling the configuration and collecting problems.
private struct ConfigReader {
    var problems: [ConfigurationError.Problem] = []

    mutating func problem(_ node: Node?, _ key: String, _ message: String) {
        problems.append(.init(line: node?.mark?.line, key: key, message: message))
    }

    /// The pairs of a mapping with their keys as strings; unknown keys are problems.
    mutating func pairs(_ node: Node, _ path: String, allowed: Set<String>?) -> [(String, Node, Node)] {
        guard let mapping = node.mapping else {
            problem(node, path.isEmpty ? "(top level)" : path, "must be a mapping of keys to values")
            return []
        }
        var seen: Set<String> = []
        var result: [(String, Node, Node)] = []
        for (keyNode, value) in mapping {
            let key = keyNode.string ?? ""
            let full = path.isEmpty ? key : "\(path).\(key)"
            if let allowed, !allowed.contains(key) {
                problem(keyNode, full, "is not a known key (known here: \(allowed.sorted().joined(separator: ", ")))")
                continue
            }
            if !seen.insert(key).inserted {
                problem(keyNode, full, "is given twice")
                continue
            }
            result.append((key, keyNode, value))
        }
        return result
    }

    mutating func string(_ node: Node, _ key: String) -> String? {
        guard let scalar = node.scalar, node.mapping == nil else {
            problem(node, key, "must be a single value")
            return nil
        }
        let text = scalar.string
        if text.isEmpty { problem(node, key, "must not be empty") }
        // Values end up inside tab-separated and line-based files (IIF), and a name never needs one.
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            problem(node, key, "must be one line of text, without tabs or control characters")
            return nil
        }
        return text.isEmpty ? nil : text
    }

    mutating func bool(_ node: Node, _ key: String) -> Bool? {
        switch node.scalar?.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            problem(node, key, "must be true or false, not '\(node.scalar?.string ?? "")'")
            return nil
        }
    }

    mutating func choice(_ node: Node, _ key: String, _ options: [String]) -> String? {
        guard let text = string(node, key) else { return nil }
        guard let hit = options.first(where: { $0.caseInsensitiveEquals(text) }) else {
            problem(node, key, "must be one of \(options.joined(separator: ", ")), not '\(text)'")
            return nil
        }
        return hit
    }

    mutating func read(_ root: Node, into c: inout BridgeConfiguration) {
        for (key, _, value) in pairs(root, "", allowed: ["text_cells", "channels", "payments", "tax_codes", "xero", "quickbooks", "refunds"]) {
            switch key {
            case "text_cells":
                if let choice = choice(value, key, ["escape", "strip", "refuse"]) { c.textCells = TextCellPolicy(rawValue: choice)! }
            case "channels": readChannels(value, into: &c.channels)
            case "payments": readPayments(value, into: &c.payments)
            case "tax_codes": readTaxCodes(value, into: &c.taxCodes)
            case "xero": readXero(value, into: &c.xero)
            case "refunds": readRefunds(value, into: &c.refunds)
            case "quickbooks": readQuickBooks(value, into: &c.quickbooks)
            default: break
            }
        }
        if let refund = c.channels.refundTaxCode, c.taxCodes[refund] == nil {
            problem(nil, "channels.refund_tax", "names tax code '\(refund)', which is not under tax_codes")
        }
    }

    mutating func readChannels(_ node: Node, into channels: inout ChannelMapping) {
        let allowed: Set<String> = ["enabled", "default_sales_account", "default_credit_note_account", "refund_tax", "rules"]
        for (key, _, value) in pairs(node, "channels", allowed: allowed) {
            let full = "channels.\(key)"
            switch key {
            case "enabled": if let b = bool(value, full) { channels.enabled = b }
            case "default_sales_account": if let s = string(value, full) { channels.defaultSalesAccount = s }
            case "default_credit_note_account": channels.defaultCreditNoteAccount = string(value, full)
            case "refund_tax": channels.refundTaxCode = string(value, full)
            case "rules":
                guard let sequence = value.sequence else {
                    problem(value, full, "must be a list of rules (each starting with '- source:')")
                    continue
                }
                for (index, item) in sequence.enumerated() {
                    if let rule = readRule(item, "\(full)[\(index + 1)]") { channels.rules.append(rule) }
                }
            default: break
            }
        }
    }

    mutating func readRule(_ node: Node, _ path: String) -> ChannelRule? {
        var rule = ChannelRule(source: "", line: node.mark?.line ?? 0)
        for (key, _, value) in pairs(node, path, allowed: ["source", "subsource", "sales_account", "tracking", "customer"]) {
            let full = "\(path).\(key)"
            switch key {
            case "source": rule.source = string(value, full) ?? ""
            case "subsource": rule.subsource = string(value, full)
            case "sales_account": rule.salesAccount = string(value, full)
            case "customer": rule.customer = string(value, full)
            case "tracking":
                guard let sequence = value.sequence else {
                    problem(value, full, "must be a list of { category, option }")
                    continue
                }
                if sequence.count > 2 { problem(value, full, "has \(sequence.count) entries; Xero allows two tracking categories") }
                for (index, item) in sequence.enumerated() {
                    var category: String?, option: String?
                    for (k, _, v) in pairs(item, "\(full)[\(index + 1)]", allowed: ["category", "option"]) {
                        if k == "category" { category = string(v, "\(full)[\(index + 1)].category") }
                        if k == "option" { option = string(v, "\(full)[\(index + 1)].option") }
                    }
                    if let category, let option {
                        rule.tracking.append(TrackingOption(category: category, option: option))
                    } else {
                        problem(item, "\(full)[\(index + 1)]", "needs both category and option")
                    }
                }
            default: break
            }
        }
        if rule.source.isEmpty {
            problem(node, "\(path).source", "is required: the KCC Source the rule is for (e.g. AMAZON)")
            return nil
        }
        return rule
    }

    mutating func readPayments(_ node: Node, into payments: inout PaymentAccounts) {
        for (key, _, value) in pairs(node, "payments", allowed: ["default_account", "accounts"]) {
            switch key {
            case "default_account":
                payments.defaultAccount = value.scalar?.string.isEmpty == false ? string(value, "payments.default_account") : nil
            case "accounts":
                payments.byMethod = [:]
                for (method, _, account) in pairs(value, "payments.accounts", allowed: nil) {
                    if let code = string(account, "payments.accounts.\(method)") { payments.byMethod[method] = code }
                }
            default: break
            }
        }
    }

    mutating func readTaxCodes(_ node: Node, into taxCodes: inout [String: TaxMapping]) {
        taxCodes = [:]
        for (code, _, value) in pairs(node, "tax_codes", allowed: nil) {
            let path = "tax_codes.\(code)"
            var name: String?, apiCode: String?, rate: ExactDecimal?, desktop: String?, online: String?
            for (key, _, v) in pairs(value, path, allowed: ["name", "code", "rate", "qbd", "qbo"]) {
                switch key {
                case "name": name = string(v, "\(path).name")
                case "code": apiCode = string(v, "\(path).code")
                case "qbo": online = string(v, "\(path).qbo")
                case "qbd":
                    desktop = string(v, "\(path).qbd")
                    if let code = desktop, code.count > 3 {
                        problem(v, "\(path).qbd", "'\(code)' is longer than 3 characters, the most a QuickBooks Desktop sales tax code has")
                    }
                case "rate":
                    if let text = string(v, "\(path).rate") {
                        do { rate = try ExactDecimal(parsing: text) } catch { problem(v, "\(path).rate", "\(error)") }
                    }
                default: break
                }
            }
            guard let name, let apiCode else {
                problem(value, path, "needs name (as the CSV import shows it) and code (as the API knows it)")
                continue
            }
            taxCodes[code] = TaxMapping(name: name, code: apiCode, rate: rate, desktop: desktop, online: online)
        }
    }

    mutating func readRefunds(_ node: Node, into refunds: inout RefundSettings) {
        let allowed: Set<String> = ["columns", "csv_date_format", "default_currency", "desktop_currency", "sync_missing_orders",
                                    "csv_source", "negative_amounts"]
        for (key, _, value) in pairs(node, "refunds", allowed: allowed) {
            let full = "refunds.\(key)"
            switch key {
            case "columns":
                for (field, fieldNode, names) in pairs(value, full, allowed: Set(RefundField.allCases.map(\.rawValue))) {
                    let path = "\(full).\(field)"
                    let list = names.sequence.map { Array($0) } ?? [names]
                    let texts = list.compactMap { string($0, path) }
                    if texts.isEmpty { problem(fieldNode, path, "needs at least one header name") }
                    refunds.columns[RefundField(rawValue: field)!] = texts
                }
            case "csv_date_format":
                if let text = choice(value, full, [CalendarDate.Format.dayMonthYear.rawValue, CalendarDate.Format.monthDayYear.rawValue]) {
                    refunds.csvDateFormat = CalendarDate.Format(rawValue: text)!
                }
            case "default_currency", "desktop_currency":
                if let code = string(value, full) {
                    if let currency = Currency(code: code) {
                        if key == "default_currency" { refunds.defaultCurrency = currency } else { refunds.desktopCurrency = currency }
                    } else {
                        problem(value, full, "'\(code)' is not an ISO 4217 currency code")
                    }
                }
            case "sync_missing_orders":
                if let b = bool(value, full) { refunds.syncMissingOrders = b }
            case "csv_source":
                if let name = string(value, full) { refunds.csvSource = name }
            case "negative_amounts":
                if let text = choice(value, full, ["invalid", "refund"]) { refunds.negativeAmountsAreRefunds = text == "refund" }
            default: break
            }
        }
    }

    mutating func readXero(_ node: Node, into xero: inout XeroSettings) {
        for (key, _, value) in pairs(node, "xero", allowed: ["date_format", "invoice_status", "credit_note_sign", "fill_totals"]) {
            let full = "xero.\(key)"
            switch key {
            case "date_format":
                if let text = choice(value, full, CalendarDate.Format.allCases.map(\.rawValue)) { xero.dateFormat = CalendarDate.Format(rawValue: text)! }
            case "invoice_status":
                if let text = choice(value, full, XeroSettings.statuses) { xero.invoiceStatus = text }
            case "credit_note_sign":
                if let text = choice(value, full, ["negative", "positive"]) { xero.negativeCreditNotes = text == "negative" }
            case "fill_totals":
                if let b = bool(value, full) { xero.fillTotals = b }
            default: break
            }
        }
    }

    mutating func readQuickBooks(_ node: Node, into quickbooks: inout QuickBooksSettings) {
        let allowed: Set<String> = [
            "date_format", "iif_encoding", "accounts_receivable", "undeposited_funds", "vat_liability", "item", "strip_prefixes", "on_error",
            "online_refunds", "desktop_refunds", "refund_account",
        ]
        for (key, _, value) in pairs(node, "quickbooks", allowed: allowed) {
            let full = "quickbooks.\(key)"
            switch key {
            case "iif_encoding":
                if let text = choice(value, full, TextEncoding.allCases.map(\.rawValue)) { quickbooks.iifEncoding = TextEncoding(rawValue: text)! }
            case "date_format":
                if let text = choice(value, full, CalendarDate.Format.allCases.map(\.rawValue)) { quickbooks.dateFormat = CalendarDate.Format(rawValue: text)! }
            case "accounts_receivable": if let s = string(value, full) { quickbooks.accountsReceivable = s }
            case "undeposited_funds": if let s = string(value, full) { quickbooks.undepositedFunds = s }
            case "vat_liability": if let s = string(value, full) { quickbooks.vatLiability = s }
            case "item": if let s = string(value, full) { quickbooks.item = s }
            case "refund_account": quickbooks.refundAccount = string(value, full)
            case "strip_prefixes":
                guard let sequence = value.sequence else {
                    problem(value, full, "must be a list of prefixes, e.g. [INV-, CRN-, PAY-]")
                    continue
                }
                quickbooks.stripPrefixes = sequence.enumerated().compactMap { index, item in string(item, "\(full)[\(index + 1)]") }
            case "on_error":
                if let text = choice(value, full, QuickBooksSettings.OnError.allCases.map(\.rawValue)) { quickbooks.onError = .init(rawValue: text)! }
            case "online_refunds":
                if let text = choice(value, full, QuickBooksSettings.OnlineRefunds.allCases.map(\.rawValue)) { quickbooks.onlineRefunds = .init(rawValue: text)! }
            case "desktop_refunds":
                if let text = choice(value, full, QuickBooksSettings.DesktopRefunds.allCases.map(\.rawValue)) { quickbooks.desktopRefunds = .init(rawValue: text)! }
            default: break
            }
        }
    }
}
