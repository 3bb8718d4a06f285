/// The number of an export run, as people see it ("run 17").
///
/// Run numbers only ever grow: a number is never given to two runs, even
/// when a run is rolled back.
package struct RunID: Sendable, Hashable, Comparable, CustomStringConvertible {
    package let rawValue: Int64

    package init(_ rawValue: Int64) {
        self.rawValue = rawValue
    }

    package static func < (lhs: RunID, rhs: RunID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// `17`.
    package var description: String { String(rawValue) }
}
