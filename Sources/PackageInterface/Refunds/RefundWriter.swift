import KCCModel

/// Writes the refunds a reconciliation applied into one file an accounting
/// package imports, for refunds made elsewhere (in a sales channel) that the
/// package must record too.
package protocol RefundWriter: Sendable {
    /// The `reconcile --to` name (`xero-xml`).
    var target: String { get }
    /// The end of the file name: `<refunds>.<suffix>`.
    var fileSuffix: String { get }
    /// Why this refund cannot be written although its credit note reached the
    /// package (a QuickBooks TxnID not given): the whole file is refused, since
    /// applying it in KCC only would split the books.
    func refusal(_ refund: RefundPayment) -> String?
    /// Why this refund must not be applied at all (the package says its credit
    /// note has nothing left): it is held back for a person, in KCC too.
    func holdBack(_ refund: RefundPayment) -> String?
    /// The most refunds one file may hold (an API's batch limit); more go to
    /// numbered parts (`<refunds>.qbo-refunds.part2.xml`). `nil`: no limit.
    var maximumPerFile: Int? { get }
    /// What the user must know about the file written, said once (names
    /// written where Ids are needed), or `nil`.
    var notice: String? { get }
    func contents(_ refunds: [RefundPayment]) throws -> [UInt8]
}

extension RefundWriter {
    package func refusal(_ refund: RefundPayment) -> String? { nil }
    package func holdBack(_ refund: RefundPayment) -> String? { nil }
    package var maximumPerFile: Int? { nil }
    package var notice: String? { nil }
}

/// What a refund writer may need beyond the configuration, given on the command line.
package struct RefundWriterInputs: Sendable {
    /// The package's own ids of credit notes, by its reference number or KCC
    /// number (QuickBooks Desktop's credit memo TxnIDs, `--credit-memos`).
    package var creditNoteIDs: [String: String]
    /// What the package says is left to refund on each credit note, by the same keys.
    package var remaining: [String: ExactDecimal]

    package init(creditNoteIDs: [String: String] = [:], remaining: [String: ExactDecimal] = [:]) {
        self.creditNoteIDs = creditNoteIDs
        self.remaining = remaining
    }
}
