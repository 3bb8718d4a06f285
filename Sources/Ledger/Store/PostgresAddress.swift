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

    /// The password in the address, if it has one (to be kept out of every message).
    var password: String? {
        guard let schemeEnd = connection.range(of: "://") else { return nil }
        let rest = connection[schemeEnd.upperBound...]
        let authority = rest[..<(rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex)]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
            return nil
        }
        let password = authority[authority.index(after: colon)..<at]
        return password.isEmpty ? nil : String(password)
    }

    /// `text` with the address, and its password wherever it appears, as people may see them.
    func redact(_ text: String) -> String {
        var text = text.replacingAll(connection, with: display)
        if let password { text = text.replacingAll(password, with: "****") }
        return text
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

extension String {
    /// Every occurrence of `target` replaced (no Foundation here).
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
