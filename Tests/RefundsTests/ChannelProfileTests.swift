import KCCModel
import KCCTestSupport
import PackageInterface
import PackageRegistry
import Refunds
import Testing

private let samples = TestFiles.repositoryRoot() + "/Tests/RefundsTests/Fixtures"
private let reading = RefundFile(readers: PackageRegistry.all.refundReaders)

@Suite("Channel exports: a profile per channel says which rows are refunds")
struct ChannelProfileTests {
    @Test("Stripe's payments export: charges with money refunded, by Amount Refunded; every other charge counted")
    func stripe() throws {
        let read = try reading.read(samples + "/stripe-payments.csv")
        #expect(read.refunds.map(\.id) == ["ch_3Pa0000000000002", "ch_3Pa0000000000003"])
        #expect(read.refunds.map { $0.amount?.amountText } == ["10.00", "25.00"])
        #expect(read.refunds.allSatisfy { $0.system == "stripe" && $0.currency == .gbp && $0.isValid })
        #expect(read.refunds.first?.reference == "Order SO-51871")
        #expect(read.notRefunds == ["charges with nothing refunded": 2])
    }

    @Test(
        "Shopify's orders export: orders with money refunded, by Refunded Amount; line-item rows and paid orders counted"
    )
    func shopify() throws {
        let read = try reading.read(samples + "/shopify-orders.csv")
        let refund = try #require(read.refunds.first)
        #expect(read.refunds.count == 1 && refund.id == "#1002" && refund.orderNumber == "#1002")
        #expect(refund.amount?.amountText == "10.00" && refund.system == "shopify")
        #expect(
            refund.date == CalendarDate(year: 2026, month: 11, day: 3),
            "the order's date: the export has no refund date")
        #expect(read.notRefunds == ["orders with nothing refunded": 1, "line-item rows of the order above": 2])
    }

    @Test("PayPal's activity download: completed refunds by their type, written negative; everything else counted")
    func paypal() throws {
        let read = try reading.read(samples + "/paypal-activity.csv")
        let refund = try #require(read.refunds.first)
        #expect(read.refunds.count == 1 && refund.id == "2BB00000BB0000002" && refund.amount?.amountText == "10.00")
        #expect(refund.date == CalendarDate(year: 2026, month: 11, day: 21) && refund.system == "paypal")
        #expect(read.notRefunds["PayPal activity that is not a refund (Express Checkout Payment)"] == 1)
        #expect(read.notRefunds["PayPal activity that is not a refund (General Withdrawal)"] == 1)
        #expect(read.notRefunds["PayPal refunds not completed (Pending)"] == 1)
    }

    @Test("Linnworks' own field names: order refunds by RefundHeaderId, only processed ones")
    func linnworks() throws {
        let read = try reading.read(samples + "/linnworks-order-refunds.csv")
        #expect(read.refunds.map(\.id) == ["101", "1"] && read.refunds.map(\.orderNumber) == ["SO-51871", "SO-51870"])
        #expect(read.refunds.allSatisfy { $0.system == "linnworks" })
        #expect(read.notRefunds == ["Linnworks refunds not processed (PENDING)": 1])
        let legacy = try reading.read(
            TestFiles.repositoryRoot() + "/Tests/ReconciliationTests/Fixtures/linnworks-refunds.csv")
        #expect(legacy.refunds.count == 4 && legacy.refunds.allSatisfy { $0.system == "linnworks" })
    }

    @Test("two sources numbering from 1 stay apart: a refund is (source, id)")
    func sourcesApart() throws {
        let linnworks = try reading.read(samples + "/linnworks-order-refunds.csv").refunds.last
        let path = TestFiles.temporaryPath(".csv")
        defer { TestFiles.remove(path) }
        TestFiles.write(path, "RefundId,OrderNumber,Amount,Currency,Date\n1,SO-51870,10.00,GBP,2026-11-25\n")
        let bank = try reading.read(path).refunds.first
        let named = try reading.read(path, source: "barclays").refunds.first
        #expect(linnworks?.id == "1" && bank?.id == "1" && linnworks?.system != bank?.system)
        #expect(named?.system == "barclays")
    }

    @Test("a header no profile fits is refused, naming the closest and the keys to write")
    func unknownHeader() {
        let path = TestFiles.temporaryPath(".csv")
        defer { TestFiles.remove(path) }
        TestFiles.write(path, "id,Amount,Created (UTC),Currency\nch_1,10.00,2026-11-01 10:00,gbp\n")
        do {
            _ = try reading.read(path)
            Issue.record("a charges file was read as refunds")
        } catch {
            #expect(error.message.contains("stripe-payments (lacks Amount Refunded)"), "\(error.message)")
            #expect(error.message.contains("refunds.profiles") && error.message.contains("columns.amount"))
        }
    }

    @Test("a file that fits two profiles is refused; --from names one")
    func ambiguous() throws {
        let path = TestFiles.temporaryPath(".csv")
        defer { TestFiles.remove(path) }
        TestFiles.write(
            path, "pkRefundRowId,RefundHeaderId,Amount,Currency,NumOrderId,Status\n7,8,5.00,GBP,SO-1,PROCESSED\n")
        #expect(throws: FileRefusal.self) { try reading.read(path) }
        let forced = try reading.read(path, format: "linnworks-order-refunds")
        #expect(forced.refunds.map(\.id) == ["8"])
    }

    @Test("a profile in kccbridge.yaml: its columns, its refund rows, its sign, its source")
    func configured() throws {
        var settings = RefundSettings()
        var profile = CSVProfileSettings(name: "bank")
        profile.source = "barclays-current"
        profile.columns = [.id: ["Txn"], .amount: ["Value"], .date: ["Posted"], .reference: ["Narrative"]]
        profile.refundColumn = "Kind"
        profile.refundValues = ["REFUND"]
        profile.negativeRefunds = true
        profile.dateFormat = .dayMonthYear
        settings.profiles = [profile]
        let path = TestFiles.temporaryPath(".csv")
        defer { TestFiles.remove(path) }
        TestFiles.write(
            path, "Txn,Posted,Kind,Value,Narrative\nT1,21/11/2026,REFUND,-12.00,CRN-004609\nT2,21/11/2026,SALE,30.00,\n"
        )
        let read = try reading.read(path, settings: settings)
        #expect(read.refunds.map(\.id) == ["T1"] && read.refunds.first?.amount?.amountText == "12.00")
        #expect(read.refunds.first?.system == "barclays-current" && read.refunds.first?.reference == "CRN-004609")
        #expect(read.notRefunds == ["rows whose Kind is not a refund (SALE)": 1])
    }

    @Test("money in is never a refund: PayPal's refund received, a cancelled refund; a bank profile's positive amounts")
    func moneyIn() throws {
        let path = TestFiles.temporaryPath(".csv")
        defer { TestFiles.remove(path) }
        let header =
            #""Date","Time","Time zone","Name","Type","Status","Currency","Gross","Fee","Net","Transaction ID","Balance Impact""#
        TestFiles.write(
            path,
            header + "\n"
                + #""21/11/2026","10:00:00","GMT","Shop","Payment Refund","Completed","GBP","10.00","0.00","10.00","R1","Credit""#
                + "\n"
                + #""22/11/2026","10:00:00","GMT","Customer","Cancellation of Refund","Completed","GBP","5.00","0.00","5.00","R2","Credit""#
                + "\n")
        let read = try reading.read(path)
        #expect(read.refunds.isEmpty, "\(read.refunds)")
        #expect(read.notRefunds.values.reduce(0, +) == 2)
    }

    @Test(
        "a channel's export in another shape is refused, not read as any CSV: Stripe charges with a customised header")
    func customisedChannelExport() {
        let path = TestFiles.temporaryPath(".csv")
        defer { TestFiles.remove(path) }
        TestFiles.write(
            path,
            "id,Description,Created date (UTC),Amount,Currency,Status\nch_1,Order SO-51871,2026-11-01 10:00,38.97,gbp,Paid\n"
        )
        #expect(throws: FileRefusal.self) { try reading.read(path) }
    }

    @Test("the names a configured profile may not take are every built-in one")
    func reservedNames() {
        #expect(Set(reading.formats()) == RefundSettings.builtInProfileNames)
    }

    @Test(
        "Amazon's settlement report: tab-separated; a refund is one adjustment's price and promotion rows, summed; fees are not the customer's"
    )
    func amazon() throws {
        let read = try reading.read(samples + "/amazon-settlement.tsv")
        #expect(read.refunds.map(\.id) == ["amzn1.adj.0001", "amzn1.adj.0002"])
        #expect(read.refunds.map { $0.amount?.amountText } == ["59.99", "10.00"])
        #expect(read.refunds.map(\.orderNumber) == ["SO-51874", "SO-51871"])
        #expect(read.refunds.allSatisfy { $0.system == "amazon" && $0.currency == .gbp && $0.isValid })
        #expect(read.refunds.first?.date == CalendarDate(year: 2026, month: 11, day: 7), "dotted dates are day first")
        #expect(read.notRefunds["Amazon settlement rows that are not refunds (Order)"] == 2)
        #expect(
            read.notRefunds[
                "Amazon fees and other amounts on refunds (between Amazon and you, not the customer) (ItemFees)"] == 1)
    }

    @Test(
        "Stripe's Balance report: refunds by reporting category, written negative; charges, payouts and refund failures are not"
    )
    func stripeBalance() throws {
        let read = try reading.read(samples + "/stripe-balance.csv")
        #expect(read.refunds.map(\.id) == ["re_3Pa0000000000002"] && read.refunds.first?.amount?.amountText == "10.00")
        #expect(read.notRefunds.values.reduce(0, +) == 3)
    }

    @Test(
        "Stripe's older balance history (real rows): the refund only, written negative; charges, transfers, adjustments are not"
    )
    func stripeBalanceHistory() throws {
        let path = samples + "/stripe-balance-history.reunion.csv"
        let read = try reading.read(path)
        let refund = try #require(read.refunds.first)
        #expect(read.refunds.count == 1 && refund.id == "txn_18bB5g2kdGSXuqwcVm1fYE09" && refund.isValid)
        #expect(refund.amount?.amountText == "249.00" && refund.currency?.code == "USD" && refund.system == "stripe")
        #expect(refund.date == CalendarDate(year: 2016, month: 7, day: 25))
        #expect(
            read.notRefunds == [
                "Stripe balance history that is not a refund (transfer)": 3,
                "Stripe balance history that is not a refund (charge)": 1,
                "Stripe balance history that is not a refund (adjustment)": 1,
            ])
    }

    @Test("Shopify Payments transactions: each refund row, known by order and time, written negative; the rest counted")
    func shopifyPayments() throws {
        let path = samples + "/shopify-payments.csv"
        let read = try reading.read(path)
        #expect(read.refunds.map(\.id) == ["#1001 2026-11-12 14:02:11 +0000", "#1001 2026-11-13 08:30:00 +0000"])
        #expect(read.refunds.map { $0.amount?.amountText } == ["10.00", "46.29"])
        #expect(read.refunds.allSatisfy { $0.isValid && $0.orderNumber == "#1001" && $0.system == "shopify" })
        #expect(read.notRefunds.values.reduce(0, +) == 4)
    }

    @Test("an Amazon settlement whose currency is not given before its refunds is never read as the default currency")
    func amazonWithoutCurrency() throws {
        let text = try #require(TestFiles.read(samples + "/amazon-settlement.tsv"))
        let path = TestFiles.temporaryPath(".tsv")
        defer { TestFiles.remove(path) }
        TestFiles.write(path, text.replacingOccurrences(of: "\tGBP\t", with: "\t\t"))
        let read = try reading.read(path)
        #expect(!read.refunds.isEmpty && read.refunds.allSatisfy { !$0.isValid && $0.currency == nil })
    }
}
