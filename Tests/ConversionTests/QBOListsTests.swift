import KCCModel
import KCCTestSupport
import PackageInterface
import QuickBooksCommon
import QuickBooksOnline
import Testing

@Suite("QuickBooks Online lists: Ids in place of names")
struct QBOListsTests {
    static let real = Harness.root + "/Tests/ConversionTests/Fixtures/qbo-real/"
    static let ours = Harness.root + "/Tests/ConversionTests/Fixtures/qbo-lists/"
    static let sampleLists = ["customers.xml", "accounts.json", "items.json", "tax-codes.xml", "invoices.json"].map {
        ours + $0
    }

    static func configuration(lists: [String]) throws -> BridgeConfiguration {
        var configuration = try Harness.configuration("samples/kccbridge.yaml")
        configuration.quickbooks.onlineLists = lists
        return configuration
    }

    @Test("real query responses (quickbooks-ruby XML, qbo_api JSON) give each name's Id")
    func realLists() throws {
        let lists = try QBOLists.load(
            [
                "customers.quickbooks-ruby.xml", "items.quickbooks-ruby.xml", "accounts.quickbooks-ruby.xml",
                "tax_codes.quickbooks-ruby.xml", "payment_methods.quickbooks-ruby.xml",
                "customer_query_by_displayname.qbo_api.json",
            ].map { Self.real + $0 })
        #expect(lists.lookup(.customer, "Acme Enterprises") == .id("3"))
        // A sub-customer is found by its DisplayName, not its full Parent:Child name.
        #expect(lists.lookup(.customer, "Little Acme, Inc.") == .id("4"))
        #expect(lists.lookup(.customer, "Customer Company A") == .id("1"))
        #expect(lists.lookup(.item, "Plush Baby Doll") == .id("2"))
        #expect(lists.lookup(.account, "Cost of Goods Sold") == .id("5"))
        #expect(lists.lookup(.taxCode, "TAX") == .id("TAX"))
        #expect(lists.lookup(.paymentMethod, "American Express") == .id("5"))
        #expect(lists.lookup(.customer, "Nobody Ltd") == .missing)
        #expect(lists.lookup(.invoice, "INV-1") == .noList)
        // A value that is already an Id of its list stands for itself.
        #expect(lists.lookup(.account, "5") == .id("5"))
        #expect(lists.name(.account, id: "5") == "Cost of Goods Sold")
        // Real answers give maxResults as the count returned: no list here looks like a cut-off page.
        #expect(lists.warnings.isEmpty)
        // A customer called "3" is not customer 3: only configured values may be Ids.
        #expect(lists.lookup(.customer, "3") == .missing)
    }

    @Test(
        "an error response, in XML or JSON, is refused with QuickBooks's own words",
        arguments: ["query_validation_error.quickbooks-ruby.xml", "fault_invalid_query.qbo_api.json"])
    func faults(file: String) throws {
        #expect {
            try QBOLists.load([Self.real + file])
        } throws: { error in
            let refusal = error as? FileRefusal
            return refusal?.message.contains("error response") == true
                && refusal?.message.contains("Invalid query") == true
        }
    }

    @Test("a file that holds no list is refused, not taken as an empty list")
    func notAList() throws {
        let path = TestFiles.temporaryPath(".json")
        TestFiles.write(path, #"{"QueryResponse":{"totalCount":41},"time":"2020-09-29T05:59:22.019-07:00"}"#)
        #expect(throws: FileRefusal.self) { try QBOLists.load([path]) }
    }

    @Test("with lists, the sample batch converts to the qbo-xml-ids golden files: every reference an Id with its name")
    func golden() throws {
        Harness.expectGolden(
            "qbo-xml", configuration: try Self.configuration(lists: Self.sampleLists), name: "qbo-xml-ids")
        let outcome = Harness.convert(
            "samples/batch-2026-11.csv", to: "qbo-xml", configuration: try Self.configuration(lists: Self.sampleLists))
        #expect(outcome.report.warnings == outcome.report.reading.warnings, "no notice when every list is given")
        let payments = try #require(TestFiles.read(outcome.folder + "/batch-2026-11.qbo-payments.xml"))
        #expect(payments.contains("<TxnId>1207</TxnId>"))
        #expect(payments.contains(#"<DepositToAccountRef name="Current Account">35</DepositToAccountRef>"#))
        let invoices = try #require(TestFiles.read(outcome.folder + "/batch-2026-11.qbo-invoices.xml"))
        #expect(
            invoices.contains(#"<CustomerRef name="O&apos;Neill, Siobhan">63</CustomerRef>"#)
                || invoices.contains(#"<CustomerRef name="O'Neill, Siobhan">63</CustomerRef>"#))
        #expect(!invoices.contains("<ItemRef>"))
    }

    @Test("a customer missing from the Customer list holds its documents back, by name; the rest are written")
    func missingCustomer() throws {
        let customers = try #require(TestFiles.read(Self.ours + "customers.xml"))
        let path = TestFiles.temporaryPath(".xml")
        TestFiles.write(
            path,
            customers.replacingOccurrences(
                of: "<DisplayName>Priya Shah</DisplayName>", with: "<DisplayName>P. Shah</DisplayName>"))
        let lists = [path] + Self.sampleLists.dropFirst()
        let outcome = Harness.convert(
            "samples/batch-2026-11.csv", to: "qbo-xml", configuration: try Self.configuration(lists: lists))
        let refusals = outcome.findings.filter {
            $0.message.contains("Customer 'Priya Shah' is not in the Customer list")
        }
        #expect(refusals.count == 1)
        #expect(outcome.report.allHeldBack == Set(refusals.compactMap(\.document)))
        #expect(outcome.report.written == 13)
    }

    @Test(
        "--qbo-create-customers: a missing customer is written once as a Customer create, valid; its documents stay held back"
    )
    func createCustomers() throws {
        let customers = try #require(TestFiles.read(Self.ours + "customers.xml"))
        let path = TestFiles.temporaryPath(".xml")
        TestFiles.write(
            path,
            customers.replacingOccurrences(of: "<DisplayName>O&apos;Neill, Siobhan</DisplayName>", with: "")
                .replacingOccurrences(of: "<DisplayName>O'Neill, Siobhan</DisplayName>", with: ""))
        var configuration = try Self.configuration(lists: [path] + Self.sampleLists.dropFirst())
        configuration.quickbooks.onlineCreateCustomers = true
        let outcome = Harness.convert("samples/batch-2026-11.csv", to: "qbo-xml", configuration: configuration)
        #expect(outcome.report.allHeldBack.count == 3, "\(outcome.report.allHeldBack)")
        let file = outcome.folder + "/batch-2026-11.qbo-customers.xml"
        let text = try #require(TestFiles.read(file))
        #expect(text.components(separatedBy: "<Customer>").count - 1 == 1)
        #expect(
            text.contains("<DisplayName>O&apos;Neill, Siobhan</DisplayName>")
                || text.contains("<DisplayName>O'Neill, Siobhan</DisplayName>"))
        #expect(outcome.findings.filter { $0.message.contains("is written to be created") }.count == 1)
        guard let schema = IntuitSchemas.qbo else { return }
        #expect(schema.validate(path: file) == [], "\(text)")
    }

    @Test("without lists the files are as before and the run says once that names must be looked up")
    func withoutLists() throws {
        let outcome = Harness.convert(
            "samples/batch-2026-11.csv", to: "qbo-xml", configuration: try Self.configuration(lists: []))
        let notices = outcome.findings.filter { $0.message.contains("--qbo-lists") }
        #expect(notices.count == 1)
        #expect(notices.first?.severity == .warning)
    }

    @Test("without an Invoice list, payments keep the invoice's number, and the run says so once")
    func noInvoiceList() throws {
        let outcome = Harness.convert(
            "samples/batch-2026-11.csv", to: "qbo-xml",
            configuration: try Self.configuration(lists: Array(Self.sampleLists.dropLast())))
        #expect(outcome.report.allHeldBack.isEmpty)
        #expect(outcome.findings.filter { $0.message.contains("give an Invoice list") }.count == 1)
        let payments = try #require(TestFiles.read(outcome.folder + "/batch-2026-11.qbo-payments.xml"))
        #expect(payments.contains("<TxnId>INV-100875</TxnId>"))
    }

    @Test("a payment whose invoice a given Invoice list lacks is held back until the invoice is posted")
    func invoiceMissing() throws {
        let path = TestFiles.temporaryPath(".json")
        TestFiles.write(path, #"{"QueryResponse":{"Invoice":[{"Id":"1300","DocNumber":"INV-100870"}]}}"#)
        let lists = Array(Self.sampleLists.dropLast()) + [path]
        let outcome = Harness.convert(
            "samples/batch-2026-11.csv", to: "qbo-xml", configuration: try Self.configuration(lists: lists))
        #expect(outcome.report.allHeldBack == ["PAY-88840"])
        #expect(outcome.findings.contains { $0.message.contains("Invoice 'INV-100875' is not in the Invoice list") })
    }

    @Test("a list of exactly 100 records, QuickBooks Online's page when no MAXRESULTS is given, is flagged once")
    func fullPage() throws {
        let path = TestFiles.temporaryPath(".json")
        let customers = (1...100).map { #"{"Id":"\#($0)","DisplayName":"Customer \#($0)"}"# }
        TestFiles.write(
            path, #"{"QueryResponse":{"Customer":["# + customers.joined(separator: ",") + #"],"maxResults":100}}"#)
        let lists = try QBOLists.load([path])
        #expect(lists.warnings.count == 1 && lists.warnings[0].contains("STARTPOSITION 101"))
    }

    @Test("a name two records share is never guessed")
    func ambiguous() throws {
        let path = TestFiles.temporaryPath(".json")
        TestFiles.write(
            path,
            #"{"QueryResponse":{"Item":[{"Id":"19","Name":"KCC Sales","FullyQualifiedName":"Web:KCC Sales"},{"Id":"20","Name":"KCC Sales","FullyQualifiedName":"Shop:KCC Sales"}]}}"#
        )
        let lists = try QBOLists.load([path])
        #expect(lists.lookup(.item, "KCC Sales") == .ambiguous(["19", "20"]))
        #expect(lists.lookup(.item, "Web:KCC Sales") == .id("19"))
    }
}
