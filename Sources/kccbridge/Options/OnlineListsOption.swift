import ArgumentParser
import PackageInterface
import QuickBooksCommon

/// `--qbo-lists FILE`: QuickBooks Online lists whose Ids the QBO XML files carry.
struct OnlineListsOption: ParsableArguments {
    @Option(
        name: .customLong("qbo-lists"),
        help: ArgumentHelp(
            "A QuickBooks Online query response (XML or JSON) of Customer, Item, Account, TaxCode, PaymentMethod, Invoice or CreditMemo records, whose Ids qbo-xml writes in place of names (repeatable; adds to quickbooks.online_lists).",
            valueName: "file"),
        completion: .file(extensions: ["xml", "json"]))
    var files: [String] = []

    @Flag(
        name: .customLong("qbo-create-customers"),
        help:
            "With a Customer list: write the customers missing from it to <batch>.qbo-customers.xml, to post first (their documents stay held back until then)."
    )
    var createCustomers = false

    /// Adds the files to the configuration's lists.
    func apply(to configuration: inout BridgeConfiguration) {
        configuration.quickbooks.onlineLists += files
        if createCustomers { configuration.quickbooks.onlineCreateCustomers = true }
    }
}
