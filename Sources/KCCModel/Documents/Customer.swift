/// A customer as KCC exports it: its URN, name, email and billing address.
public struct Customer: Sendable, Hashable {
    /// KCC's customer URN, e.g. `C-10442`.
    public var code: String
    public var name: String
    public var email: String?
    public var address: Address

    public init(code: String, name: String, email: String? = nil, address: Address = Address()) {
        self.code = code
        self.name = name
        self.email = email
        self.address = address
    }
}

/// A billing address. Every part is optional; `country` is ISO 3166 alpha-2.
public struct Address: Sendable, Hashable {
    public var line1: String?
    public var line2: String?
    public var town: String?
    public var county: String?
    public var postcode: String?
    public var country: String?

    public init(
        line1: String? = nil, line2: String? = nil, town: String? = nil, county: String? = nil, postcode: String? = nil,
        country: String? = nil
    ) {
        self.line1 = line1
        self.line2 = line2
        self.town = town
        self.county = county
        self.postcode = postcode
        self.country = country
    }

    public var isEmpty: Bool {
        [line1, line2, town, county, postcode, country].allSatisfy { $0 == nil }
    }
}
