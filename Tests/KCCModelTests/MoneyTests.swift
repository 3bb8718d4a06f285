import KCCModel
import Testing

@Suite("Money: exact parsing and formatting")
struct MoneyTests {
    @Test(
        "plain decimals parse to minor units",
        arguments: [
            ("12.50", "GBP", Int64(1250)), ("12.5", "GBP", 1250), ("0", "GBP", 0), ("0.01", "GBP", 1),
            ("1200", "JPY", 1200), ("1.234", "BHD", 1234), ("999999999999999.99", "GBP", 99_999_999_999_999_999),
            ("007.10", "EUR", 710),
        ])
    func parses(text: String, code: String, minor: Int64) throws {
        let currency = try #require(Currency(code: code))
        #expect(try Money(parsing: text, currency: currency).minorUnits == minor)
    }

    @Test(
        "anything but a plain decimal is refused",
        arguments: [
            "12,50", "1e3", "12.5abc", " 12.50", "12.50 ", "+12.50", "\u{2212}12.50", "£12.50", "1,234.50", ".50",
            "12.",
            "", "-", "12..5", "0x10", "١٢", "12.5.0", "NaN", "inf",
        ])
    func refusesNonDecimals(text: String) {
        #expect(throws: DecimalParseError.self) { try Money(parsing: text, currency: .gbp) }
    }

    @Test("too many decimals for the currency are refused")
    func refusesExtraDecimals() throws {
        #expect(throws: DecimalParseError.tooManyDecimals("12.505", allowed: 2)) {
            try Money(parsing: "12.505", currency: .gbp)
        }
        #expect(throws: DecimalParseError.tooManyDecimals("1200.5", allowed: 0)) {
            try Money(parsing: "1200.5", currency: Currency(code: "JPY")!)
        }
        #expect(throws: DecimalParseError.tooManyDecimals("1.2345", allowed: 3)) {
            try Money(parsing: "1.2345", currency: Currency(code: "BHD")!)
        }
    }

    @Test("negative amounts only when asked for")
    func negatives() throws {
        #expect(throws: DecimalParseError.negative("-3.00")) { try Money(parsing: "-3.00", currency: .gbp) }
        #expect(try Money(parsing: "-3.00", currency: .gbp, allowNegative: true).minorUnits == -300)
    }

    @Test("too many digits are refused, not truncated")
    func tooLarge() {
        #expect(throws: DecimalParseError.tooLarge("1234567890123456")) {
            try Money(parsing: "1234567890123456", currency: .gbp)
        }
    }

    @Test(
        "formatting writes exactly the currency's digits",
        arguments: [
            (Int64(1250), "GBP", "12.50"), (5, "GBP", "0.05"), (-5, "GBP", "-0.05"), (-300, "GBP", "-3.00"),
            (1200, "JPY", "1200"), (1, "BHD", "0.001"), (0, "EUR", "0.00"),
        ])
    func formats(minor: Int64, code: String, text: String) {
        #expect(Money(minorUnits: minor, currency: Currency(code: code)!).amountText == text)
    }

    @Test("text → money → text is the identity for canonical text", arguments: ["0.00", "12.50", "99999.99", "0.01"])
    func roundTrip(text: String) throws {
        #expect(try Money(parsing: text, currency: .gbp).amountText == text)
    }

    @Test("unknown currency codes are not guessed", arguments: ["GPB", "gbp", "XXX", "", "EURO", "US$"])
    func unknownCurrency(code: String) {
        #expect(Currency(code: code) == nil)
    }

    @Test("minor-unit digits come from ISO 4217")
    func minorUnits() {
        #expect(Currency(code: "GBP")?.minorUnitDigits == 2)
        #expect(Currency(code: "JPY")?.minorUnitDigits == 0)
        #expect(Currency(code: "BHD")?.minorUnitDigits == 3)
        #expect(Currency(code: "KWD")?.minorUnitDigits == 3)
        #expect(Currency(code: "ISK")?.minorUnitDigits == 0)
    }
}

@Suite("Rounding and line arithmetic")
struct RoundingTests {
    @Test(
        "half-up rounds halves away from zero; half-even to even",
        arguments: [
            (Int128(125), Int128(10), Int128(13), Int128(12)),
            (135, 10, 14, 14),
            (-125, 10, -13, -12),
            (124, 10, 12, 12),
            (126, 10, 13, 13),
            (120, 10, 12, 12),
        ])
    func rounding(numerator: Int128, denominator: Int128, halfUp: Int128, halfEven: Int128) {
        #expect(RoundingRule.halfUp.divide(numerator, by: denominator) == halfUp)
        #expect(RoundingRule.halfEven.divide(numerator, by: denominator) == halfEven)
    }

    @Test("line net = quantity × price less discount, half-up to the penny")
    func lineNet() throws {
        let price = try Money(parsing: "14.99", currency: .gbp)
        // 3 × 14.99 = 44.97, less 12.5% = 39.34875 → 39.35
        #expect(
            Money.lineNet(
                unitPrice: price, quantity: ExactDecimal(3), discountPercent: try ExactDecimal(parsing: "12.5"))?
                .amountText == "39.35")
        // 2.5 × 1.85 = 4.625 → 4.63
        let rope = try Money(parsing: "1.85", currency: .gbp)
        #expect(
            Money.lineNet(unitPrice: rope, quantity: try ExactDecimal(parsing: "2.5"), discountPercent: nil)?.amountText
                == "4.63")
        // 0.333 × 0.03 = 0.00999 → 0.01
        #expect(
            Money.lineNet(
                unitPrice: try Money(parsing: "0.03", currency: .gbp), quantity: try ExactDecimal(parsing: "0.333"),
                discountPercent: nil)?.amountText == "0.01")
        // JPY: 3 × 333 less 10% = 899.1 → 899
        let yen = try Money(parsing: "333", currency: Currency(code: "JPY")!)
        #expect(
            Money.lineNet(unitPrice: yen, quantity: ExactDecimal(3), discountPercent: ExactDecimal(10))?.amountText
                == "899")
    }

    @Test("percentages round half-up")
    func percentage() throws {
        // 20 % of 32.99 is 6.598.
        #expect(try Money(parsing: "32.99", currency: .gbp).percentage(ExactDecimal(20))?.amountText == "6.60")
        #expect(
            try Money(parsing: "0.125", currency: Currency(code: "BHD")!).percentage(ExactDecimal(100))?.amountText
                == "0.125")
        #expect(try Money(parsing: "0.05", currency: .gbp).percentage(ExactDecimal(50))?.amountText == "0.03")  // 0.025
    }

    @Test("results too large to hold are nil, never a crash")
    func overflow() throws {
        let price = try Money(parsing: "999999999999999.99", currency: .gbp)
        #expect(
            Money.lineNet(
                unitPrice: price, quantity: try ExactDecimal(parsing: "999999999999.999999"), discountPercent: nil)
                == nil)
        #expect(price.percentage(try ExactDecimal(parsing: "999999999999999")) == nil)
        #expect(Money(minorUnits: .max, currency: .gbp).adding(Money(minorUnits: 1, currency: .gbp)) == nil)
        #expect(throws: DecimalParseError.tooLarge("999999999999999.999999")) {
            try ExactDecimal(parsing: "999999999999999.999999")
        }
    }

    @Test("decimals compare across scales and print without trailing zeros")
    func decimals() throws {
        #expect(try ExactDecimal(parsing: "2.50").compare(ExactDecimal(parsing: "2.5")) == 0)
        #expect(try ExactDecimal(parsing: "2.50").normalizedDescription == "2.5")
        #expect(try ExactDecimal(parsing: "20.00").normalizedDescription == "20")
        #expect(ExactDecimal(units: 5, scale: 3).description == "0.005")
        #expect(throws: DecimalParseError.self) { try ExactDecimal(parsing: "1.1234567") }
    }
}

@Suite("Calendar dates")
struct CalendarDateTests {
    @Test(
        "ISO dates parse; impossible ones do not",
        arguments: [
            ("2026-11-21", true), ("2024-02-29", true), ("2026-02-29", false), ("2026-02-30", false),
            ("2026-13-01", false),
            ("2026-00-10", false), ("2026-1-5", false), ("21/11/2026", false), ("2026-11-21T10:00", false), ("", false),
        ])
    func iso(text: String, valid: Bool) {
        #expect((CalendarDate(parsing: text) != nil) == valid)
    }

    @Test("UK and US orders are read only when asked for")
    func otherFormats() {
        #expect(
            CalendarDate(parsing: "05/03/2026", format: .dayMonthYear) == CalendarDate(year: 2026, month: 3, day: 5))
        #expect(
            CalendarDate(parsing: "05/03/2026", format: .monthDayYear) == CalendarDate(year: 2026, month: 5, day: 3))
        #expect(CalendarDate(parsing: "31/12/2026", format: .monthDayYear) == nil)
        #expect(CalendarDate(year: 2026, month: 3, day: 5)!.formatted(.dayMonthYear) == "05/03/2026")
        #expect(CalendarDate(year: 2026, month: 3, day: 5)!.formatted(.monthDayYear) == "03/05/2026")
    }

    @Test("adding days crosses months, years and leap days")
    func arithmetic() {
        let date = CalendarDate(year: 2024, month: 2, day: 28)!
        #expect(date.adding(days: 1) == CalendarDate(year: 2024, month: 2, day: 29))
        #expect(date.adding(days: 2) == CalendarDate(year: 2024, month: 3, day: 1))
        #expect(
            CalendarDate(year: 2026, month: 12, day: 31)!.adding(days: 1) == CalendarDate(year: 2027, month: 1, day: 1))
        #expect(CalendarDate(year: 1970, month: 1, day: 1)!.daysSinceEpoch == 0)
        #expect(
            CalendarDate(daysSinceEpoch: CalendarDate(year: 2026, month: 11, day: 21)!.daysSinceEpoch)
                == CalendarDate(year: 2026, month: 11, day: 21))
    }
}
