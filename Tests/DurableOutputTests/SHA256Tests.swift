import DurableOutput
import KCCTestSupport
import Testing

@Suite("SHA-256 (FIPS 180-4 test vectors)")
struct SHA256Tests {
    @Test(
        "known digests",
        arguments: [
            ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
            (
                "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
            ),
        ])
    func vectors(text: String, digest: String) {
        var hasher = SHA256()
        hasher.update(Array(text.utf8))
        #expect(hasher.finalizeHex() == digest)
    }

    @Test("a million a's, fed in uneven pieces, and the same from a file")
    func million() {
        var hasher = SHA256()
        var left = 1_000_000
        var piece = 1
        while left > 0 {
            let n = min(piece, left)
            hasher.update([UInt8](repeating: UInt8(ascii: "a"), count: n))
            left -= n
            piece = piece * 3 % 9973 + 1
        }
        let expected = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
        #expect(hasher.finalizeHex() == expected)
        let path = TestFiles.temporaryPath(".bin")
        TestFiles.write(path, bytes: [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
        defer { TestFiles.remove(path) }
        #expect(SHA256.hexDigest(ofFile: path) == expected)
    }
}
