import KCCModel
import Mapping
import Testing

@Suite("The configuration file")
struct ConfigurationTests {
    @Test("the documented sample configuration loads")
    func sample() throws {
        let configuration = try ConfigurationLoader.load(path: Harness.root + "/samples/kccbridge.yaml")
        #expect(configuration.channels.enabled)
        #expect(configuration.channels.rules.count == 5)
        #expect(configuration.payments.account(for: "paypal") == "092")
        #expect(configuration.payments.account(for: "Klarna") == "090")
        #expect(configuration.taxCodes["T1"]?.code == "OUTPUT2")
    }

    @Test("no file: built-in defaults")
    func defaults() throws {
        let configuration = try ConfigurationLoader.load(path: nil, folder: "/nonexistent-folder")
        #expect(configuration == BridgeConfiguration())
    }

    @Test("unknown keys and bad values are errors naming the key and its line", arguments: [
        ("channels:\n  enabeld: true\n", "t.yaml:2: error: channels.enabeld: is not a known key"),
        ("xero:\n  date_format: 2026/11/21\n", "t.yaml:2: error: xero.date_format: must be one of YYYY-MM-DD, DD/MM/YYYY, MM/DD/YYYY, not '2026/11/21'"),
        ("channels:\n  enabled: maybe\n", "t.yaml:2: error: channels.enabled: must be true or false, not 'maybe'"),
        ("channels:\n  rules:\n    - subsource: Amazon UK\n", "t.yaml:3: error: channels.rules[1].source: is required"),
        ("text_cells: shout\n", "t.yaml:1: error: text_cells: must be one of escape, strip, refuse, not 'shout'"),
        ("channels:\n  refund_tax: T7\n", "t.yaml: error: channels.refund_tax: names tax code 'T7', which is not under tax_codes"),
        ("tax_codes:\n  T1: { name: VAT }\n", "t.yaml:2: error: tax_codes.T1: needs name"),
        ("xero: [1, 2\n", "t.yaml:2: error: (syntax): is not valid YAML"),
    ])
    func errors(text: String, expected: String) {
        do {
            _ = try ConfigurationLoader.parse(text, file: "t.yaml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }

    @Test("a rule naming the subsource wins over one naming only the source")
    func ruleOrder() throws {
        let configuration = try ConfigurationLoader.parse("""
            channels:
              enabled: true
              rules:
                - source: AMAZON
                  sales_account: "210"
                - source: amazon
                  subsource: Amazon DE
                  sales_account: "211"
            """, file: "t.yaml")
        let mapper = DocumentMapper(configuration: configuration, textPolicy: .escape)
        #expect(mapper.rule(for: SalesChannel(source: "AMAZON", subsource: "Amazon DE"))?.salesAccount == "211")
        #expect(mapper.rule(for: SalesChannel(source: "Amazon", subsource: "Amazon UK"))?.salesAccount == "210")
        #expect(mapper.rule(for: SalesChannel(source: "EBAY", subsource: nil)) == nil)
    }
}
