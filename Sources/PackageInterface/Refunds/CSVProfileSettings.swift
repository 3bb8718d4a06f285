import KCCModel

/// A refund CSV described in `kccbridge.yaml` (`refunds.profiles.NAME`), for a
/// channel or bank file no built-in profile knows: which columns hold what,
/// which rows are refunds, how amounts are signed.
package struct CSVProfileSettings: Sendable, Hashable {
    package var name: String
    /// The source the refunds are known by in the ledger (default: the profile's name).
    package var source: String?
    /// Header names per field; `id` and `amount` are required.
    package var columns: [RefundField: [String]] = [:]
    /// Only rows whose `refundColumn` holds one of `refundValues` (ignoring case) are refunds.
    package var refundColumn: String?
    package var refundValues: [String] = []
    /// Refunds written as negative amounts (a bank file, an activity download).
    package var negativeRefunds = false
    package var dateFormat: CalendarDate.Format?
    package var defaultCurrency: Currency?
    /// Where the profile stands in the configuration file.
    package var line: Int?

    package init(name: String) {
        self.name = name
    }

    /// The keys a profile takes, for messages.
    package static let keys = ["source", "columns", "refund_rows", "sign", "date_format", "default_currency"]

    /// Reads one profile; problems go to `reader`.
    package static func read(
        _ name: String, _ node: ConfigNode, _ path: String, _ reader: SectionReader
    ) -> CSVProfileSettings? {
        var profile = CSVProfileSettings(name: name)
        profile.line = node.line
        for pair in reader.pairs(node, path, allowed: Set(keys)) {
            let full = "\(path).\(pair.key)"
            switch pair.key {
            case "source": profile.source = reader.string(pair.value, full)
            case "columns":
                for column in reader.pairs(pair.value, full, allowed: Set(RefundField.allCases.map(\.rawValue))) {
                    guard let field = RefundField(rawValue: column.key) else { continue }
                    let names = (column.value.sequence ?? [column.value]).compactMap {
                        reader.string($0, "\(full).\(column.key)")
                    }
                    profile.columns[field] = names
                }
            case "refund_rows":
                for rule in reader.pairs(pair.value, full, allowed: ["column", "values"]) {
                    if rule.key == "column" { profile.refundColumn = reader.string(rule.value, "\(full).column") }
                    if rule.key == "values" {
                        profile.refundValues = (rule.value.sequence ?? [rule.value]).compactMap {
                            reader.string($0, "\(full).values")
                        }
                    }
                }
                if profile.refundColumn == nil || profile.refundValues.isEmpty {
                    reader.problem(
                        pair.value, full,
                        "needs column (the header that says what a row is) and values (the ones that mean a refund)")
                }
            case "sign":
                if let sign = reader.choice(pair.value, full, ["positive", "negative"]) {
                    profile.negativeRefunds = sign == "negative"
                }
            case "date_format":
                profile.dateFormat = reader.choice(pair.value, full, CalendarDate.Format.self)
            case "default_currency":
                if let code = reader.string(pair.value, full) {
                    if let currency = Currency(code: code) {
                        profile.defaultCurrency = currency
                    } else {
                        reader.problem(pair.value, full, "'\(code)' is not an ISO 4217 currency code")
                    }
                }
            default: break
            }
        }
        if profile.columns[.id] == nil || profile.columns[.amount] == nil {
            reader.problem(
                node, path,
                "needs columns.id and columns.amount: the headers of the refund id and of the refunded amount")
            return nil
        }
        return profile
    }
}
