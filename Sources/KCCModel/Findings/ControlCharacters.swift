extension String {
    /// Whether the text holds a control character (U+0000–U+001F or U+007F): never part of a real
    /// number, id or name, and a NUL is where a database's C string would end.
    public var hasControlCharacters: Bool {
        unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
    }

    /// The text with each control character written as `\u{…}` (a NUL as `\u{0}`), so a message shows
    /// what is there, and no terminal, file or database acts on it or cuts the text short.
    public var showingControlCharacters: String {
        guard hasControlCharacters else { return self }
        var out = ""
        for scalar in unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
