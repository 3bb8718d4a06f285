import KCCModel

/// A KCC tax code as the accounting packages know it: the rate, and each
/// package's own fields (Xero's `name` and `code`, QuickBooks Desktop's `qbd`,
/// QuickBooks Online's `qbo`), keyed as `tax_codes` spells them.
package struct TaxMapping: Sendable, Hashable {
    /// The percentage, if given: a KCC line at another rate is a warning.
    package var rate: ExactDecimal?
    /// The packages' fields, by key (see ``TaxCodeField``).
    package var fields: [String: String]

    package init(rate: ExactDecimal? = nil, fields: [String: String] = [:]) {
        self.rate = rate
        self.fields = fields
    }

    /// The value of a package's field, or `nil` when not configured.
    package subscript(_ field: TaxCodeField) -> String? {
        fields[field.key]
    }

    /// How the tax code is named to a person: the first field present in `display` order.
    package func displayName(_ display: [TaxCodeField]) -> String {
        display.lazy.compactMap { self[$0] }.first ?? ""
    }
}

/// A field a package reads under each entry of `tax_codes`.
package struct TaxCodeField: Sendable, Hashable {
    /// The key under the tax code (`name`, `qbd`).
    package var key: String
    /// Every tax code must have it.
    package var required: Bool
    /// The longest value the package takes, if it has a limit.
    package var maxLength: Int?
    /// What the value is, for messages (`the QuickBooks Desktop sales tax code, e.g. S`).
    package var meaning: String
    /// The thing it names, for the length message (`a QuickBooks Desktop sales tax code`).
    package var noun: String

    package init(key: String, required: Bool = false, maxLength: Int? = nil, meaning: String, noun: String? = nil) {
        self.key = key
        self.required = required
        self.maxLength = maxLength
        self.meaning = meaning
        self.noun = noun ?? meaning
    }
}
