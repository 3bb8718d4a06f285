import KCCModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A moment in UTC, to the millisecond: when a run started or finished, a
/// refund was applied, a resolution was made.
///
/// The ledger stores it as ISO 8601 text with milliseconds
/// (`2026-11-20T14:03:07.123Z`), which sorts in time order as text and reads
/// well in `sqlite3`. People are shown whole seconds (``description``).
package struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    package let millisecondsSinceEpoch: Int64

    package init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// Midnight UTC at the start of `date`, plus `seconds`.
    package init(_ date: CalendarDate, seconds: Int = 0) {
        self.init(millisecondsSinceEpoch: (Int64(date.daysSinceEpoch) * 86_400 + Int64(seconds)) * 1000)
    }

    /// The system's real-time clock.
    package static func now() -> Timestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Timestamp(millisecondsSinceEpoch: Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000)
    }

    package static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSinceEpoch < rhs.millisecondsSinceEpoch
    }

    /// The UTC day.
    package var date: CalendarDate {
        CalendarDate(daysSinceEpoch: Int(millisecondsSinceEpoch.floorDivided(by: 86_400_000)))
    }

    /// `2026-11-20T14:03:07.123Z`: the stored form.
    package var iso8601: String {
        let (seconds, milliseconds) = parts
        let ms = String(milliseconds)
        return "\(date)T\(clock(seconds)).\(String(repeating: "0", count: 3 - ms.count))\(ms)Z"
    }

    /// `2026-11-20T14:03:07Z`.
    package var description: String { "\(date)T\(clock(parts.secondsIntoDay))Z" }

    /// Reads the stored form, with or without milliseconds; anything else is `nil`.
    package init?(iso8601 text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 20 || bytes.count == 24, bytes.last == UInt8(ascii: "Z"), bytes[10] == UInt8(ascii: "T"),
            let date = CalendarDate(parsing: String(decoding: bytes[0..<10], as: UTF8.self)),
            bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
            let hour = Self.digits(bytes[11..<13]), let minute = Self.digits(bytes[14..<16]),
            let second = Self.digits(bytes[17..<19]),
            hour < 24, minute < 60, second < 60
        else { return nil }
        var milliseconds: Int64 = 0
        if bytes.count == 24 {
            guard bytes[19] == UInt8(ascii: "."), let ms = Self.digits(bytes[20..<23]) else { return nil }
            milliseconds = Int64(ms)
        }
        self.init(
            millisecondsSinceEpoch: Timestamp(date, seconds: hour * 3600 + minute * 60 + second).millisecondsSinceEpoch
                + milliseconds)
    }

    private var parts: (secondsIntoDay: Int, milliseconds: Int) {
        let intoDay = millisecondsSinceEpoch - millisecondsSinceEpoch.floorDivided(by: 86_400_000) * 86_400_000
        return (Int(intoDay / 1000), Int(intoDay % 1000))
    }

    private func clock(_ secondsIntoDay: Int) -> String {
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(two(secondsIntoDay / 3600)):\(two(secondsIntoDay / 60 % 60)):\(two(secondsIntoDay % 60))"
    }

    private static func digits(_ bytes: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for byte in bytes {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }
}

extension Int64 {
    /// Division rounding towards minus infinity (times before 1970 stay on the right day).
    fileprivate func floorDivided(by divisor: Int64) -> Int64 {
        let (quotient, remainder) = quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? quotient - 1 : quotient
    }
}
