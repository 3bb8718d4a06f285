import KCCModel
import Testing

/// The formatters written for speed (digits put into a buffer, bytes scanned) against the plain spelling
/// they replaced, over wide ranges: the text must not change by a byte.
@Suite("Formatting written for speed says what the plain spelling said")
struct FastFormattingTests {
    /// Amounts as they were spelled: the digits, padded to one more than the places, a point, a sign.
    private static func plainAmount(_ units: Int64, scale: Int) -> String {
        var digits = String(units.magnitude)
        if scale > 0 {
            if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
            digits.insert(".", at: digits.index(digits.endIndex, offsetBy: -scale))
        }
        return units < 0 ? "-" + digits : digits
    }

    @Test("amounts: every scale, small and huge, positive and negative")
    func amounts() {
        var units: [Int64] = [0, 1, -1, 9, 10, -10, 99, 100, 101, 12_345, -12_345, .max, .min, .min + 1]
        var value: Int64 = 7
        while value < Int64.max / 13 {
            units += [value, -value, value - 1]
            value *= 13
        }
        for scale in 0...ExactDecimal.maxScale {
            for u in units {
                #expect(ExactDecimal(units: u, scale: scale).description == Self.plainAmount(u, scale: scale))
            }
        }
    }

    /// Dates as they were spelled: the year padded to four digits as text, so a negative or five-digit year
    /// comes out as it is.
    private static func plainDate(_ date: CalendarDate, _ format: CalendarDate.Format) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let yyyy = String(repeating: "0", count: max(0, 4 - String(date.year).count)) + String(date.year)
        switch format {
        case .iso: return "\(yyyy)-\(two(date.month))-\(two(date.day))"
        case .dayMonthYear: return "\(two(date.day))/\(two(date.month))/\(yyyy)"
        case .monthDayYear: return "\(two(date.month))/\(two(date.day))/\(yyyy)"
        }
    }

    @Test("dates: years before 0 to past 9999, in every format")
    func dates() {
        // About 3,800 days spread from year -220 to year 10,180, and the edges of the four-digit years.
        var days = Array(stride(from: -800_000, through: 3_000_000, by: 997))
        days += [-719_529, -719_528, -719_162, 0, 2_932_896, 2_932_897]
        for day in days {
            let date = CalendarDate(daysSinceEpoch: day)
            for format in CalendarDate.Format.allCases {
                #expect(date.formatted(format) == Self.plainDate(date, format), "day \(day)")
            }
        }
    }

    @Test("control characters: found by bytes exactly where the scalar rule finds them")
    func controlCharacters() {
        let scalars = (0...0x3FF).compactMap(Unicode.Scalar.init) + ["\u{2028}", "\u{FEFF}", "\u{1F600}"]
        for scalar in scalars {
            let control = scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
            for text in [String(scalar), "a\(scalar)", "\(scalar)b", "é\(scalar)ü"] {
                #expect(text.hasControlCharacters == control, "U+\(String(scalar.value, radix: 16))")
            }
        }
        // 0xC2 begins U+0080–U+00BF; only what follows it decides.
        #expect(!"\u{A0}\u{BF}".hasControlCharacters)
        #expect("\u{A0}\u{85}".hasControlCharacters)
    }
}
