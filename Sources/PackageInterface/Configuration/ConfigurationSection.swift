/// One top-level section of `kccbridge.yaml` that its owner reads itself:
/// `xero:` belongs to the Xero package, `quickbooks:` to both QuickBooks
/// packages, `refunds:` to refund reading. The loader hands each section's
/// tree to its type; the type knows its keys and reports problems precisely.
package protocol ConfigurationSection: Sendable, Hashable {
    /// The section's key at the top level of the file.
    static var key: String { get }
    /// The built-in defaults, used when the section is absent.
    init()
    /// Reads the section's tree over the defaults; problems go to `reader`.
    mutating func read(_ node: ConfigNode, _ reader: SectionReader)
}

extension ConfigurationSection {
    /// Reads the section's tree into `configuration`, over what it holds.
    package static func read(_ node: ConfigNode, _ reader: SectionReader, into configuration: inout BridgeConfiguration)
    {
        var section = configuration[Self.self]
        section.read(node, reader)
        configuration[Self.self] = section
    }
}
