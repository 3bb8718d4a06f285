/// Why a piece of text is not an acceptable exact decimal number.
///
/// Each case renders as a sentence a clerk can act on; the caller adds the
/// file, line and column name.
public enum DecimalParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The cell was empty.
    case empty
    /// The text is not a plain decimal such as `12.50` (a comma, an exponent,
    /// letters, spaces, a currency symbol, a Unicode minus …).
    case notADecimal(String)
    /// More digits after the point than allowed (for money: the currency's minor unit).
    case tooManyDecimals(String, allowed: Int)
    /// A minus sign where only positive amounts are allowed.
    case negative(String)
    /// More digits than this program keeps exactly.
    case tooLarge(String)

    public var description: String {
        switch self {
        case .empty:
            return "is empty"
        case .notADecimal(let text):
            return
                "'\(text)' is not a plain decimal number (write it like 1234.50: digits, one point, no commas, symbols or spaces)"
        case .tooManyDecimals(let text, let allowed):
            return allowed == 0
                ? "'\(text)' has decimals, but this currency has no minor unit"
                : "'\(text)' has more than \(allowed) decimal place\(allowed == 1 ? "" : "s")"
        case .negative(let text):
            return "'\(text)' is negative; amounts are positive and the record type gives the sign"
        case .tooLarge(let text):
            return "'\(text)' is too large to hold exactly"
        }
    }
}
