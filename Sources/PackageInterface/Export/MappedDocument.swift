import KCCModel

/// A checked document with everything the accounting package needs already
/// decided: accounts, tracking, tax types, contact, bank account, and text made
/// safe for the target. Every writer reads these; none decides a mapping itself.
package struct MappedDocument: Sendable, Hashable {
    package var document: Document
    /// Where the document starts in its batch file.
    package var location: SourceLocation
    package var contact: MappedContact
    /// Lines with their accounts and tax (empty for payments).
    package var lines: [MappedLine]
    /// The bank account its money moves through, by payment method.
    package var bankAccount: String?

    package init(
        document: Document, location: SourceLocation, contact: MappedContact, lines: [MappedLine], bankAccount: String?
    ) {
        self.document = document
        self.location = location
        self.contact = contact
        self.lines = lines
        self.bankAccount = bankAccount
    }

    package var number: String { document.number }
    package var kind: DocumentKind { document.kind }
}

/// The contact a document is posted to (a channel may override the customer).
package struct MappedContact: Sendable, Hashable {
    package var name: String
    package var email: String?
    package var address: Address

    package init(name: String, email: String?, address: Address) {
        self.name = name
        self.email = email
        self.address = address
    }
}

/// One line with the account, tracking and tax type it posts to.
package struct MappedLine: Sendable, Hashable {
    package var line: DocumentLine
    /// The description, made safe for the target.
    package var description: String
    package var account: String
    package var tracking: [TrackingOption]
    /// The KCC tax code the tax type came from (for a refund tax it differs from the line's).
    package var taxCode: String
    package var tax: TaxMapping

    package init(
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
