/// A decimal number held exactly as an integer and a count of decimal places:
/// `12.50` is `units: 1250, scale: 2`.
///
/// Used for quantities, tax rates and discount percentages. Money has its own
/// type, ``Money``, whose scale is always its currency's minor unit.
public struct ExactDecimal: Sendable, Hashable, CustomStringConvertible {
    /// The value times 10^scale.
    public let units: Int64
    /// How many decimal places `units` carries.
    public let scale: Int

    /// The most integer digits text may carry.
    public static let maxIntegerDigits = 15
    /// The most digits in all (an Int64 holds 18 decimal digits whatever they are).
    public static let maxDigits = 18
    /// The most decimal places text may carry.
    public static let maxScale = 6

    public init(units: Int64, scale: Int) {
        precondition((0...Self.maxScale).contains(scale), "scale out of range")
        self.units = units
        self.scale = scale
    }

    public init(_ integer: Int) {
        self.init(units: Int64(integer), scale: 0)
    }

    /// Parses strictly: ASCII digits, optionally one `.` followed by at least one digit,
    /// optionally a leading ASCII `-` when `allowNegative` is set. Nothing else:
    /// no `+`, no exponent, no thousands separator, no spaces, no Unicode minus.
    public init(
        parsing text: some StringProtocol, maxScale: Int = ExactDecimal.maxScale, allowNegative: Bool = false
    ) throws(DecimalParseError) {
        var original = String(text)
        // The bytes where the string keeps them: every amount of a batch is read through here.
        let (value, fractionDigits) = try original.withUTF8 { bytes in Self.parse(bytes, maxScale, allowNegative) }
            .get()
        self.init(units: value, scale: fractionDigits)
    }

    /// The units and scale of the decimal written in `bytes`, or why it is not one.
    private static func parse(
        _ bytes: UnsafeBufferPointer<UInt8>, _ maxScale: Int, _ allowNegative: Bool
    ) -> Result<(Int64, Int), DecimalParseError> {
        Result { () throws(DecimalParseError) in
            guard !bytes.isEmpty else { throw .empty }
            let negative = bytes[0] == UInt8(ascii: "-")
            var integerDigits = 0
            var fractionDigits = 0
            var seenPoint = false
            var value: Int64 = 0
            for byte in bytes[(negative ? 1 : 0)...] {
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    if seenPoint { fractionDigits += 1 } else { integerDigits += 1 }
                    if integerDigits > Self.maxIntegerDigits || integerDigits + fractionDigits > Self.maxDigits {
                        throw .tooLarge(String(decoding: bytes, as: UTF8.self))
                    }
                    if fractionDigits > Self.maxScale || fractionDigits > maxScale {
                        throw .tooManyDecimals(String(decoding: bytes, as: UTF8.self), allowed: maxScale)
                    }
                    value = value * 10 + Int64(byte - UInt8(ascii: "0"))
                case UInt8(ascii: ".") where !seenPoint:
                    seenPoint = true
                default:
                    throw .notADecimal(String(decoding: bytes, as: UTF8.self))
                }
            }
            guard integerDigits > 0, !seenPoint || fractionDigits > 0 else {
                throw .notADecimal(String(decoding: bytes, as: UTF8.self))
            }
            if negative {
                guard allowNegative else { throw .negative(String(decoding: bytes, as: UTF8.self)) }
                value = -value
            }
            return (value, fractionDigits)
        }
    }

    /// The same value carried with `newScale` places (which must not lose digits).
    public func rescaled(to newScale: Int) -> ExactDecimal {
        precondition(newScale >= scale, "rescaling down loses digits; use rounded(toScale:)")
        return ExactDecimal(units: units * Int64(Self.power10(newScale - scale)), scale: newScale)
    }

    /// The exact sum, or `nil` when it does not fit (18 digits at most).
    public func adding(_ other: ExactDecimal) -> ExactDecimal? {
        let s = max(scale, other.scale)
        let sum = Int128(units) * Self.power10(s - scale) + Int128(other.units) * Self.power10(s - other.scale)
        guard let units = Int64(exactly: sum), units.magnitude < 1_000_000_000_000_000_000 else { return nil }
        return ExactDecimal(units: units, scale: s)
    }

    public var isZero: Bool { units == 0 }
    public var isNegative: Bool { units < 0 }

    /// Compares values, whatever their scales.
    public func compare(_ other: ExactDecimal) -> Int {
        let s = max(scale, other.scale)
        let a = Int128(units) * Self.power10(s - scale)
        let b = Int128(other.units) * Self.power10(s - other.scale)
        return a < b ? -1 : (a > b ? 1 : 0)
    }

    /// Plain text with exactly `scale` decimals, e.g. `12.50`, `-3`, `0.125`.
    public var description: String {
        Self.format(units: units, scale: scale)
    }

    /// The shortest exact text: trailing zeros after the point removed (`2.50` → `2.5`, `20.00` → `20`).
    public var normalizedDescription: String {
        var u = units
        var s = scale
        while s > 0 && u % 10 == 0 {
            u /= 10
            s -= 1
        }
        return Self.format(units: u, scale: s)
    }

    /// The digits of `units` with a point `scale` places from the right (at least one digit before it), and a
    /// minus sign when negative. Written from the right into a buffer on the stack: no intermediate strings.
    static func format(units: Int64, scale: Int) -> String {
        var magnitude = units.magnitude
        let places = max(scale, 0)
        // 20 digits at most, the zeros that pad a small value out to its places, a point and a sign.
        let capacity = 22 + places
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity) { buffer in
            var start = capacity
            var written = 0
            repeat {
                if places > 0, written == places {
                    start -= 1
                    buffer[start] = UInt8(ascii: ".")
                }
                start -= 1
                buffer[start] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: magnitude % 10)
                magnitude /= 10
                written += 1
            } while magnitude > 0 || written <= places
            if units < 0 {
                start -= 1
                buffer[start] = UInt8(ascii: "-")
            }
            return String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<capacity]), as: UTF8.self)
        }
    }

    /// 10^n as an Int128 (n ≤ 30).
    public static func power10(_ n: Int) -> Int128 {
        var result: Int128 = 1
        for _ in 0..<n { result *= 10 }
        return result
    }
}

/// How an exact result with too many places is brought to the places kept.
public enum RoundingRule: String, Sendable, Hashable, CaseIterable {
    /// Half away from zero: 0.125 → 0.13, -0.125 → -0.13. KCC's rule for line amounts.
    case halfUp
    /// Half to even (banker's rounding): 0.125 → 0.12, 0.135 → 0.14.
    case halfEven

    /// `numerator / denominator` rounded to an integer by this rule. `denominator` > 0.
    public func divide(_ numerator: Int128, by denominator: Int128) -> Int128 {
        precondition(denominator > 0)
        let quotient = numerator / denominator
        let remainder = numerator % denominator
        if remainder == 0 { return quotient }
        let twice = remainder.magnitude * 2
        let away: Int128 = numerator < 0 ? -1 : 1
        if twice > denominator.magnitude { return quotient + away }
        if twice < denominator.magnitude { return quotient }
        switch self {
        case .halfUp: return quotient + away
        case .halfEven: return quotient % 2 == 0 ? quotient : quotient + away
        }
    }
}
