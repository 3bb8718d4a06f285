/// An exact amount of money: an integer count of the currency's minor units.
///
/// `Money(minorUnits: 1250, currency: .gbp)` is £12.50. Text is turned into
/// money only by ``init(parsing:currency:allowNegative:)`` and back only by
/// ``amountText``; nothing in between ever sees a decimal fraction.
public struct Money: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let minorUnits: Int64
    public let currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money {
        Money(minorUnits: 0, currency: currency)
    }

    /// Parses a plain decimal with at most the currency's minor-unit digits
    /// (`12.5` and `12.50` are both £12.50; `12.505` is refused for GBP,
    /// `1200.5` for JPY). Negative only when `allowNegative` is set.
    public init(
        parsing text: some StringProtocol, currency: Currency, allowNegative: Bool = false
    ) throws(DecimalParseError) {
        let decimal = try ExactDecimal(parsing: text, maxScale: currency.minorUnitDigits, allowNegative: allowNegative)
        self.init(minorUnits: decimal.rescaled(to: currency.minorUnitDigits).units, currency: currency)
    }

    /// The amount as plain text with exactly the currency's digits: `12.50`, `-3.00`, `1200` (JPY).
    public var amountText: String {
        ExactDecimal.format(units: minorUnits, scale: currency.minorUnitDigits)
    }

    /// The amount as an exact decimal (scale = the currency's minor-unit digits).
    public var decimal: ExactDecimal {
        ExactDecimal(units: minorUnits, scale: currency.minorUnitDigits)
    }

    /// `12.50 GBP`.
    public var description: String { "\(amountText) \(currency.code)" }

    public var isZero: Bool { minorUnits == 0 }
    public var isNegative: Bool { minorUnits < 0 }
    public var negated: Money { Money(minorUnits: -minorUnits, currency: currency) }
    public var magnitude: Money { Money(minorUnits: Int64(minorUnits.magnitude), currency: currency) }

    public static func + (lhs: Money, rhs: Money) -> Money {
        precondition(lhs.currency == rhs.currency, "adding \(lhs.currency) to \(rhs.currency)")
        return Money(minorUnits: lhs.minorUnits + rhs.minorUnits, currency: lhs.currency)
    }

    public static func - (lhs: Money, rhs: Money) -> Money {
        precondition(lhs.currency == rhs.currency, "subtracting \(rhs.currency) from \(lhs.currency)")
        return Money(minorUnits: lhs.minorUnits - rhs.minorUnits, currency: lhs.currency)
    }

    public static func += (lhs: inout Money, rhs: Money) { lhs = lhs + rhs }
    public static func -= (lhs: inout Money, rhs: Money) { lhs = lhs - rhs }

    /// Orders amounts of one currency; amounts of different currencies are ordered by code first.
    public static func < (lhs: Money, rhs: Money) -> Bool {
        lhs.currency == rhs.currency ? lhs.minorUnits < rhs.minorUnits : lhs.currency < rhs.currency
    }

    /// `unitPrice × quantity × (100 − discountPercent) / 100`, rounded to the
    /// minor unit by `rule`: how KCC computes a line's net amount. `nil` when
    /// the result is too large to hold exactly (hostile or absurd input).
    public static func lineNet(
        unitPrice: Money,
        quantity: ExactDecimal,
        discountPercent: ExactDecimal?,
        rule: RoundingRule = .halfUp
    ) -> Money? {
        let discount = discountPercent ?? ExactDecimal(0)
        // hundred·10^scale − discount units, i.e. (100 − d) at the discount's scale
        let keep = 100 * ExactDecimal.power10(discount.scale) - Int128(discount.units)
        let (partial, overflow1) = Int128(unitPrice.minorUnits).multipliedReportingOverflow(by: Int128(quantity.units))
        let (numerator, overflow2) = partial.multipliedReportingOverflow(by: keep)
        guard !overflow1, !overflow2 else { return nil }
        let denominator = ExactDecimal.power10(quantity.scale) * 100 * ExactDecimal.power10(discount.scale)
        guard let minor = Int64(exactly: rule.divide(numerator, by: denominator)) else { return nil }
        return Money(minorUnits: minor, currency: unitPrice.currency)
    }

    /// `self × percent / 100`, rounded to the minor unit by `rule` (e.g. VAT at
    /// 20%); `nil` when too large to hold exactly.
    public func percentage(_ percent: ExactDecimal, rule: RoundingRule = .halfUp) -> Money? {
        let (numerator, overflow) = Int128(minorUnits).multipliedReportingOverflow(by: Int128(percent.units))
        guard !overflow else { return nil }
        let denominator = 100 * ExactDecimal.power10(percent.scale)
        guard let minor = Int64(exactly: rule.divide(numerator, by: denominator)) else { return nil }
        return Money(minorUnits: minor, currency: currency)
    }

    /// `self + other`, or `nil` if the sum does not fit (amounts of the same currency).
    public func adding(_ other: Money) -> Money? {
        precondition(currency == other.currency, "adding \(other.currency) to \(currency)")
        let (sum, overflow) = minorUnits.addingReportingOverflow(other.minorUnits)
        return overflow ? nil : Money(minorUnits: sum, currency: currency)
    }
}
