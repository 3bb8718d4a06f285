/// The text encodings a CSV file may be read in. Never guessed: UTF-8 unless
/// the user says otherwise.
public enum TextEncoding: String, Sendable, Hashable, CaseIterable {
    case utf8 = "utf-8"
    case windows1252 = "windows-1252"

    /// Decodes `bytes`, or `nil` if they are not valid in this encoding
    /// (malformed UTF-8; one of the five bytes Windows-1252 leaves unassigned).
    public func decode(_ bytes: some Collection<UInt8>) -> String? {
        switch self {
        case .utf8:
            return String(validating: bytes, as: UTF8.self)
        case .windows1252:
            var scalars = String.UnicodeScalarView()
            for byte in bytes {
                if byte < 0x80 || byte >= 0xA0 {
                    scalars.append(Unicode.Scalar(byte))
                } else {
                    let value = Self.cp1252High[Int(byte - 0x80)]
                    guard value != 0, let scalar = Unicode.Scalar(value) else { return nil }
                    scalars.append(scalar)
                }
            }
            return String(scalars)
        }
    }

    /// `text` as bytes in this encoding, or `nil` if a character has no place in it.
    public func encode(_ text: String) -> [UInt8]? {
        switch self {
        case .utf8:
            return Array(text.utf8)
        case .windows1252:
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count)
            for scalar in text.unicodeScalars {
                let v = scalar.value
                if v < 0x80 || (0xA0...0xFF).contains(v) {
                    bytes.append(UInt8(v))
                } else if let index = Self.cp1252High.firstIndex(of: v), v != 0 {
                    bytes.append(0x80 + UInt8(index))
                } else {
                    return nil
                }
            }
            return bytes
        }
    }

    /// Windows-1252 bytes 0x80–0x9F; 0 marks the unassigned ones (0x81, 0x8D, 0x8F, 0x90, 0x9D).
    private static let cp1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]
}
