extension String {
    /// Whether the text holds a control character (U+0000–U+001F, U+007F–U+009F): never part of a real
    /// number, id or name; a NUL is where a database's C string would end, and a terminal acts on the rest.
    public var hasControlCharacters: Bool {
        // By bytes: C0 and DEL are single bytes, and C1 (U+0080–U+009F) is 0xC2 followed by 0x80–0x9F.
        var afterC2 = false
        for byte in utf8 {
            if byte < 0x20 || byte == 0x7F || (afterC2 && byte <= 0x9F) { return true }
            afterC2 = byte == 0xC2
        }
        return false
    }

    /// The text with each control character written as `\u{…}` (a NUL as `\u{0}`), so a message shows
    /// what is there, and no terminal, file or database acts on it or cuts the text short.
    public var showingControlCharacters: String {
        guard hasControlCharacters else { return self }
        var out = ""
        for scalar in unicodeScalars {
            if Self.isControl(scalar) {
                out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
