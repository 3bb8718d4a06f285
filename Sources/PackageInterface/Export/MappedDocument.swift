import KCCModel

/// A checked document with everything the accounting package needs already
/// decided: accounts, tracking, tax types, contact, bank account, and text made
/// safe for the target. Every writer reads these; none decides a mapping itself.
public struct MappedDocument: Sendable, Hashable {
    public var document: Document
    /// Where the document starts in its batch file.
    public var location: SourceLocation
    public var contact: MappedContact
    /// Lines with their accounts and tax (empty for payments).
    public var lines: [MappedLine]
    /// The bank account its money moves through, by payment method.
    public var bankAccount: String?

    public init(
        document: Document, location: SourceLocation, contact: MappedContact, lines: [MappedLine], bankAccount: String?
    ) {
        self.document = document
        self.location = location
        self.contact = contact
        self.lines = lines
        self.bankAccount = bankAccount
    }

    public var number: String { document.number }
    public var kind: DocumentKind { document.kind }
}

/// The contact a document is posted to (a channel may override the customer).
public struct MappedContact: Sendable, Hashable {
    public var name: String
    public var email: String?
    public var address: Address

    public init(name: String, email: String?, address: Address) {
        self.name = name
        self.email = email
        self.address = address
    }
}

/// One line with the account, tracking and tax type it posts to.
public struct MappedLine: Sendable, Hashable {
    public var line: DocumentLine
    /// The description, made safe for the target.
    public var description: String
    public var account: String
    public var tracking: [TrackingOption]
    /// The KCC tax code the tax type came from (for a refund tax it differs from the line's).
    public var taxCode: String
    public var tax: TaxMapping

    public init(
        line: DocumentLine, description: String, account: String, tracking: [TrackingOption], taxCode: String,
        tax: TaxMapping
    ) {
        self.line = line
        self.description = description
        self.account = account
        self.tracking = tracking
        self.taxCode = taxCode
        self.tax = tax
    }
}
