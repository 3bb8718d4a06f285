import XMLStreaming

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a long XML batch is cut in two, so that each part is read on a core of its own: the second part
/// starts at the line of a top-level element past the middle of the file.
///
/// Each part is made a whole document: the first is the file up to that line, then the root's closing tag;
/// the second is the file's opening (its declaration and the root's start tag, byte for byte), a line break,
/// then the file from that line on, its lines numbered as the file's. The cut is found by looking at bytes,
/// not by parsing, so it is only a guess until the parser has read both parts: the first part is a sound
/// document only if, at the cut, the root alone is open and nothing (a comment, a CDATA section, a tag) is
/// half-read. Then the second part, which resumes in that same state, holds exactly the rest of the file.
/// A guess the parser does not bear out costs only a reading of the whole file in one piece.
struct XMLSplit: Sendable, Hashable {
    /// Files smaller than this are read in one piece.
    static let smallest = 4 << 20

    /// The file's bytes up to the end of the root's start tag.
    var opening: [UInt8]
    /// The root's name as written (with its prefix, if any), to close the first part.
    var rootName: [UInt8]
    /// Where the second part starts: the first byte of its first line.
    var offset: Int
    /// That line's number in the file.
    var line: Int

    /// The file up to the cut, then the root's closing tag.
    var first: XMLFilePart {
        XMLFilePart(start: 0, end: offset, suffix: Array("</".utf8) + rootName + Array(">".utf8))
    }

    /// The file's opening, a line break, then the file from the cut on.
    var second: XMLFilePart {
        let openingLines = opening.count { $0 == UInt8(ascii: "\n") } + 1
        return XMLFilePart(
            prefix: opening + [UInt8(ascii: "\n")], start: offset, end: nil, lineOffset: line - openingLines - 1)
    }

    /// The elements a batch holds at its top level (`schemas/kcc-batch.xsd`): only where one starts a line
    /// is the file cut, so the cut is almost always where the root alone is open.
    private static let topLevel: Set<[UInt8]> = Set(
        ["Customer", "SalesInvoice", "CreditNote", "Payment", "PurchaseInvoice", "Supplier"].map { Array($0.utf8) })

    /// The cut of the file at `path`, of `size` bytes, if it is long enough and one can be found: the start
    /// of the first line past the middle that begins (after spaces) with a top-level element.
    static func find(path: String, size: Int, smallest: Int = smallest) -> XMLSplit? {
        guard size >= smallest, size >= 2 else { return nil }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard let head = read(fd, at: 0, count: min(size, 64 * 1024)), let (opening, rootName) = opening(of: head)
        else { return nil }
        // Looked for in the 8 MiB past the middle, in chunks that overlap by more than any tag looked for.
        let overlap = 64
        var chunkStart = max(opening.count, size / 2)
        let limit = min(size, chunkStart + (8 << 20))
        while chunkStart < limit {
            guard let chunk = read(fd, at: chunkStart, count: min(64 * 1024, size - chunkStart)), !chunk.isEmpty
            else { return nil }
            if let found = lineStart(in: chunk) {
                let offset = chunkStart + found
                guard let line = lineNumber(fd, at: offset) else { return nil }
                return XMLSplit(opening: opening, rootName: rootName, offset: offset, line: line)
            }
            if chunkStart + chunk.count >= size { return nil }
            chunkStart += max(chunk.count - overlap, 1)
        }
        return nil
    }

    /// The file's opening (through the root's start tag) and the root's name, read from its first bytes:
    /// `nil` for anything unusual (a DOCTYPE, an empty root, a start tag past the first 64 KiB).
    static func opening(of head: [UInt8]) -> ([UInt8], [UInt8])? {
        var index = head.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        func starts(_ text: String) -> Bool { head[index...].starts(with: text.utf8) }
        func skip(past text: String) -> Bool {
            guard let range = head[index...].firstRange(of: Array(text.utf8)) else { return false }
            index = range.upperBound
            return true
        }
        while index < head.count {
            let byte = head[index]
            if byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A {
                index += 1
            } else if starts("<?") {
                guard skip(past: "?>") else { return nil }
            } else if starts("<!--") {
                guard skip(past: "-->") else { return nil }
            } else if byte == UInt8(ascii: "<") {
                break
            } else {
                return nil
            }
        }
        guard index < head.count, !starts("<!") else { return nil }
        let nameStart = index + 1
        var nameEnd = nameStart
        while nameEnd < head.count, !Self.endsName(head[nameEnd]) { nameEnd += 1 }
        guard nameEnd > nameStart else { return nil }
        var quote: UInt8?
        var at = nameEnd
        while at < head.count {
            let byte = head[at]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                guard head[at - 1] != UInt8(ascii: "/") else { return nil }
                return (Array(head[..<(at + 1)]), Array(head[nameStart..<nameEnd]))
            }
            at += 1
        }
        return nil
    }

    /// Where, in `chunk`, the first line that starts (after spaces or tabs) with a top-level element begins:
    /// the byte after its line feed.
    static func lineStart(in chunk: [UInt8]) -> Int? {
        var index = 0
        while let feed = chunk[index...].firstIndex(of: UInt8(ascii: "\n")) {
            var at = feed + 1
            while at < chunk.count, chunk[at] == 0x20 || chunk[at] == 0x09 { at += 1 }
            if at < chunk.count, chunk[at] == UInt8(ascii: "<") {
                var end = at + 1
                while end < chunk.count, !endsName(chunk[end]) { end += 1 }
                if end < chunk.count {
                    var name = chunk[(at + 1)..<end]
                    if let colon = name.lastIndex(of: UInt8(ascii: ":")) { name = name[(colon + 1)...] }
                    if topLevel.contains(Array(name)) { return feed + 1 }
                }
            }
            index = feed + 1
        }
        return nil
    }

    private static func endsName(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A || byte == UInt8(ascii: "/")
            || byte == UInt8(ascii: ">")
    }

    /// The line `offset` is on: one more than the line feeds before it.
    private static func lineNumber(_ fd: Int32, at offset: Int) -> Int? {
        let chunkSize = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 8)
        defer { buffer.deallocate() }
        var feeds = 0
        var at = 0
        while at < offset {
            let n = pread(fd, buffer.baseAddress, min(chunkSize, offset - at), off_t(at))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return nil }
            for byte in buffer[..<n] where byte == 0x0A { feeds += 1 }
            at += n
        }
        return feeds + 1
    }

    /// Up to `count` bytes from `offset` (fewer at the end of the file); `nil` when the file cannot be read.
    private static func read(_ fd: Int32, at offset: Int, count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes {
                pread(fd, $0.baseAddress.map { $0 + done }, count - done, off_t(offset + done))
            }
            if n < 0, errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { break }
            done += n
        }
        bytes.removeLast(count - done)
        return bytes
    }
}
