/// The number of an export run, as people see it ("run 17").
///
/// Run numbers only ever grow: a number is never given to two runs, even
/// when a run is rolled back.
public struct RunID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: Int64

    public init(_ rawValue: Int64) {
        self.rawValue = rawValue
    }

    public static func < (lhs: RunID, rhs: RunID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `17`.
    public var description: String { String(rawValue) }
}
