import KCCModel

/// Makes valid synthetic batches for demos, tests and benchmarks: realistic
/// channels, tax codes T0/T1/T5/T9, prepayments, partial returns,
/// and cancelled orders credited before any invoice.
///
/// Documents are produced one order at a time, so a batch of any size is
/// written in constant memory (customers, a few thousand at most, come first).
public struct BatchGenerator: Sendable {
    public struct Options: Sendable, Hashable {
        public var orders: Int
        public var seed: UInt64
        /// Adds commas, quotes, line breaks, non-Latin names and formula-like text.
        public var nasty: Bool
        public var firstDate: CalendarDate
        /// The number of the first order (SO-71000 + it, INV-300000 + it, …), so batches can follow each other;
        /// the numbers never meet those of the samples.
        public var firstOrder: Int

        public init(
            orders: Int, seed: UInt64 = 1, nasty: Bool = false,
            firstDate: CalendarDate = CalendarDate(validYear: 2026, month: 11, day: 2),
            firstOrder: Int = 0
        ) {
            self.orders = orders
            self.seed = seed
            self.nasty = nasty
            self.firstDate = firstDate
            self.firstOrder = firstOrder
        }
    }

    public let options: Options

    public init(options: Options) {
        self.options = options
    }

    /// Writes the whole batch to `writer`.
    public func generate(into writer: any BatchWriter) throws {
        var random = SeededRandom(seed: options.seed)
        let customers = makeCustomers(&random)
        try writer.begin(
            info: BatchInfo(
                batchID: "KCC-\(options.firstDate)-\(options.seed)", created: "\(options.firstDate)T18:00:00Z",
                company: options.nasty ? "Ridge & Rill Outdoor \"Co\", Ltd" : "Ridge and Rill Outdoor Ltd"),
            customers: customers)
        var counters = Counters(credit: 9000 + options.firstOrder, payment: 95000 + options.firstOrder)
        for order in options.firstOrder..<(options.firstOrder + options.orders) {
            for document in makeOrder(order, customers: customers, counters: &counters, random: &random) {
                try writer.write(document)
            }
        }
        try writer.end()
    }

    // MARK: Orders

    private struct Counters {
        var credit: Int
        var payment: Int
    }

    private struct Channel {
        var source: String
        var subsource: String
        var currency: Currency
        var methods: [String]
        var weight: Int
    }

    private static let channels: [Channel] = [
        Channel(source: "AMAZON", subsource: "Amazon UK", currency: .gbp, methods: ["Amazon"], weight: 30),
        Channel(source: "AMAZON", subsource: "Amazon DE", currency: .eur, methods: ["Amazon"], weight: 8),
        Channel(
            source: "EBAY", subsource: "eBay UK", currency: .gbp, methods: ["PayPal", "Managed Payments"], weight: 15),
        Channel(source: "SHOPIFY", subsource: "Web Store", currency: .gbp, methods: ["Card", "PayPal"], weight: 30),
        Channel(source: "SHOPIFY", subsource: "US Store", currency: .usd, methods: ["Card"], weight: 7),
        Channel(
            source: "DIRECT", subsource: "Telephone", currency: .gbp, methods: ["Card", "Bank Transfer", "Cheque"],
            weight: 10),
    ]

    private struct Product {
        var sku: String
        var description: String
        var price: Int64  // minor units
        var taxCode: String
        var taxRate: Int
    }

    private static let products: [Product] = [
        Product(sku: "TENT-2P", description: "Ridgeline two-person tent", price: 18999, taxCode: "T1", taxRate: 20),
        Product(sku: "BAG-SLP-3S", description: "Three-season sleeping bag", price: 6450, taxCode: "T1", taxRate: 20),
        Product(sku: "STOVE-GAS", description: "Compact gas stove", price: 3299, taxCode: "T1", taxRate: 20),
        Product(sku: "MAP-OS-OL7", description: "OS Explorer map OL7", price: 1099, taxCode: "T0", taxRate: 0),
        Product(sku: "BOOK-WILD", description: "Wild camping guide (book)", price: 1499, taxCode: "T0", taxRate: 0),
        Product(
            sku: "KID-JKT-8", description: "Children's waterproof jacket, age 8", price: 3500, taxCode: "T0", taxRate: 0
        ),
        Product(sku: "SEAT-CAR-G1", description: "Child car seat, group 1", price: 8999, taxCode: "T5", taxRate: 5),
        Product(sku: "GIFT-25", description: "Gift voucher", price: 2500, taxCode: "T9", taxRate: 0),
        Product(sku: "ROPE-M", description: "Dynamic rope, per metre", price: 185, taxCode: "T1", taxRate: 20),
        Product(sku: "SOCK-MER", description: "Merino walking socks", price: 1650, taxCode: "T1", taxRate: 20),
    ]

    private func makeOrder(
        _ index: Int, customers: [Customer], counters: inout Counters, random: inout SeededRandom
    ) -> [Document] {
        let total = Self.channels.reduce(0) { $0 + $1.weight }
        var roll = Int.random(in: 0..<total, using: &random)
        var channel = Self.channels[0]
        for candidate in Self.channels {
            if roll < candidate.weight {
                channel = candidate
                break
            }
            roll -= candidate.weight
        }
        let customer = customers[Int.random(in: 0..<customers.count, using: &random)]
        let orderNumber = "SO-\(71000 + index)"
        let date = options.firstDate.adding(days: (index - options.firstOrder) / 40)
        let method = random.pick(channel.methods)

        var lines: [DocumentLine] = []
        for lineNumber in 1...Int.random(in: 1...4, using: &random) {
            var product = random.pick(Self.products)
            if options.nasty, random.chance(25) { product.description = random.pick(Self.nastyDescriptions) }
            let quantity =
                product.sku == "ROPE-M"
                ? ExactDecimal(units: Int64(Int.random(in: 10...60, using: &random)) * 5, scale: 1)
                : ExactDecimal(Int.random(in: 1...3, using: &random))
            let discount: ExactDecimal? = random.chance(10) ? ExactDecimal(units: 125, scale: 1) : nil
            let price = Money(minorUnits: convert(product.price, to: channel.currency), currency: channel.currency)
            let rate = ExactDecimal(product.taxRate)
            let (net, tax) = Self.amounts(
                unitPrice: price, quantity: quantity, discountPercent: discount, taxRate: rate)
            lines.append(
                DocumentLine(
                    lineNumber: lineNumber, sku: product.sku, description: product.description, quantity: quantity,
                    unitPrice: price, discountPercent: discount, taxCode: product.taxCode, taxRate: rate,
                    net: net, tax: tax))
        }
        let salesChannel = SalesChannel(source: channel.source, subsource: channel.subsource)

        if random.chance(8) {
            // Cancelled before invoicing: copied as a credit note, no invoice.
            counters.credit += 1
            return [
                .sales(
                    SalesDocument(
                        kind: .credit, number: "CRN-\(String(format6: counters.credit))", orderNumber: orderNumber,
                        date: date, customer: customer, currency: channel.currency, channel: salesChannel,
                        paymentMethod: method, relatedInvoice: nil, reason: "Cancelled", lines: lines,
                        totals: Self.totals(of: lines, currency: channel.currency)))
            ]
        }
        let invoiceNumber = "INV-\(300000 + index)"
        let invoice = SalesDocument(
            kind: .invoice, number: invoiceNumber, orderNumber: orderNumber, date: date,
            dueDate: date.adding(days: 30), customer: customer, currency: channel.currency,
            channel: salesChannel, paymentMethod: method, lines: lines,
            totals: Self.totals(of: lines, currency: channel.currency))
        var documents: [Document] = [.sales(invoice)]
        if random.chance(30) {
            counters.payment += 1
            documents.append(
                .payment(
                    Payment(
                        reference: "PAY-\(counters.payment)", orderNumber: orderNumber, date: date,
                        customer: customer, amount: invoice.totals.gross, channel: salesChannel,
                        paymentMethod: method, relatedInvoice: invoiceNumber)))
        }
        if random.chance(12) {
            // A partial return: one unit (or the whole line) of the first line.
            var returned = lines[0]
            returned.lineNumber = 1
            if returned.quantity.compare(ExactDecimal(1)) > 0, returned.quantity.scale == 0 {
                returned.quantity = ExactDecimal(1)
                (returned.net, returned.tax) = Self.amounts(
                    unitPrice: returned.unitPrice, quantity: returned.quantity,
                    discountPercent: returned.discountPercent, taxRate: returned.taxRate)
            }
            counters.credit += 1
            documents.append(
                .sales(
                    SalesDocument(
                        kind: .credit, number: "CRN-\(String(format6: counters.credit))", orderNumber: orderNumber,
                        date: date.adding(days: Int.random(in: 3...20, using: &random)), customer: customer,
                        currency: channel.currency, channel: salesChannel, paymentMethod: method,
                        relatedInvoice: invoiceNumber, reason: "Returned", lines: [returned],
                        totals: Self.totals(of: [returned], currency: channel.currency))))
        }
        return documents
    }

    /// Net and tax of a generated line. Unit prices are under 250.00 and quantities at most 30,
    /// so neither exact product can overflow.
    private static func amounts(
        unitPrice: Money, quantity: ExactDecimal, discountPercent: ExactDecimal?,
        taxRate: ExactDecimal
    ) -> (net: Money, tax: Money) {
        guard let net = Money.lineNet(unitPrice: unitPrice, quantity: quantity, discountPercent: discountPercent),
            let tax = net.percentage(taxRate)
        else {
            preconditionFailure("a generated line of \(quantity) × \(unitPrice.amountText) is too large to compute")
        }
        return (net, tax)
    }

    /// The totals of a generated document: at most four such lines, so the sums cannot overflow.
    private static func totals(of lines: [DocumentLine], currency: Currency) -> DocumentTotals {
        guard let totals = DocumentTotals(summing: lines, currency: currency) else {
            preconditionFailure("the generated lines add up to more than can be held")
        }
        return totals
    }

    /// Rough price lists per currency, so euro and dollar prices look like prices.
    private func convert(_ pence: Int64, to currency: Currency) -> Int64 {
        switch currency.code {
        case "EUR": return pence * 117 / 100
        case "USD": return pence * 127 / 100
        default: return pence
        }
    }

    // MARK: Customers

    private static let firstNames = [
        "Olivia", "Amelia", "Isla", "Ava", "Noah", "Oliver", "George", "Arthur", "Freya", "Leo",
        "Harry", "Mia", "Oscar", "Ivy", "Theo", "Grace", "Jack", "Sophie", "Alfie", "Evie",
    ]
    private static let lastNames = [
        "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright",
        "Robinson", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Clarke",
    ]
    private static let towns: [(String, String, String)] = [
        ("Keswick", "Cumbria", "CA12 5DQ"), ("Ambleside", "Cumbria", "LA22 0BZ"),
        ("Fort William", "Highland", "PH33 6AN"),
        ("Betws-y-Coed", "Conwy", "LL24 0AH"), ("Hathersage", "Derbyshire", "S32 1DD"), ("Bristol", "", "BS1 4DJ"),
        ("Manchester", "", "M1 1AE"), ("Leeds", "West Yorkshire", "LS1 4AP"),
    ]
    private static let nastyNames = [
        "O'Brien, Siobhán", "Zoë \"Ziggy\" Müller", "山田 太郎", "Αλέξανδρος Παπαδόπουλος",
        "=HYPERLINK(\"http://example.invalid\",\"click\")", "+44 Outdoor Shop", "@home Supplies",
        "-Minus Mountaineering", "Łukasz Żółć", "Camping\nand Caravanning Club", "محمد علي",
    ]
    private static let nastyDescriptions = [
        "Tent, two-person \"Lite\"", "Stove\nwith windshield", "=SUM(A1:A9)",
        "Ülle's fleece, größe M", "テント 2人用", "Rope, 9.8mm, \"dry\" treated",
    ]

    private func makeCustomers(_ random: inout SeededRandom) -> [Customer] {
        let count = max(1, min(5000, options.orders / 3 + 1))
        return (0..<count).map { index in
            let name =
                options.nasty && index % 4 == 1
                ? Self.nastyNames[(index / 4) % Self.nastyNames.count]
                : "\(random.pick(Self.firstNames)) \(random.pick(Self.lastNames))"
            let (town, county, postcode) = random.pick(Self.towns)
            let emailName = name.lowercased().unicodeScalars.filter { $0.isASCII && ($0.properties.isAlphabetic) }
            return Customer(
                code: "C-\(10000 + index)", name: name,
                email: emailName.isEmpty ? nil : "\(String(String.UnicodeScalarView(emailName)))\(index)@example.com",
                address: Address(
                    line1:
                        "\(Int.random(in: 1...120, using: &random)) \(random.pick(["High Street", "Station Road", "Lake Road", "Mill Lane"]))",
                    town: town, county: county.isEmpty ? nil : county, postcode: postcode, country: "GB"))
        }
    }
}

extension String {
    /// A number padded with zeros to six digits (`4511` → `004511`).
    init(format6 value: Int) {
        let digits = String(value)
        self = String(repeating: "0", count: Swift.max(0, 6 - digits.count)) + digits
    }
}
