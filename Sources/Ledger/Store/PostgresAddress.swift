/// A PostgreSQL ledger's address: `postgres://user@host:port/database`
/// (or `postgresql://…`), with anything libpq accepts after `?`.
struct PostgresAddress: Sendable {
    /// The address as given, for libpq.
    let connection: String
    /// The address without its password, for people and logs.
    let display: String

    init?(_ text: String) {
        let lower = text.lowercased()
        guard lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") else { return nil }
        connection = text
        var display = Self.withoutPassword(text)
        if let query = display.firstIndex(of: "?"), display[query...].lowercased().contains("password") {
            display = String(display[..<query])
        }
        self.display = display
    }

    /// `postgres://clerk:secret@db/ledger` → `postgres://clerk@db/ledger`.
    static func withoutPassword(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@") else { return text }
        let userInfo = authority[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return text }
        return String(text[..<schemeEnd.upperBound]) + userInfo[..<colon] + String(rest[at...])
    }
}
