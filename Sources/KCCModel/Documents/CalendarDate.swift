/// A day in the proleptic Gregorian calendar, with no time and no time zone:
/// what an invoice date is.
public struct CalendarDate: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A valid date, or `nil` (31 April, 29 February 2027, year 0 …).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...CalendarDate.daysIn(month: month, year: year)).contains(day)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// A date written in the program itself (a default, a fixed date), known to be valid.
    /// A date from input goes through `init?(year:month:day:)`, which can say no.
    public init(validYear year: Int, month: Int, day: Int) {
        guard let date = CalendarDate(year: year, month: month, day: day) else {
            preconditionFailure("\(year)-\(month)-\(day) is not a date")
        }
        self = date
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// ISO 8601, `2026-11-21`.
    public var description: String { formatted(.iso) }

    /// Days since 1970-01-01 (negative before).
    public var daysSinceEpoch: Int {
        // Howard Hinnant's days_from_civil.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The date `days` after this one (before, when negative).
    public func adding(days: Int) -> CalendarDate {
        CalendarDate(daysSinceEpoch: daysSinceEpoch + days)
    }

    public init(daysSinceEpoch: Int) {
        let z = daysSinceEpoch + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// The order of day, month and year in a date written as text.
    public enum Format: String, Sendable, Hashable, CaseIterable {
        /// `YYYY-MM-DD` (ISO 8601), the batch default.
        case iso = "YYYY-MM-DD"
        /// `DD/MM/YYYY`, UK style.
        case dayMonthYear = "DD/MM/YYYY"
        /// `MM/DD/YYYY`, US style.
        case monthDayYear = "MM/DD/YYYY"
    }

    /// Reads a date in exactly `format` (two-digit day and month, four-digit year).
    /// Anything else, or an impossible day, is `nil`: a date is never guessed.
    public init?(parsing text: some StringProtocol, format: Format = .iso) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                let b = bytes[i]
                guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
                value = value * 10 + Int(b - UInt8(ascii: "0"))
            }
            return value
        }
        let y: Int?
        let m: Int?
        let d: Int?
        switch format {
        case .iso:
            guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
            (y, m, d) = (number(0..<4), number(5..<7), number(8..<10))
        case .dayMonthYear, .monthDayYear:
            guard bytes[2] == UInt8(ascii: "/"), bytes[5] == UInt8(ascii: "/") else { return nil }
            let first = number(0..<2)
            let second = number(3..<5)
            y = number(6..<10)
            (d, m) = format == .dayMonthYear ? (first, second) : (second, first)
        }
        guard let y, let m, let d else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The date as text in `format`.
    public func formatted(_ format: Format) -> String {
        guard (0...9999).contains(year) else { return spelled(format) }
        // Ten bytes, each field's digits put in place: a date is formatted for every line of every output.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 10) { buffer in
            func put(_ value: Int, _ width: Int, at offset: Int) {
                var value = value
                for index in stride(from: offset + width - 1, through: offset, by: -1) {
                    buffer[index] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
                    value /= 10
                }
            }
            let separator = format == .iso ? UInt8(ascii: "-") : UInt8(ascii: "/")
            switch format {
            case .iso:
                put(year, 4, at: 0)
                put(month, 2, at: 5)
                put(day, 2, at: 8)
                buffer[4] = separator
                buffer[7] = separator
            case .dayMonthYear, .monthDayYear:
                put(format == .dayMonthYear ? day : month, 2, at: 0)
                put(format == .dayMonthYear ? month : day, 2, at: 3)
                put(year, 4, at: 6)
                buffer[2] = separator
                buffer[5] = separator
            }
            return String(decoding: UnsafeBufferPointer(buffer), as: UTF8.self)
        }
    }

    /// ``formatted(_:)`` for a year outside 0...9999, spelled as it comes.
    private func spelled(_ format: Format) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let yyyy = String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year)
        switch format {
        case .iso: return "\(yyyy)-\(two(month))-\(two(day))"
        case .dayMonthYear: return "\(two(day))/\(two(month))/\(yyyy)"
        case .monthDayYear: return "\(two(month))/\(two(day))/\(yyyy)"
        }
    }
}
