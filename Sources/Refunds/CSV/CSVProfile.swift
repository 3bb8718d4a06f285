import KCCModel
import PackageInterface

/// What a refund CSV from one channel or bank looks like, and which of its
/// rows are refunds: a channel's export holds sales, fees and payouts too,
/// and only rows that are money back to a customer become refunds. Every
/// other row is counted, by kind, and never applied.
package struct CSVProfile: Sendable {
    /// The `--from` name (`stripe-payments`).
    package var name: String
    /// The source its refunds are known by in the ledger (`stripe`).
    package var source: String
    /// What the profile reads, for help and the README.
    package var summary: String
    /// Headers that must all be present for a file to be this profile's.
    package var signature: [String]
    /// Headers only this channel's exports have: a file with one of them but
    /// not the whole signature is this channel's export in another shape, and
    /// is refused rather than read as a generic refund CSV.
    package var hints: [String] = []
    /// Header names per field, first present wins (compared ignoring case, spaces and punctuation).
    package var columns: [RefundField: [String]]
    /// Which rows are refunds; the first rule a row fails names its kind.
    package var rules: [RowRule] = []
    /// Refunds are written as negative amounts (an activity download, a bank file).
    package var negativeRefunds = false
    /// The day-month order of slashed dates; `nil`: `refunds.csv_date_format`.
    package var dateFormat: CalendarDate.Format?
    /// The currency when the file has no currency column; `nil`: `refunds.default_currency`.
    package var defaultCurrency: Currency?
    /// Rows that make one refund between them (Amazon writes principal, tax and
    /// promotion as rows of one adjustment): their amounts are summed exactly.
    package var groupBy: [String] = []
    /// The currency is given once and holds for the rows after it.
    package var stickyCurrency = false
    /// For an export with no refund id of its own (Shopify's payment
    /// transactions): the columns whose values, joined, identify a refund
    /// (`#1001 2026-09-02 10:00:00 -0400`); a row missing one has no id.
    package var idFrom: [String] = []

    /// One test a row must pass to be a refund.
    package enum RowRule: Sendable {
        /// The column's value, ignoring case, is one of these; otherwise the row is "`kind` (value)".
        case oneOf(column: String, values: Set<String>, kind: String)
        /// The column's value contains this word, ignoring case.
        case contains(column: String, word: String, kind: String)
        /// The column's value does not contain this word, ignoring case ("Cancellation of Refund").
        case lacks(column: String, word: String, kind: String)
        /// The column is not empty (a continuation row of the record above leaves it empty).
        case present(column: String, kind: String)
        /// The amount is present and not zero.
        case nonZeroAmount(kind: String)
    }

    /// How many of the signature's headers `header` has.
    func signatureMatches(_ header: Set<String>) -> Int {
        signature.filter { header.contains(CSVProfile.normalise($0)) }.count
    }

    /// The signature's headers `header` lacks.
    func missing(_ header: Set<String>) -> [String] {
        signature.filter { !header.contains(CSVProfile.normalise($0)) }
    }

    /// Header compared ignoring case, spaces and punctuation: `Amount Refunded` = `amountrefunded`.
    static func normalise(_ text: String) -> String {
        String(
            text.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }
                .map(Character.init))
    }

    /// A profile from the configuration.
    init(_ settings: CSVProfileSettings) {
        name = settings.name
        source = settings.source ?? settings.name
        summary = "described in kccbridge.yaml (refunds.profiles.\(settings.name))"
        columns = settings.columns
        signature = [settings.columns[.id]?.first, settings.columns[.amount]?.first, settings.refundColumn].compactMap {
            $0
        }
        if let column = settings.refundColumn {
            rules = [
                .oneOf(
                    column: column, values: Set(settings.refundValues.map { $0.lowercased() }),
                    kind: "rows whose \(column) is not a refund")
            ]
        }
        negativeRefunds = settings.negativeRefunds
        dateFormat = settings.dateFormat
        defaultCurrency = settings.defaultCurrency
    }

    init(
        name: String, source: String, summary: String, signature: [String], hints: [String] = [],
        columns: [RefundField: [String]], rules: [RowRule] = [], negativeRefunds: Bool = false
    ) {
        self.hints = hints
        self.name = name
        self.source = source
        self.summary = summary
        self.signature = signature
        self.columns = columns
        self.rules = rules
        self.negativeRefunds = negativeRefunds
    }
}
