/// Why a whole input file is refused: nothing from it may be used. The
/// readers of batches and of refund files both throw it.
public struct FileRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String
    /// The error underneath (a CSV, XML or system error), for callers that
    /// need more than the words: its code, its errno.
    public var underlying: (any Error)?

    public init(at location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    /// A refusal because of `error`, in its own words, keeping it.
    public init(at location: SourceLocation, because error: any Error) {
        self.location = location
        self.message = "\(error)"
        self.underlying = error
    }

    /// The same, as an error finding with no document.
    public var finding: Finding { Finding(.error, at: location, message) }

    /// `orders.csv:7: error: a quoted field opened on line 7 is never closed …`.
    public var description: String { "\(location): error: \(message)" }

    /// Two refusals are the same when they say the same of the same place.
    public static func == (lhs: FileRefusal, rhs: FileRefusal) -> Bool {
        lhs.location == rhs.location && lhs.message == rhs.message
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(location)
        hasher.combine(message)
    }
}
