/// Why a whole input file is refused: nothing from it may be used. The
/// readers of batches and of refund files both throw it.
public struct FileRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var message: String

    public init(at location: SourceLocation, _ message: String) {
        self.location = location
        self.message = message
    }

    /// The same, as an error finding with no document.
    public var finding: Finding { Finding(.error, at: location, message) }

    /// `orders.csv:7: error: a quoted field opened on line 7 is never closed …`.
    public var description: String { "\(location): error: \(message)" }
}
