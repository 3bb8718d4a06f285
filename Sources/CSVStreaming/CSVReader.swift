#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads RFC 4180 CSV one record at a time, straight from bytes, in constant memory.
///
/// Quoted fields may hold commas, `""` and line breaks; lines end in CRLF or LF;
/// a UTF-8 byte-order mark is dropped. Splitting works on bytes, never on
/// `Character`s (`"\r\n"` is one Swift `Character`, and a quote followed by a
/// combining mark would merge into one). Fields are decoded strictly in the
/// chosen encoding. Blank lines are passed over.
///
/// A problem confined to one record (a stray quote, bad bytes) comes back in
/// ``CSVRecord/problems`` and reading carries on; a problem that leaves the
/// rest of the file meaningless (an unterminated quote, a gigantic field)
/// throws ``CSVError`` and the whole file must be refused.
public final class CSVReader {
    /// Limits and choices for one reader.
    public struct Options: Sendable, Hashable {
        public var encoding: TextEncoding
        public var delimiter: UInt8
        /// The longest field accepted, in bytes.
        public var maxFieldBytes: Int
        /// The most fields in one record.
        public var maxFields: Int
        /// The largest file accepted, in bytes.
        public var maxFileBytes: Int

        public init(
            encoding: TextEncoding = .utf8, delimiter: UInt8 = UInt8(ascii: ","),
            maxFieldBytes: Int = 1 << 20, maxFields: Int = 1_000, maxFileBytes: Int = 4 << 30
        ) {
            self.encoding = encoding
            self.delimiter = delimiter
            self.maxFieldBytes = maxFieldBytes
            self.maxFields = maxFields
            self.maxFileBytes = maxFileBytes
        }
    }

    private let options: Options
    private var fd: Int32
    /// The bytes read and not yet handed out are `buffer[position..<count]`; `capacity` is its size.
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var position = 0
    private var count = 0
    private var atEnd = false
    private var atStart = true
    private var bytesRead = 0
    private var line = 1
    /// The field being gathered (its bytes, when they are kept), reused from record to record.
    private var field: UnsafeMutablePointer<UInt8>
    private var fieldCapacity = 256
    /// How many fields the last record had.
    private var lastWidth = 8

    private static let chunkSize = 64 * 1024

    /// Opens `path` for reading.
    public init(path: String, options: Options = Options()) throws(CSVError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CSVError(.unreadable(errno: errno), line: 0) }
        var info = stat()
        if fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw CSVError(.unreadable(errno: EISDIR), line: 0)
        }
        self.fd = fd
        self.options = options
        self.capacity = Self.chunkSize
        self.buffer = .allocate(capacity: Self.chunkSize)
        self.field = .allocate(capacity: fieldCapacity)
    }

    /// Reads from bytes already in memory (tests, small inputs).
    public init(bytes: [UInt8], options: Options = Options()) {
        self.fd = -1
        self.options = options
        let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
        bytes.withUnsafeBufferPointer { source in
            if let base = source.baseAddress { buffer.update(from: base, count: source.count) }
        }
        self.buffer = buffer
        self.capacity = max(bytes.count, 1)
        self.count = bytes.count
        self.atEnd = true
        self.bytesRead = bytes.count
        self.field = .allocate(capacity: fieldCapacity)
    }

    /// Handed every chunk as it is read from the file, in order (to hash the file in the same read).
    /// The bytes are valid only during the call.
    public var onChunk: ((UnsafeBufferPointer<UInt8>) -> Void)?

    /// Which fields, by index, are wanted: the others come back empty, their bytes neither
    /// kept nor decoded (for a pass that needs a few columns). `nil`, the default, wants all.
    ///
    /// Records end where they would, line numbers and the limits that refuse a file are the
    /// same; but a record may stop short after its last wanted field (when the rest of its line
    /// plainly holds no quote and cannot break a limit, it is passed over at once, and its
    /// problems are not looked for), and the bytes of a field not wanted are not checked
    /// against the encoding (a stray quote or a NUL in one before that point is still found).
    public var wantedFields: [Bool]? {
        didSet { skipFrom = wantedFields.flatMap { $0.lastIndex(of: true) }.map { $0 + 1 } }
    }
    /// The index of the first field after the last wanted one.
    private var skipFrom: Int?

    /// The bytes of the file handed out so far (for progress). Between records, where the next one starts.
    public var bytesConsumed: Int { bytesRead - (count - position) }

    /// The status of the file being read (`fstat`): which file it is, however its path is changed meanwhile.
    /// `nil` when reading from bytes in memory.
    public func fileStatus() -> stat? {
        var info = stat()
        return fd >= 0 && fstat(fd, &info) == 0 ? info : nil
    }

    /// The line the next record starts on, or past the last record, the line after it.
    public var nextLine: Int { line }

    /// Where reading stops: once the next record would start at or past this byte, ``nextRecord()``
    /// gives `nil` (for the first part of a file read in parts). `nil`, the default, reads to the end.
    public var stopAt: Int?

    /// Goes to `offset` of a file not read yet, where a record starts (a first pass found it), and numbers
    /// lines from `line` on: for a later part of a file read in parts. No byte-order mark is looked for there.
    public func start(at offset: Int, line: Int) throws(CSVError) {
        precondition(fd >= 0 && bytesRead == 0 && atStart, "a part starts before anything is read")
        guard lseek(fd, off_t(offset), SEEK_SET) == off_t(offset) else {
            throw CSVError(.unreadable(errno: errno), line: line)
        }
        bytesRead = offset
        self.line = line
        atStart = false
    }

    deinit {
        if fd >= 0 { close(fd) }
        buffer.deallocate()
        field.deallocate()
    }

    /// The next record, or `nil` at the end of the file.
    public func nextRecord() throws(CSVError) -> CSVRecord? {
        if let stopAt, bytesConsumed >= stopAt { return nil }
        if atStart {
            atStart = false
            try skipByteOrderMark()
        }
        if plainLines, let record = plainRecord() { return record }
        let quote = UInt8(ascii: "\"")
        let lf = UInt8(ascii: "\n")
        let cr = UInt8(ascii: "\r")
        let delimiter = options.delimiter
        let maxFieldBytes = options.maxFieldBytes
        let wanted = wantedFields

        enum State { case fieldStart, unquoted, quoted, quoteInQuoted }
        var state = State.fieldStart
        var fields: [String] = []
        // Records of a file are mostly as wide as the last: room for as many fields at once.
        fields.reserveCapacity(lastWidth)
        var problems: [CSVRecord.Problem] = []
        /// The field's length in bytes, and how many of them are kept in `field` (all, or none when not wanted).
        var fieldLength = 0
        var kept = 0
        // A field is kept when wanted; with no mask, every one (an empty mask wants none).
        var keep = wanted.map { !$0.isEmpty && $0[0] } ?? true
        /// The bits of every byte of the field OR-ed together: below 0x80, the field is ASCII.
        var fieldBits: UInt8 = 0
        var fieldStartLine = line
        var quoteOpenLine = line
        var recordLine = line
        var pendingCR = false
        var anyContent = false

        func problem(_ code: CSVRecord.Problem.Code) {
            // One of each kind per record is enough to hold it back and to say why.
            if !problems.contains(where: { $0.code == code }) {
                problems.append(CSVRecord.Problem(code, fieldIndex: fields.count, line: line))
            }
        }
        func append(_ bytes: UnsafePointer<UInt8>, _ n: Int) {
            fieldLength += n
            guard keep else { return }
            if kept + n > fieldCapacity { growField(toHold: kept + n) }
            (field + kept).update(from: bytes, count: n)
            kept += n
        }
        func append(_ byte: UInt8) {
            fieldLength += 1
            guard keep else { return }
            if kept == fieldCapacity { growField(toHold: kept + 1) }
            field[kept] = byte
            kept += 1
        }
        func endField() throws(CSVError) {
            let bytes = UnsafeBufferPointer(start: field, count: kept)
            if !keep || kept == 0 {
                fields.append("")
            } else if fieldBits < 0x80 {
                // ASCII is the same in both encodings and always valid: no decoding to do.
                fields.append(Self.asciiString(bytes))
            } else if let text = options.encoding.decode(bytes) {
                fields.append(text)
            } else {
                // Kept with replacement characters, so the rest of the row reads as
                // it is; the problem holds the record back.
                problem(.invalidEncoding(options.encoding))
                fields.append(String(decoding: bytes, as: UTF8.self))
            }
            kept = 0
            fieldLength = 0
            fieldBits = 0
            if fields.count > options.maxFields {
                let bareCR = problems.contains { $0.code == .bareCarriageReturn }
                throw CSVError(
                    bareCR ? .bareCarriageReturnLines : .tooManyFields(limit: options.maxFields), line: recordLine)
            }
            if let wanted { keep = fields.count < wanted.count && wanted[fields.count] }
            state = .fieldStart
            fieldStartLine = line
        }

        var triedSkipping = false

        while true {
            if position == count {
                if !(try refill()) { break }
            }
            // Past the last wanted field, at the start of a field: the rest of a plain line is passed over whole.
            if let skipFrom, !triedSkipping, state == .fieldStart, !pendingCR, fields.count >= skipFrom,
                !fields.isEmpty
            {
                triedSkipping = true
                if let end = plainLineEnd(fieldsSoFar: fields.count) {
                    position = end + 1
                    line += 1
                    return CSVRecord(fields: fields, line: recordLine, problems: problems)
                }
            }
            // Inside a field, the bytes up to the next one that means something are taken at once.
            if !pendingCR && (state == .unquoted || state == .quoted) {
                let (end, bits) = Self.plainRun(buffer, from: position, to: count, quoted: state == .quoted, delimiter)
                if end > position {
                    append(buffer + position, end - position)
                    fieldBits |= bits
                    position = end
                    if fieldLength > maxFieldBytes {
                        throw CSVError(.fieldTooLong(limit: maxFieldBytes), line: fieldStartLine)
                    }
                    continue
                }
            }
            let byte = buffer[position]
            position += 1
            fieldBits |= byte

            if pendingCR {
                pendingCR = false
                if byte != lf { problem(.bareCarriageReturn) }
            }
            if byte == 0 { problem(.nulByte) }

            switch state {
            case .quoted:
                if byte == quote {
                    state = .quoteInQuoted
                } else {
                    if byte == lf { line += 1 }
                    append(byte)
                }
            case .fieldStart, .unquoted, .quoteInQuoted:
                if byte == delimiter {
                    anyContent = true
                    try endField()
                } else if byte == lf {
                    line += 1
                    if anyContent || state != .fieldStart || fieldLength > 0 || !fields.isEmpty {
                        try endField()
                        lastWidth = fields.count
                        return CSVRecord(fields: fields, line: recordLine, problems: problems)
                    }
                    // A blank line: nothing to return; start afresh on the next.
                    recordLine = line
                    fieldStartLine = line
                    problems.removeAll()
                } else if byte == cr {
                    pendingCR = true
                } else if byte == quote {
                    if state == .fieldStart {
                        state = .quoted
                        quoteOpenLine = line
                        anyContent = true
                    } else if state == .quoteInQuoted {
                        append(quote)
                        state = .quoted
                    } else {
                        problem(.strayQuote)
                        append(byte)
                    }
                } else {
                    if state == .quoteInQuoted { problem(.strayQuote) }
                    state = .unquoted
                    anyContent = true
                    append(byte)
                }
            }
            if fieldLength > maxFieldBytes {
                throw CSVError(.fieldTooLong(limit: maxFieldBytes), line: fieldStartLine)
            }
        }

        if state == .quoted { throw CSVError(.unterminatedQuote, line: quoteOpenLine) }
        if anyContent || fieldLength > 0 || !fields.isEmpty {
            try endField()
            return CSVRecord(fields: fields, line: recordLine, problems: problems)
        }
        return nil
    }

    /// Whether a record on one plain line is split at once (``plainRecord()``): off only to test that it gives
    /// what the byte-by-byte reading gives.
    var plainLines = true

    /// The record at `position` when it is one plain line already in the buffer, split at its delimiters in
    /// one pass; `nil`, with nothing read, for any other (the byte-by-byte reading then takes it).
    ///
    /// Plain means what that reading would take without a second look: a line feed in the buffer; before it
    /// no NUL or carriage return (but one just before the line feed); not blank; a quote only around a whole
    /// field, with none inside it; no field longer than allowed, no more fields than allowed, every field
    /// wanted valid in the encoding. Such a line gives the same fields, line and (no) problems either way,
    /// and after the last wanted field the rest is passed over on the same terms.
    private func plainRecord() -> CSVRecord? {
        let start = buffer + position
        let available = count - position
        guard available > 0, let found = memchr(start, 0x0A, available) else { return nil }
        let lineFeed = UnsafeMutablePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self))
        var end = lineFeed
        if end > start && end[-1] == 0x0D { end -= 1 }
        let length = end - start
        guard length > 0, memchr(start, 0x0D, length) == nil, memchr(start, 0, length) == nil else { return nil }
        let anyQuote = memchr(start, 0x22, length) != nil
        let ascii = Self.isASCII(start, length)
        let delimiter = options.delimiter
        let maxFieldBytes = options.maxFieldBytes
        let wanted = wantedFields
        var fields: [String] = []
        fields.reserveCapacity(lastWidth)
        var fieldStart = start
        var passedOver = false
        while true {
            var content = fieldStart
            var cursor = fieldStart
            let contentEnd: UnsafeMutablePointer<UInt8>
            if !anyQuote {
                while cursor < end && cursor.pointee != delimiter { cursor += 1 }
                contentEnd = cursor
            } else if cursor < end && cursor.pointee == 0x22 {
                // Quoted: the next quote must close it, right before a delimiter or the line's end.
                content += 1
                guard let close = memchr(content, 0x22, end - content) else { return nil }
                contentEnd = UnsafeMutablePointer<UInt8>(close.assumingMemoryBound(to: UInt8.self))
                cursor = contentEnd + 1
                guard cursor == end || cursor.pointee == delimiter else { return nil }
            } else {
                while cursor < end && cursor.pointee != delimiter {
                    if cursor.pointee == 0x22 { return nil }
                    cursor += 1
                }
                contentEnd = cursor
            }
            let fieldLength = contentEnd - content
            guard fieldLength <= maxFieldBytes, fields.count < options.maxFields else { return nil }
            if fieldLength > 0, wanted.map({ fields.count < $0.count && $0[fields.count] }) ?? true {
                let bytes = UnsafeBufferPointer(start: content, count: fieldLength)
                if ascii {
                    fields.append(Self.asciiString(bytes))
                } else if let text = options.encoding.decode(bytes) {
                    fields.append(text)
                } else {
                    return nil
                }
            } else {
                fields.append("")
            }
            if cursor == end { break }
            fieldStart = cursor + 1
            // Past the last wanted field, the rest of the line is passed over as the byte-by-byte reading would:
            // it looks once, at the first field past it: a line too long to pass over then is read to its end.
            if let skipFrom, fields.count == skipFrom,
                mayPassOver(fieldStart, lineFeed - fieldStart, fieldsSoFar: fields.count)
            {
                passedOver = true
                break
            }
        }
        if !passedOver { lastWidth = fields.count }
        position = lineFeed + 1 - buffer
        line += 1
        return CSVRecord(fields: fields, line: line - 1, problems: [])
    }

    /// Whether the `count` bytes at `bytes` are all ASCII, a word at a time.
    private static func isASCII(_ bytes: UnsafeMutablePointer<UInt8>, _ count: Int) -> Bool {
        var bits: UInt64 = 0
        var index = 0
        let raw = UnsafeRawPointer(bytes)
        while index + 8 <= count {
            bits |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        var tail: UInt8 = 0
        while index < count {
            tail |= bytes[index]
            index += 1
        }
        return bits & 0x8080_8080_8080_8080 == 0 && tail < 0x80
    }

    /// The line feed ending the record from `position`, if the bytes before it, in the buffer,
    /// hold no quote (so the line feed is not inside a field) and are too few to break a limit:
    /// no field longer than the longest allowed, no more fields than allowed.
    private func plainLineEnd(fieldsSoFar: Int) -> Int? {
        let available = count - position
        guard available > 0, let found = memchr(buffer + position, 0x0A, available) else { return nil }
        let length = UnsafeMutablePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - (buffer + position)
        guard mayPassOver(buffer + position, length, fieldsSoFar: fieldsSoFar) else { return nil }
        return position + length
    }

    /// Whether the `length` bytes at `rest`, the rest of a line after `fieldsSoFar` fields, may be passed over
    /// unread: no quote among them (so the line's end is not inside a field), and too few to break a limit.
    private func mayPassOver(_ rest: UnsafeMutablePointer<UInt8>, _ length: Int, fieldsSoFar: Int) -> Bool {
        length <= options.maxFieldBytes && fieldsSoFar + length + 1 <= options.maxFields
            && memchr(rest, 0x22, length) == nil
    }

    /// Makes room in `field` for `needed` bytes, keeping what it holds.
    private func growField(toHold needed: Int) {
        var newCapacity = fieldCapacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        grown.update(from: field, count: fieldCapacity)
        field.deallocate()
        field = grown
        fieldCapacity = newCapacity
    }

    /// Where the run of plain bytes starting at `start` ends (the first delimiter, quote, line
    /// end or NUL; in a quoted field only a quote, a line feed or a NUL), and its bits OR-ed.
    @inline(__always)
    private static func plainRun(
        _ bytes: UnsafeMutablePointer<UInt8>, from start: Int, to end: Int, quoted: Bool, _ delimiter: UInt8
    ) -> (Int, UInt8) {
        var index = start
        var bits: UInt8 = 0
        if quoted {
            while index < end {
                let byte = bytes[index]
                if byte == 0x22 || byte == 0x0A || byte == 0 { break }
                bits |= byte
                index += 1
            }
        } else {
            while index < end {
                let byte = bytes[index]
                if byte == delimiter || byte == 0x22 || byte == 0x0A || byte == 0x0D || byte == 0 { break }
                bits |= byte
                index += 1
            }
        }
        return (index, bits)
    }

    /// ASCII bytes as a string, copied once, without validation (ASCII is always valid UTF-8).
    @inline(__always)
    private static func asciiString(_ source: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: source.count) { target in
            _ = target.initialize(fromContentsOf: source)
            return source.count
        }
    }

    /// Reads the rest of the file without parsing it: each chunk still goes to ``onChunk``, in order (to finish
    /// a hash of the whole file when its later part was parsed by another reader).
    public func readToEnd() throws(CSVError) {
        position = count
        while try refill() {}
    }

    /// All remaining records (convenient for small files and tests; not streaming).
    public func readAll() throws(CSVError) -> [CSVRecord] {
        var records: [CSVRecord] = []
        while let record = try nextRecord() { records.append(record) }
        return records
    }

    private func skipByteOrderMark() throws(CSVError) {
        guard options.encoding == .utf8 else { return }
        while count - position < 3 && !atEnd {
            // Keep what is there and read more; the first chunk is almost always enough.
            if !(try refill(keepingUnread: true)) { break }
        }
        if count - position >= 3, buffer[position] == 0xEF, buffer[position + 1] == 0xBB, buffer[position + 2] == 0xBF {
            position += 3
        }
    }

    /// Reads the next chunk. Returns `false` at the end of the file.
    private func refill(keepingUnread: Bool = false) throws(CSVError) -> Bool {
        guard !atEnd, fd >= 0 else { return false }
        let unread = keepingUnread ? count - position : 0
        if capacity < Self.chunkSize + unread {
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: Self.chunkSize + unread)
            grown.update(from: buffer + position, count: unread)
            buffer.deallocate()
            buffer = grown
            capacity = Self.chunkSize + unread
        } else if unread > 0 {
            memmove(buffer, buffer + position, unread)
        }
        var n: Int
        repeat {
            n = read(fd, buffer + unread, Self.chunkSize)
        } while n < 0 && errno == EINTR
        guard n >= 0 else { throw CSVError(.unreadable(errno: errno), line: line) }
        position = 0
        count = unread + n
        if n == 0 {
            atEnd = true
            return count > 0 && keepingUnread
        }
        bytesRead += n
        onChunk?(UnsafeBufferPointer(start: buffer + unread, count: n))
        if bytesRead > options.maxFileBytes { throw CSVError(.fileTooLarge(limit: options.maxFileBytes), line: line) }
        return true
    }
}
