import KCCModel
import KCCTestSupport
import PackageInterface
import PackageRegistry
import Refunds
import Testing

/// The readers on vendors' own published samples (`Fixtures/README.md`).
private let samples = TestFiles.repositoryRoot() + "/Tests/RefundsTests/Fixtures"
private let reading = RefundFile(readers: PackageRegistry.all.refundReaders)

@Suite("Xero responses, XML and JSON: only money that went back to a customer is a refund")
struct XeroSampleTests {
    @Test("JSON, the API's default, is read exactly: the credit-note refund, not the customer's payment")
    func jsonPayments() throws {
        let path = samples + "/xero-payments.openapi.json"
        #expect(try reading.sniff(path, "p") == "xero-json")
        let read = try reading.read(path)
        #expect(read.refunds.count == 1)
        let refund = try #require(read.refunds.first)
        #expect(refund.id == "6b037c9b-2e5d-4905-84d3-eabfb3438242" && refund.creditNote == "CN-0005")
        #expect(refund.amount?.amountText == "2.00" && refund.currency?.code == "NZD")
        #expect(refund.date == CalendarDate(year: 2019, month: 3, day: 14) && refund.isValid && !refund.isVoided)
        #expect(refund.location.line != nil)
        #expect(read.notRefunds == ["customer payments (ACCRECPAYMENT)": 1])
    }

    @Test("a deleted refund is voided, never a refund to apply; a deleted supplier refund is not a refund at all")
    func deleted() throws {
        let voided = try reading.read(samples + "/xero-payments-deleted-refund.derived.json")
        #expect(voided.refunds.map(\.isVoided) == [true])
        let supplier = try reading.read(samples + "/xero-payment-deleted-apcredit.openapi.json")
        #expect(
            supplier.refunds.isEmpty && supplier.notRefunds == ["supplier payments and refunds (APCREDITPAYMENT)": 1])
    }

    @Test("credit notes: a sales credit note's payments are refunds; a supplier credit note's are not")
    func creditNotes() throws {
        let json = try reading.read(samples + "/xero-creditnotes.openapi.json")
        #expect(json.refunds.map(\.creditNote) == ["CN-0005"] && json.refunds.first?.amount?.amountText == "2.00")
        let xml = try reading.read(samples + "/xero-creditnotes.xeroizer.xml")
        #expect(xml.refunds.isEmpty)
    }

    @Test("overpayments received and spent, none refunded: no refund, each counted by type")
    func overpayments() throws {
        let read = try reading.read(samples + "/xero-overpayments.openapi.json")
        #expect(read.refunds.isEmpty)
        #expect(read.notRefunds["overpayments themselves (RECEIVE-OVERPAYMENT): money in or out, not a refund"] == 3)
        #expect(read.notRefunds["overpayments themselves (SPEND-OVERPAYMENT): money in or out, not a refund"] == 2)
    }

    @Test("50 real payments of customers and suppliers, one deleted: no phantom refund, every record counted")
    func xmlPayments() throws {
        let read = try reading.read(samples + "/xero-payments.xeroizer.xml")
        #expect(read.refunds.isEmpty)
        #expect(read.notRefunds.values.reduce(0, +) == 50)
        #expect(read.notRefunds["customer payments (ACCRECPAYMENT)", default: 0] > 0)
    }

    @Test(
        "error responses are refused whole, quoting Xero",
        arguments: [
            ("xero-apiexception.xeroizer.xml", "Users Organisation is not subscribed to currency NZD"),
            ("xero-errors.xeroizer.xml", "Invoice with invoice number 123 does not exist"),
            ("xero-error-validation.openapi.json", "ValidationException (10)"),
        ])
    func errors(file: String, quote: String) throws {
        do {
            _ = try reading.read(samples + "/" + file)
            Issue.record("\(file) was read as refunds")
        } catch {
            #expect(
                error.message.contains("error response from Xero") && error.message.contains(quote), "\(error.message)")
        }
    }

    @Test("Xero's JSON dates: /Date(ms+zone)/ is the day in the organisation's books")
    func jsonDates() throws {
        let path = TestFiles.temporaryPath(".json")
        defer { TestFiles.remove(path) }
        TestFiles.write(
            path,
            #"{"Payments":[{"PaymentID":"p1","PaymentType":"ARCREDITPAYMENT","Status":"AUTHORISED","Date":"/Date(1764028800000+0000)/","Amount":12.5,"Invoice":{"Type":"ACCRECCREDIT","InvoiceNumber":"CRN-1","CurrencyCode":"GBP"}}]}"#
        )
        let refund = try #require(try reading.read(path).refunds.first)
        #expect(refund.date == CalendarDate(year: 2025, month: 11, day: 25) && refund.amount?.amountText == "12.50")
    }

    @Test(
        "hostile JSON is refused whole",
        arguments: ["{\"Payments\":[", "{\"Payments\":[1,]}", String(repeating: "[", count: 500), "{\"a\":\"\u{1}\"}"])
    func hostileJSON(text: String) {
        let path = TestFiles.temporaryPath(".json")
        defer { TestFiles.remove(path) }
        TestFiles.write(path, text)
        #expect(throws: FileRefusal.self) { try reading.read(path, format: "xero-json") }
    }
}

@Suite("qbXML responses: an error is refused, no match is an empty month")
struct QBXMLSampleTests {
    @Test("statusSeverity Error refuses the file, quoting QuickBooks")
    func error() {
        do {
            _ = try reading.read(samples + "/qbd-error-3120.qbxml")
            Issue.record("an error response was read as refunds")
        } catch {
            #expect(
                error.message.contains("statusCode 3120") && error.message.contains("cannot be found"),
                "\(error.message)")
        }
    }

    @Test(
        "a warning (a query not fully completed) and a response about something else are refused, not read as a quiet month"
    )
    func warnAndWrongQuery() {
        let path = TestFiles.temporaryPath(".qbxml")
        defer { TestFiles.remove(path) }
        TestFiles.write(
            path,
            #"<?xml version="1.0" ?><QBXML><QBXMLMsgsRs><CheckQueryRs statusCode="500" statusSeverity="Warn" statusMessage="The query request has not been fully completed."/></QBXMLMsgsRs></QBXML>"#
        )
        #expect(throws: FileRefusal.self) { try reading.read(path) }
        TestFiles.write(
            path,
            #"<?xml version="1.0" ?><QBXML><QBXMLMsgsRs><InvoiceQueryRs statusCode="0" statusSeverity="Info" statusMessage="Status OK"/></QBXMLMsgsRs></QBXML>"#
        )
        #expect(throws: FileRefusal.self) { try reading.read(path) }
    }

    @Test("an error code is an error whatever the severity says")
    func errorCode() {
        let path = TestFiles.temporaryPath(".qbxml")
        defer { TestFiles.remove(path) }
        TestFiles.write(
            path,
            #"<?xml version="1.0" ?><QBXML><QBXMLMsgsRs><CheckQueryRs statusCode="3120" statusSeverity="Info" statusMessage="Object not found"/></QBXMLMsgsRs></QBXML>"#
        )
        #expect(throws: FileRefusal.self) { try reading.read(path) }
    }

    @Test("statusCode 1, severity Info: no refunds, no error")
    func noMatch() throws {
        let read = try reading.read(samples + "/qbd-no-match.qbxml")
        #expect(read.refunds.isEmpty && read.notRefunds.isEmpty)
    }
}

@Suite("What a Xero response does not say plainly is never taken for money")
struct XeroSuspectTests {
    @Test("a date no calendar holds is a problem on the record, never a crash")
    func absurdDate() throws {
        let path = TestFiles.temporaryPath(".json")
        defer { TestFiles.remove(path) }
        TestFiles.write(
            path,
            #"{"Payments":[{"PaymentID":"p1","PaymentType":"ARCREDITPAYMENT","Date":"/Date(-9223372036854775808+0000)/","Amount":1.00,"Invoice":{"Type":"ACCRECCREDIT","InvoiceNumber":"CRN-1","CurrencyCode":"GBP"}}]}"#
        )
        let refund = try #require(try reading.read(path).refunds.first)
        #expect(!refund.isValid && refund.date == nil)
    }

    @Test("a credit note of no type, a voided overpayment's payment, a member given twice")
    func unstated() throws {
        let path = TestFiles.temporaryPath(".json")
        defer { TestFiles.remove(path) }
        TestFiles.write(
            path,
            #"{"CreditNotes":[{"CreditNoteNumber":"CN-1","CurrencyCode":"GBP","Payments":[{"PaymentID":"x","Amount":10.00,"Date":"2026-11-01"}]}]}"#
        )
        #expect(try reading.read(path).refunds.isEmpty)
        TestFiles.write(
            path,
            #"{"Overpayments":[{"Type":"RECEIVE-OVERPAYMENT","Status":"VOIDED","CurrencyCode":"GBP","Payments":[{"PaymentID":"y","Amount":5.00,"Date":"2026-11-01"}]}]}"#
        )
        #expect(try reading.read(path).refunds.map(\.isVoided) == [true])
        TestFiles.write(
            path,
            #"{"Payments":[{"PaymentID":"z","PaymentType":"ARCREDITPAYMENT","Status":"AUTHORISED","Status":"DELETED","Amount":1.00}]}"#
        )
        #expect(throws: FileRefusal.self) { try reading.read(path) }
    }

    @Test("a status nested in a record is the record's, not the response's")
    func nestedStatus() throws {
        let path = TestFiles.temporaryPath(".xml")
        defer { TestFiles.remove(path) }
        TestFiles.write(
            path,
            "<Response><Status>OK</Status><Invoices><Invoice><Status>AUTHORISED</Status></Invoice></Invoices></Response>"
        )
        #expect(try reading.read(path).refunds.isEmpty)
    }

    @Test("dates that are not Xero's or no day a refund was made, and an amount given twice, make the record invalid")
    func suspectValues() throws {
        let path = TestFiles.temporaryPath(".json")
        defer { TestFiles.remove(path) }
        for date in ["/Date(1e20)/", "/Date(1764028800000.5)/", "0001-01-01T00:00:00", "2026-11-21T25:00:00"] {
            TestFiles.write(
                path,
                #"{"Payments":[{"PaymentID":"p","PaymentType":"ARCREDITPAYMENT","Date":"\#(date)","Amount":1.00,"Invoice":{"Type":"ACCRECCREDIT","InvoiceNumber":"CRN-1","CurrencyCode":"GBP"}}]}"#
            )
            #expect(try reading.read(path).refunds.first?.isValid == false, "\(date)")
        }
        let xml = TestFiles.temporaryPath(".xml")
        defer { TestFiles.remove(xml) }
        TestFiles.write(
            xml,
            "<Response><Payments><Payment><PaymentID>p</PaymentID><PaymentType>ARCREDITPAYMENT</PaymentType><Date>2026-11-01</Date><Amount>10.00</Amount><Amount>30.00</Amount><Invoice><Type>ACCRECCREDIT</Type><InvoiceNumber>CRN-1</InvoiceNumber><CurrencyCode>GBP</CurrencyCode></Invoice></Payment></Payments></Response>"
        )
        #expect(try reading.read(xml).refunds.first?.isValid == false)
    }
}

@Suite("QuickBooks Online responses, XML and JSON: refund receipts and refunded credit memos")
struct QBOSampleTests {
    @Test("a real RefundReceipt query response (quickbooks-ruby) is one refund of TotalAmt, by its DocNumber")
    func xmlQuery() throws {
        let path = samples + "/qbo-refundreceipts.quickbooks-ruby.xml"
        #expect(try reading.sniff(path, "r") == "qbo-xml")
        let read = try reading.read(path)
        let refund = try #require(read.refunds.first)
        #expect(read.refunds.count == 1 && read.notRefunds.isEmpty)
        #expect(refund.id == "927" && refund.creditNote == "10030" && refund.system == "quickbooks-online")
        #expect(refund.amount?.amountText == "337.93" && refund.currency?.code == "USD")
        #expect(refund.date == CalendarDate(year: 2014, month: 4, day: 22) && refund.isValid)
        // Both notes are kept: either may name the KCC credit note.
        #expect(
            refund.reference
                == "This is a revised memo to demonstrate Full update.; Customer sales form message defined in Preferences."
        )
        #expect(refund.method == "Check", "the payment method's name, from its name attribute")
    }

    @Test("a read of one RefundReceipt, the entity straight under IntuitResponse, is read the same way")
    func xmlSingle() throws {
        let read = try reading.read(samples + "/qbo-refundreceipt-by-id.quickbooks-ruby.xml")
        #expect(read.refunds.map(\.id) == ["927"] && read.refunds.allSatisfy(\.isValid))
    }

    @Test("the same receipt in JSON gives the same refund; a voided receipt of zero is a voided refund, never applied")
    func json() throws {
        let path = samples + "/qbo-refundreceipts.derived.json"
        #expect(try reading.sniff(path, "r") == "qbo-json")
        let read = try reading.read(path)
        let refund = try #require(read.refunds.first)
        #expect(read.refunds.count == 2 && read.notRefunds.isEmpty)
        #expect(refund.id == "927" && refund.creditNote == "10030" && refund.amount?.amountText == "337.93")
        #expect(refund.customer == "Customer Shop A" && refund.method == "Check" && !refund.isVoided)
        let voided = try #require(read.refunds.last)
        #expect(voided.id == "931" && voided.isVoided && voided.amount == nil && voided.problems.isEmpty)
    }

    @Test(
        "a credit memo refunded by an expense is a refund of the expense's amount; an invoice payment is not (JSON, XML)",
        arguments: ["qbo-credit-memo-refund.json", "qbo-credit-memo-refund.xml"])
    func creditMemoRefund(file: String) throws {
        let read = try reading.read(samples + "/" + file)
        let refund = try #require(read.refunds.first)
        #expect(read.refunds.count == 1 && read.notRefunds == ["customer payments": 1])
        #expect(refund.id == "212" && refund.amount?.amountText == "41.99" && refund.isValid)
        #expect(refund.reference == "Refund of CRN-004608; credit memo Id 1311 refunded by 1312")
        #expect(refund.creditNote == nil)
    }

    @Test("with a CreditMemo list, a refunded credit memo's Id gives its KCC credit note")
    func creditMemoByList() throws {
        var settings = RefundSettings()
        settings.creditNoteNumbers = ["1311": "CRN-004609"]
        let read = try reading.read(samples + "/qbo-credit-memo-refund.json", settings: settings)
        #expect(read.refunds.first?.creditNote == "CRN-004609")
    }

    @Test("a list of customers or invoices, or a change feed, is refused: never an empty month")
    func otherQueries() throws {
        let lists = TestFiles.repositoryRoot() + "/Tests/ConversionTests/Fixtures/qbo-lists/"
        for file in ["customers.xml", "invoices.json"] {
            do {
                _ = try reading.read(lists + file)
                Issue.record("\(file) was read as refunds")
            } catch {
                let entity = file.hasPrefix("customers") ? "Customer" : "Invoice"
                #expect(error.message.contains("lists \(entity) records, not refunds"), "\(error.message)")
            }
        }
        let cdc = TestFiles.temporaryPath(".xml")
        defer { TestFiles.remove(cdc) }
        TestFiles.write(
            cdc,
            #"<IntuitResponse xmlns="http://schema.intuit.com/finance/v3"><CDCResponse><QueryResponse><RefundReceipt status="Deleted"><Id>501</Id></RefundReceipt></QueryResponse></CDCResponse></IntuitResponse>"#
        )
        #expect(throws: FileRefusal.self) { try reading.read(cdc) }
    }

    @Test(
        "an error response, XML or JSON, is refused whole in QuickBooks's words",
        arguments: ["qbo-throttle-fault.quickbooks-ruby.xml", "qbo-fault-unsupported-operation.qbo_api.json"])
    func faults(file: String) {
        do {
            _ = try reading.read(samples + "/" + file)
            Issue.record("an error response was read as refunds")
        } catch {
            #expect(error.message.contains("answered with an error"), "\(error.message)")
            #expect(
                error.message.contains("request limit") || error.message.contains("Unsupported Operation"),
                "\(error.message)")
        }
    }

    @Test("an empty query answer is an empty month; a response about something else is refused")
    func emptyAndOther() throws {
        let empty = TestFiles.temporaryPath(".xml")
        defer { TestFiles.remove(empty) }
        for body in ["<QueryResponse/>", "<QueryResponse>\n</QueryResponse>"] {
            TestFiles.write(
                empty,
                #"<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="2026-11-30T09:00:00Z">"# + body
                    + "</IntuitResponse>")
            #expect(try reading.read(empty).refunds.isEmpty)
        }
        let other = TestFiles.temporaryPath(".json")
        defer { TestFiles.remove(other) }
        TestFiles.write(other, #"{"Customer": {"Id": "1", "DisplayName": "A"}, "time": "2026-11-30T09:00:00Z"}"#)
        #expect(throws: FileRefusal.self) { try reading.read(other, format: "qbo-json") }
    }
}
