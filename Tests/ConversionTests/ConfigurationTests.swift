import Configuration
import KCCModel
import Mapping
import PackageInterface
import PackageRegistry
import QuickBooksCommon
import QuickBooksDesktop
import QuickBooksOnline
import Testing
import Xero

@Suite("The configuration file")
struct ConfigurationTests {
    @Test("the documented sample configuration loads")
    func sample() throws {
        let configuration = try ConfigurationLoader.load(
            path: Harness.root + "/samples/kccbridge.yaml", packages: PackageRegistry.all)
        #expect(configuration.channels.enabled)
        #expect(configuration.channels.rules.count == 5)
        #expect(configuration.payments.account(for: "paypal") == "092")
        #expect(configuration.payments.account(for: "Klarna") == "090")
        #expect(configuration.taxCodes["T1"]?.fields["code"] == "OUTPUT2")
        #expect(
            configuration.taxCodes["T1"]?.fields["qbd"] == "S"
                && configuration.taxCodes["T1"]?.fields["qbo"] == "20.0% S")
        var quickbooks = QuickBooksSettings()
        quickbooks.dateFormat = .dayMonthYear
        quickbooks.stripPrefixes = ["INV-", "CRN-", "PAY-"]
        quickbooks.refundAccount = "Current Account"
        #expect(configuration.quickbooks == quickbooks)
    }

    @Test("the quickbooks keys and the refund modes are read")
    func quickbooks() throws {
        let configuration = try ConfigurationLoader.parse(
            """
            quickbooks:
              date_format: YYYY-MM-DD
              accounts_receivable: Debtors
              undeposited_funds: Takings
              vat_liability: VAT Control
              item: Sales
              strip_prefixes: [INV-]
              on_error: continueOnError
              online_refunds: refund_receipt
              desktop_refunds: cheque
            """, file: "t.yaml", packages: PackageRegistry.all)
        let q = configuration.quickbooks
        #expect(
            q.dateFormat == .iso && q.accountsReceivable == "Debtors" && q.vatLiability == "VAT Control"
                && q.item == "Sales")
        #expect(q.stripPrefixes == ["INV-"] && q.onError == .continueOnError)
        #expect(q.onlineRefunds == .refundReceipt && q.desktopRefunds == .cheque)
        #expect(
            q.refundFromAccount == "Takings", "refunds leave Undeposited Funds unless refund_account says otherwise")
    }

    @Test("no file: built-in defaults")
    func defaults() throws {
        let configuration = try ConfigurationLoader.load(
            path: nil, folder: "/nonexistent-folder", packages: PackageRegistry.all)
        #expect(configuration == PackageRegistry.all.defaultConfiguration)
    }

    @Test(
        "unknown keys and bad values are errors naming the key and its line",
        arguments: [
            ("channels:\n  enabeld: true\n", "t.yaml:2: error: channels.enabeld: is not a known key"),
            (
                "xero:\n  date_format: 2026/11/21\n",
                "t.yaml:2: error: xero.date_format: must be one of YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, not '2026/11/21'"
            ),
            ("channels:\n  enabled: maybe\n", "t.yaml:2: error: channels.enabled: must be true or false, not 'maybe'"),
            (
                "channels:\n  rules:\n    - subsource: Amazon UK\n",
                "t.yaml:3: error: channels.rules[1].source: is required"
            ),
            ("text_cells: shout\n", "t.yaml:1: error: text_cells: must be one of escape, strip, refuse, not 'shout'"),
            (
                "channels:\n  refund_tax: T7\n",
                "t.yaml: error: channels.refund_tax: names tax code 'T7', which is not under tax_codes"
            ),
            ("tax_codes:\n  T1: { name: VAT }\n", "t.yaml:2: error: tax_codes.T1: needs name"),
            ("xero: [1, 2\n", "t.yaml:2: error: the configuration is not valid YAML"),
            (
                "quickbooks:\n  online_refunds: refund\n",
                "t.yaml:2: error: quickbooks.online_refunds: must be one of credit_memo, refund_receipt, credit_memo_for_invoices, not 'refund'"
            ),
            (
                "quickbooks:\n  desktop_refund: cheque\n",
                "t.yaml:2: error: quickbooks.desktop_refund: is not a known key"
            ),
            (
                "quickbooks:\n  on_error: stop\n",
                "t.yaml:2: error: quickbooks.on_error: must be one of stopOnError, continueOnError, rollbackOnError"
            ),
            (
                "quickbooks:\n  strip_prefixes: INV-\n",
                "t.yaml:2: error: quickbooks.strip_prefixes: must be a list of prefixes"
            ),
            (
                "tax_codes:\n  T1: { name: VAT, code: V, qbd: VAT20 }\n",
                "t.yaml:2: error: tax_codes.T1.qbd: 'VAT20' is longer than 3 characters"
            ),
            (
                "quickbooks:\n  item: \"KCC\\tSales\"\n",
                "t.yaml:2: error: quickbooks.item: must be one line of text, without tabs"
            ),
        ])
    func errors(text: String, expected: String) {
        do {
            _ = try ConfigurationLoader.parse(text, file: "t.yaml", packages: PackageRegistry.all)
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test("a rule naming the subsource wins over one naming only the source")
    func ruleOrder() throws {
        let configuration = try ConfigurationLoader.parse(
            """
            channels:
              enabled: true
              rules:
                - source: AMAZON
                  sales_account: "210"
                - source: amazon
                  subsource: Amazon DE
                  sales_account: "211"
            """, file: "t.yaml", packages: PackageRegistry.all)
        let mapper = DocumentMapper(configuration: configuration, textPolicy: .escape)
        #expect(mapper.rule(for: SalesChannel(source: "AMAZON", subsource: "Amazon DE"))?.salesAccount == "211")
        #expect(mapper.rule(for: SalesChannel(source: "Amazon", subsource: "Amazon UK"))?.salesAccount == "210")
        #expect(mapper.rule(for: SalesChannel(source: "EBAY", subsource: nil)) == nil)
    }
}
