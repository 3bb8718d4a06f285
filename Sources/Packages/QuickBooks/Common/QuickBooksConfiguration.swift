import CSVStreaming
import PackageInterface

/// What the QuickBooks files are written with: the `quickbooks:` section,
/// the payment accounts and the text-cell policy, taken out of the whole
/// configuration once by the package, so that no writer sees the rest.
package struct QuickBooksConfiguration: Sendable {
    package var quickbooks: QuickBooksSettings
    package var payments: PaymentAccounts
    package var textCells: TextCellPolicy

    package init(
        quickbooks: QuickBooksSettings = QuickBooksSettings(), payments: PaymentAccounts = PaymentAccounts(),
        textCells: TextCellPolicy = .escape
    ) {
        self.quickbooks = quickbooks
        self.payments = payments
        self.textCells = textCells
    }

    /// The parts of `configuration` the QuickBooks files use.
    package init(_ configuration: BridgeConfiguration) {
        self.init(
            quickbooks: configuration.quickbooks, payments: configuration.payments, textCells: configuration.textCells)
    }
}
