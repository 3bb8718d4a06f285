import KCCModel

/// Reads one kind of refund file an accounting package produces (an API
/// response, a query response): every refund in file order, and a count of
/// what is not a refund. A record that cannot be used comes back as a refund
/// with problems; a file that cannot be read at all, or that is an error
/// response rather than data, throws.
package protocol RefundReader: Sendable {
    /// The `--from` name (`xero-xml`).
    var format: String { get }
    /// What `--from` help says of it.
    var summary: String { get }
    /// Whether the start of a file is this format's (an XML root element, a JSON key).
    func recognises(_ head: [UInt8]) -> Bool
    func read(_ path: String, displayName: String, settings: RefundSettings) throws(FileRefusal) -> RefundRead
}
