import KCCModel

/// What a refund reader found in a file: every refund, in file order, and the
/// records it passed over because they are not money back to a customer (a
/// customer's payment, a supplier's credit, an allocation), counted by kind,
/// so that nothing in the file goes unmentioned.
package struct RefundRead: Sendable, Hashable {
    package var refunds: [Refund]
    /// Records that are not refunds, by kind (`customer payments`: 12).
    package var notRefunds: [String: Int]

    package init(refunds: [Refund] = [], notRefunds: [String: Int] = [:]) {
        self.refunds = refunds
        self.notRefunds = notRefunds
    }

    /// Counts one record of `kind` as not a refund.
    package mutating func passOver(_ kind: String, count: Int = 1) {
        guard count > 0 else { return }
        notRefunds[kind, default: 0] += count
    }
}
