import DurableOutput
import XMLStreaming

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a long XML batch is cut into parts: at lines that start with a top-level element, one past the
/// middle of the file (so that its two halves are read on a core each), and as many more as keep each part
/// under ``linesPerPart`` lines (libxml2 keeps an element's line in 16 bits: from line 65,535 of a document
/// on, every element would read 65,535).
///
/// Each part is made a whole document: the first is the file up to its first cut, then the root's closing
/// tag; each later one is the file's opening (its declaration and the root's start tag, byte for byte), a
/// line break, then the file from its cut to the next (and the closing tag, but for the last), its lines
/// numbered as the file's. The cuts are found by looking at bytes, not by parsing, so they are only a guess
/// until the parser has read the parts: a part is a sound document only if, at its cuts, the root alone is
/// open and nothing (a comment, a CDATA section, a tag) is half-read; then each part resumes where the one
/// before it ended, and together they hold exactly the file. A guess the parser does not bear out costs
/// only a reading of the whole file in one piece.
struct XMLSplit: Sendable {
    /// Files smaller than this are read in one piece on one core.
    static let smallest = 4 << 20
    /// No part is cut longer than this many lines, plus the element being read when it is reached.
    static let linesPerPart = 50_000

    /// Where a part starts: the first byte of a line, and that line's number in the file.
    struct Cut: Sendable, Hashable {
        var offset: Int
        var line: Int
    }

    /// The file's bytes up to the end of the root's start tag.
    var opening: [UInt8]
    /// The root's name as written (with its prefix, if any), to close a part.
    var rootName: [UInt8]
    var cuts: [Cut]
    /// The cut (its place in `cuts`) where the second half of the file starts, when the file is long
    /// enough to be read in two halves at once.
    var middle: Int?
    /// The file the cuts were found in; the parts are read only if they find it so (the lines are counted
    /// in these bytes).
    var stamp: FileStamp?

    /// Every part, in order: the whole file.
    var whole: [XMLFilePart] { parts(0..<(cuts.count + 1)) }

    /// The parts of each half of the file.
    var halves: (first: [XMLFilePart], second: [XMLFilePart])? {
        middle.map { (parts(0..<($0 + 1)), parts(($0 + 1)..<(cuts.count + 1))) }
    }

    /// Where the second half starts, in bytes.
    var middleOffset: Int? { middle.map { cuts[$0].offset } }

    /// The parts numbered `range`: part `k` runs from cut `k - 1` (or the start of the file) to cut `k` (or its end).
    func parts(_ range: Range<Int>) -> [XMLFilePart] {
        let openingLines = opening.count { $0 == UInt8(ascii: "\n") } + 1
        let closing = Array("</".utf8) + rootName + Array(">".utf8)
        return range.map { k in
            let from = k == 0 ? nil : cuts[k - 1]
            return XMLFilePart(
                prefix: from == nil ? [] : opening + [UInt8(ascii: "\n")], start: from?.offset ?? 0,
                end: k < cuts.count ? cuts[k].offset : nil, suffix: k < cuts.count ? closing : [],
                lineOffset: from.map { $0.line - openingLines - 1 } ?? 0)
        }
    }

    /// The elements a batch holds at its top level (`schemas/kcc-batch.xsd`): only where one starts a line
    /// is the file cut, so a cut is almost always where the root alone is open.
    private static let topLevel: [[UInt8]] =
        ["Customer", "SalesInvoice", "CreditNote", "Payment", "PurchaseInvoice", "Supplier"].map { Array($0.utf8) }

    /// The cuts of the file at `path`, of `size` bytes, found in one pass over its bytes; `nil` when it needs
    /// none (it is shorter than `linesPerPart` lines and `smallest` bytes), its start is unusual, or it
    /// changed while it was looked at.
    ///
    /// Once a part reaches `linesPerPart` lines it is cut where the last top-level element began, so that
    /// an element is never what takes a part past libxml2's count: a part is longer than 65,535 lines only
    /// when one element is.
    static func find(
        path: String, size: Int, smallest: Int = smallest, linesPerPart: Int = linesPerPart
    ) -> XMLSplit? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard let head = read(fd, at: 0, count: min(size, 64 * 1024)), let (opening, rootName) = opening(of: head)
        else { return nil }
        var status = stat()
        guard fstat(fd, &status) == 0 else { return nil }
        var split = XMLSplit(opening: opening, rootName: rootName, cuts: [], middle: nil, stamp: FileStamp(status))
        let halves = size >= smallest
        // The last line since the last cut that starts with a top-level element.
        var latest: Cut?
        // Line feeds seen before `chunkStart`, and the line of the last cut (or the first line).
        var feeds = opening.count { $0 == UInt8(ascii: "\n") }
        var lastCut = 1
        // Chunks of 1 MiB; a line feed in a chunk's last 64 bytes is left to the next, which starts at it,
        // so the tag after each feed looked at is whole in the chunk.
        let chunkSize = 1 << 20
        let margin = 64
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 8)
        defer { buffer.deallocate() }
        guard let base = buffer.baseAddress else { return nil }
        var chunkStart = opening.count
        while chunkStart < size {
            let n = pread(fd, base, min(chunkSize, size - chunkStart), off_t(chunkStart))
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { break }
            let atEnd = chunkStart + n >= size
            guard atEnd || n > margin else { break }
            let usable = atEnd ? n : n - margin
            var index = 0
            while index < usable, let found = memchr(base + index, 0x0A, usable - index) {
                let feed = found - UnsafeMutableRawPointer(base)
                feeds += 1
                let line = feeds + 1
                let offset = chunkStart + feed + 1
                index = feed + 1
                let pastMiddle = halves && split.middle == nil && offset >= size / 2
                if startsTopLevel(UnsafeRawBufferPointer(rebasing: buffer[(feed + 1)..<n])) {
                    if pastMiddle || line - lastCut >= linesPerPart {
                        if pastMiddle { split.middle = split.cuts.count }
                        split.cuts.append(Cut(offset: offset, line: line))
                        (lastCut, latest) = (line, nil)
                    } else {
                        latest = Cut(offset: offset, line: line)
                    }
                } else if line - lastCut >= linesPerPart, let earlier = latest {
                    split.cuts.append(earlier)
                    (lastCut, latest) = (earlier.line, nil)
                }
            }
            if atEnd { break }
            chunkStart += usable
        }
        guard !split.cuts.isEmpty, fstat(fd, &status) == 0, let stamp = split.stamp,
            FileStamp(status)?.sameContent(as: stamp) == true
        else { return nil }
        return split
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

    /// Whether `bytes`, the start of a line, begin (after spaces or tabs) with a top-level element's tag.
    static func startsTopLevel(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var at = 0
        while at < bytes.count, bytes[at] == 0x20 || bytes[at] == 0x09 { at += 1 }
        guard at < bytes.count, bytes[at] == UInt8(ascii: "<") else { return false }
        // The local name: after a prefix, if there is one.
        var start = at + 1
        var end = start
        while end < bytes.count, !endsName(bytes[end]) {
            if bytes[end] == UInt8(ascii: ":") { start = end + 1 }
            end += 1
        }
        guard end < bytes.count else { return false }
        let name = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        return topLevel.contains { $0.count == name.count && $0.elementsEqual(name) }
    }

    private static func endsName(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A || byte == UInt8(ascii: "/")
            || byte == UInt8(ascii: ">")
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
