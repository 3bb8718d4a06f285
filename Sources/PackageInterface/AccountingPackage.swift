import KCCModel

/// An accounting package kccbridge exchanges files with: everything about it,
/// declared once, in its own folder. The registry (`PackageRegistry.all`)
/// lists the packages; conversion, refund reading, reconciliation, the
/// configuration loader and the command line find them only through it.
package protocol AccountingPackage: Sendable {
    /// The package's name for people (`QuickBooks Desktop`).
    var displayName: String { get }
    /// The name refunds read back from this package carry (`xero`); a refund
    /// is never sent back to the package it came from.
    var sourceSystem: String { get }
    /// Its section of `kccbridge.yaml`, if it has one (two packages may share one).
    var configurationSection: (any ConfigurationSection.Type)? { get }
    /// The fields it reads under each entry of `tax_codes`.
    var taxCodeFields: [TaxCodeField] { get }
    /// Its values of those fields for the built-in UK VAT codes, by KCC code.
    var defaultTaxFields: [String: [String: String]] { get }
    /// The `--to` targets of `convert`, in the order help lists them.
    var exportTargets: [String] { get }
    /// The format for one of ``exportTargets``, set up from the configuration;
    /// a file the configuration names that cannot be used refuses it.
    func exportFormat(_ target: String, configuration: BridgeConfiguration) throws(FileRefusal) -> (any ExportFormat)?
    /// The refund files read back from this package (`--from`).
    var refundReaders: [any RefundReader] { get }
    /// Adds to the refund-reading settings what the package knows from files
    /// the configuration names (QuickBooks Online: its credit memos' KCC
    /// numbers by Id, from a CreditMemo list); a file that cannot be used refuses.
    func prepare(_ settings: inout RefundSettings, configuration: BridgeConfiguration) throws(FileRefusal)
    /// The `--to` targets of `reconcile`: files recording refunds made elsewhere.
    var refundTargets: [String] { get }
    /// The writer for one of ``refundTargets``.
    func refundWriter(
        _ target: String, configuration: BridgeConfiguration, inputs: RefundWriterInputs
    ) -> (any RefundWriter)?
    /// What a refund target needs of the package's own credit-note ids
    /// (`reconcile --credit-memos FILE`): the file to give, in words, or `nil`
    /// when the target needs none.
    func creditNoteIDsNeeded(for target: String) -> String?
    /// The package's own ids of its credit notes, by its reference number or
    /// KCC number, and those with nothing left to refund, read from a file the
    /// user saved from the package.
    func creditNotes(from path: String, displayName: String) throws(FileRefusal) -> RefundWriterInputs
}

extension AccountingPackage {
    /// Whether `refund` was read back from this package (`xero`, or `xero/uk-shop` with `--source`).
    package func isSource(of refund: Refund) -> Bool {
        refund.system == sourceSystem || refund.system.hasPrefix(sourceSystem + "/")
    }

    package var configurationSection: (any ConfigurationSection.Type)? { nil }
    package var taxCodeFields: [TaxCodeField] { [] }
    package var defaultTaxFields: [String: [String: String]] { [:] }
    package var refundReaders: [any RefundReader] { [] }
    package func prepare(_ settings: inout RefundSettings, configuration: BridgeConfiguration) throws(FileRefusal) {}
    package var refundTargets: [String] { [] }
    package func refundWriter(
        _ target: String, configuration: BridgeConfiguration, inputs: RefundWriterInputs
    ) -> (any RefundWriter)? {
        nil
    }
    package func creditNoteIDsNeeded(for target: String) -> String? { nil }
    package func creditNotes(from path: String, displayName: String) throws(FileRefusal) -> RefundWriterInputs {
        throw FileRefusal(
            at: SourceLocation(file: displayName),
            "\(displayName) is not read for credit-note ids: \(self.displayName) needs none")
    }
}
