import KCCModel

/// One IIF transaction in integer minor units: the `TRNS` row's amount is
/// the negated sum of its `SPL` rows, so the transaction sums to zero by
/// construction; QuickBooks refuses one that does not.
struct IIFTransaction: Equatable {
    /// A `TRNS` or `SPL` row before it becomes text.
    struct Row: Equatable {
        var account: String
        var minorUnits: Int64
        var memo = ""
        var className = ""
        var quantity = ""
        var price = ""
        var item = ""
        var taxable = ""
    }

    /// `INVOICE`, `CREDIT MEMO`, `PAYMENT`.
    var type: String
    var currency: Currency
    var date: CalendarDate
    var name: String
    var docNumber: String
    var memo: String
    var className: String
    /// The bill-to block, ADDR1 … ADDR5.
    var address: [String]
    var dueDate: CalendarDate?
    /// The `TRNS` row: its amount is always the balancing one.
    private(set) var head: Row
    private(set) var splits: [Row]

    init(
        type: String, currency: Currency, date: CalendarDate, name: String, docNumber: String, memo: String,
        className: String = "",
        address: [String] = [], dueDate: CalendarDate? = nil, account: String, splits: [Row]
    ) {
        self.type = type
        self.currency = currency
        self.date = date
        self.name = name
        self.docNumber = docNumber
        self.memo = memo
        self.className = className
        self.address = address
        self.dueDate = dueDate
        self.splits = splits
        self.head = Row(
            account: account, minorUnits: -splits.reduce(0) { $0 + $1.minorUnits }, memo: memo, className: className)
    }

    /// The `TRNS` amount: `+gross` for an invoice, `-gross` for a credit memo, `+amount` for a payment.
    var amount: Int64 { head.minorUnits }

    /// Every row's amount added up; zero for every transaction this type can make.
    var total: Int64 { head.minorUnits + splits.reduce(0) { $0 + $1.minorUnits } }
}
