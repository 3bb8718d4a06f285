/// Every field of a KCC batch document, named as the CSV header names it
/// (`schemas/kcc-batch-csv.md`). The XML encoding uses the same names.
public enum BatchField: String, Sendable, Hashable, CaseIterable {
    case recordType = "RecordType"
    case docNumber = "DocNumber"
    case orderNumber = "OrderNumber"
    case docDate = "DocDate"
    case dueDate = "DueDate"
    case customerCode = "CustomerCode"
    case customerName = "CustomerName"
    case email = "Email"
    case address1 = "Address1"
    case address2 = "Address2"
    case town = "Town"
    case county = "County"
    case postcode = "Postcode"
    case country = "Country"
    case currency = "Currency"
    case source = "Source"
    case subsource = "Subsource"
    case paymentMethod = "PaymentMethod"
    case relatedInvoice = "RelatedInvoice"
    case reason = "Reason"
    case lineNo = "LineNo"
    case sku = "SKU"
    case description = "Description"
    case quantity = "Quantity"
    case unitPrice = "UnitPrice"
    case discountPercent = "DiscountPercent"
    case taxCode = "TaxCode"
    case taxRate = "TaxRate"
    case lineNet = "LineNet"
    case lineTax = "LineTax"
    case docNet = "DocNet"
    case docTax = "DocTax"
    case docGross = "DocGross"
    case amount = "Amount"

    /// The header name, e.g. `DocGross`.
    public var name: String { rawValue }

    /// The field named exactly `name` (as an XML attribute names it), found by hashing, not by trying each.
    init?(named name: String) {
        guard let field = Self.byName[name] else { return nil }
        self = field
    }

    private static let byName = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })

    // Fields key the dictionaries of every row read, so they compare and hash
    // by case, not by their names (what `RawRepresentable` would otherwise do):
    // a field-less enum of fewer than 256 cases is its case's one-byte tag.
    private var ordinal: UInt8 { withUnsafeBytes(of: self) { $0.load(as: UInt8.self) } }

    public static func == (lhs: BatchField, rhs: BatchField) -> Bool { lhs.ordinal == rhs.ordinal }

    public func hash(into hasher: inout Hasher) { hasher.combine(ordinal) }

    /// Fields that belong to one line of a document (they vary from row to row).
    public var isLineField: Bool {
        switch self {
        case .lineNo, .sku, .description, .quantity, .unitPrice, .discountPercent, .taxCode, .taxRate, .lineNet,
            .lineTax:
            true
        default:
            false
        }
    }

    /// Columns a CSV header must have (some are only filled for some record types,
    /// but the spec puts every one in every header).
    public var isRequiredColumn: Bool {
        switch self {
        case .recordType, .docNumber, .orderNumber, .docDate, .dueDate, .customerCode, .customerName, .currency,
            .lineNo, .description, .quantity, .unitPrice, .taxCode, .taxRate, .lineNet, .lineTax,
            .docNet, .docTax, .docGross, .amount:
            true
        default:
            false
        }
    }

    /// Document-level fields a `PAYMENT` row must leave empty.
    static let salesOnly: [BatchField] = [.dueDate, .reason, .docNet, .docTax, .docGross]

    /// Longest text accepted for document and order numbers and other codes.
    static let maxNumberLength = 32
    /// Longest free text accepted (names, descriptions, addresses).
    static let maxTextLength = 4000
    /// Highest line number accepted.
    static let maxLineNumber = 100_000
    /// Fields held to `maxNumberLength`.
    static let codeFields: Set<BatchField> = [
        .docNumber, .orderNumber, .customerCode, .relatedInvoice, .taxCode, .currency,
    ]

    /// The longest text the field may hold, by the field's place among `allCases` (asked of every cell read).
    static let lengthLimits: [Int] = allCases.map { codeFields.contains($0) ? maxNumberLength : maxTextLength }

    private static let byLowercasedName: [String: BatchField] =
        Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue.lowercased(), $0) })

    /// The field a header cell names, matched case-insensitively.
    public init?(headerName: String) {
        guard let field = Self.byLowercasedName[headerName.lowercased()] else { return nil }
        self = field
    }
}
