import Foundation
import KCCModel
import Ledger
import SystemErrors

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every decision of one refund file, in file order, kept in a temporary file rather than in memory: a file
/// of a million refunds is decided, reported and recorded with only a few hundred decisions in memory at once.
///
/// The file is made in a temporary folder (``Writer/init()``) and its name removed at once, so it
/// leaves nothing behind, whatever ends the process; it is closed when the last reference goes. Each pass
/// (``read(only:_:)``) reads it from the start on its own, so several threads may read it at the same time.
///
/// The decisions may also be read while they are still being made (``Writer/following()``): a pass then waits
/// at the end of what is written so far for more, and ends where the writer finished, or fails where it gave up.
package final class RefundDecisions: Sendable {
    /// The temporary file, or -1 when there are no decisions.
    private let descriptor: Int32
    /// How many bytes of it hold decisions, once all are written.
    private let size: Int
    /// Decisions being written, while they are: how far the writer has got.
    private let growth: Growth?
    /// How many decisions it holds (followed while they are written: how many so far).
    package var count: Int { growth?.written.count ?? fixedCount }
    private let fixedCount: Int

    /// No decisions (a file refused before any refund was decided).
    package static let none = RefundDecisions(descriptor: -1, size: 0, count: 0)

    fileprivate init(descriptor: Int32, size: Int, count: Int, growth: Growth? = nil) {
        self.descriptor = descriptor
        self.size = size
        self.fixedCount = count
        self.growth = growth
    }

    /// How many bytes hold decisions, from the start of the file, once there are more than `offset` or no more
    /// will come; followed while they are written, it waits for that, and throws when the writer gave up.
    fileprivate func written(beyond offset: Int) throws -> Int {
        guard let growth else { return size }
        return try growth.bytes(beyond: offset)
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// Kinds of decision a pass may be limited to: the others are passed over without being read.
    package struct Kinds: OptionSet, Sendable {
        package let rawValue: UInt8
        package init(rawValue: UInt8) { self.rawValue = rawValue }

        /// Applied: in the KCC payment import.
        package static let applied = Kinds(rawValue: 1)
        /// Listed for a person (``RefundDecision/needsPerson``).
        package static let needingPerson = Kinds(rawValue: 2)
        package static let duplicate = Kinds(rawValue: 4)

        init(of decision: RefundDecision) {
            var kinds: Kinds = []
            if decision.outcome.isApplied { kinds.insert(.applied) }
            if decision.needsPerson { kinds.insert(.needingPerson) }
            if decision.outcome == .duplicate { kinds.insert(.duplicate) }
            self = kinds
        }
    }

    /// Runs `body` with one pass over the decisions, in file order; with `only`, over those of these kinds. A
    /// pass that could not read them back (the disk failing under the temporary file) ends early, and `read`
    /// then throws instead of returning.
    package func read<T>(only kinds: Kinds? = nil, _ body: (Pass) throws -> T) throws -> T {
        let failure = FailureBox()
        let result = try body(Pass(owner: self, kinds: kinds, failure: failure))
        if let error = failure.error { throw error }
        return result
    }

    /// Every decision at once, for tests and small files.
    package func all() throws -> [RefundDecision] {
        try read { Array($0) }
    }

    /// One pass over the decisions.
    package struct Pass: Sequence {
        fileprivate let owner: RefundDecisions
        fileprivate let kinds: Kinds?
        fileprivate let failure: FailureBox

        package func makeIterator() -> Iterator {
            Iterator(owner: owner, kinds: kinds, failure: failure)
        }

        package var underestimatedCount: Int { 0 }
    }

    /// Reads the file a block at a time and decodes one decision after another.
    package struct Iterator: IteratorProtocol {
        private let owner: RefundDecisions
        private let kinds: Kinds?
        private let failure: FailureBox
        private var buffer: [UInt8] = []
        /// Where the next decision starts in `buffer`.
        private var start = 0
        /// The file's offset of the byte after `buffer`'s last.
        private var offset = 0

        fileprivate init(owner: RefundDecisions, kinds: Kinds?, failure: FailureBox) {
            self.owner = owner
            self.kinds = kinds
            self.failure = failure
        }

        /// Each decision is its length (4 bytes), its kinds (1 byte), then what ``DecisionBytes`` wrote.
        package mutating func next() -> RefundDecision? {
            guard failure.error == nil else { return nil }
            do {
                while try fill(5) {
                    let length = buffer.withUnsafeBytes {
                        Int(UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: start, as: UInt32.self)))
                    }
                    guard length >= 1, try fill(4 + length) else {
                        throw RefundDecisions.damaged("it ends inside a decision")
                    }
                    defer { start += 4 + length }
                    if let kinds, Kinds(rawValue: buffer[start + 4]).isDisjoint(with: kinds) { continue }
                    var cursor = DecisionCursor(buffer, from: start + 5, to: start + 4 + length)
                    return try cursor.decision()
                }
                return nil
            } catch {
                failure.error = error
                return nil
            }
        }

        /// Makes sure `count` bytes from `start` are in the buffer; `false` at the end of the decisions.
        private mutating func fill(_ count: Int) throws -> Bool {
            if buffer.count - start >= count { return true }
            if start > 0 {
                buffer.removeSubrange(0..<start)
                start = 0
            }
            while buffer.count < count {
                let wanted = min(
                    max(count - buffer.count, RefundDecisions.block), try owner.written(beyond: offset) - offset)
                guard wanted > 0 else {
                    if buffer.isEmpty { return false }
                    throw RefundDecisions.damaged("it ends inside a decision")
                }
                let before = buffer.count
                buffer.append(contentsOf: repeatElement(0, count: wanted))
                let got = buffer.withUnsafeMutableBytes { raw in
                    pread(owner.descriptor, raw.baseAddress.map { $0 + before }, wanted, off_t(offset))
                }
                if got < 0, errno == EINTR {
                    buffer.removeSubrange(before...)
                    continue
                }
                guard got > 0 else {
                    let why = got < 0 ? Errno.describe(errno) : "it is shorter than was written"
                    buffer.removeSubrange(before...)
                    throw RefundDecisions.damaged(why)
                }
                buffer.removeSubrange((before + got)...)
                offset += got
            }
            return true
        }
    }

    /// The first error of a pass, seen by the pass's iterators and by ``read(only:_:)``.
    fileprivate final class FailureBox: @unchecked Sendable {
        var error: (any Error)?
    }

    /// Bytes read or written at once.
    fileprivate static let block = 256 * 1024

    fileprivate static func damaged(_ why: String) -> ReconcileRefusal {
        ReconcileRefusal("the decisions kept in a temporary file could not be read back (\(why))")
    }

    /// How far a writer has got, told to the passes following it from other threads.
    fileprivate final class Growth: @unchecked Sendable {
        private let condition = NSCondition()
        /// Bytes and decisions written so far (guarded by `condition`).
        private var size = 0
        private var decisions = 0
        /// `nil` while the writer writes; then what became of it (guarded by `condition`).
        private var end: Result<Void, ReconcileRefusal>?

        var written: (bytes: Int, count: Int) {
            condition.lock()
            defer { condition.unlock() }
            return (size, decisions)
        }

        func grew(to size: Int, count: Int) {
            condition.lock()
            (self.size, decisions) = (size, count)
            condition.broadcast()
            condition.unlock()
        }

        func ended(_ result: Result<Void, ReconcileRefusal>) {
            condition.lock()
            if end == nil { end = result }
            condition.broadcast()
            condition.unlock()
        }

        func bytes(beyond offset: Int) throws -> Int {
            condition.lock()
            defer { condition.unlock() }
            while size <= offset && end == nil { condition.wait() }
            if case .failure(let reason) = end { throw reason }
            return size
        }
    }

    /// Writes decisions to a new temporary file, then hands it over as ``RefundDecisions``.
    package final class Writer {
        private let descriptor: Int32
        /// Where the file is.
        private let folder: String
        private var buffer: [UInt8] = []
        private var size = 0
        private var count = 0
        private var handedOver = false
        /// Told how far the writing has got, once something follows it.
        private var growth: Growth?

        /// A new temporary file in the first of `TMPDIR`, `/var/tmp` and `/tmp` where one can be made (as SQLite
        /// looks for its own); throws, naming each folder and why, when none can.
        package init() throws {
            let environment = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 }
            var failures: [String] = []
            for folder in [environment, "/var/tmp", "/tmp"].compactMap(\.self) {
                var template = Array("\(folder)/kccbridge-decisions.XXXXXX".utf8CString)
                let fd = template.withUnsafeMutableBufferPointer { name in
                    name.baseAddress.map { mkstemp($0) } ?? -1
                }
                guard fd >= 0 else {
                    failures.append("\(folder): \(Errno.describe(errno))")
                    continue
                }
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                // The name goes at once: the file is the process's alone, and goes with it.
                template.withUnsafeBufferPointer { name in _ = name.baseAddress.map { unlink($0) } }
                descriptor = fd
                self.folder = folder
                buffer.reserveCapacity(RefundDecisions.block + 4096)
                return
            }
            throw ReconcileRefusal(
                "no temporary file for the decisions could be made (\(failures.joined(separator: "; ")))")
        }

        deinit {
            guard !handedOver else { return }
            growth?.ended(.failure(Self.gaveUp))
            close(descriptor)
        }

        /// The decisions as they are written, to be read on another thread meanwhile: each pass waits at the end
        /// of those written so far (they are handed on a block at a time, and the rest at ``finish()``) and ends
        /// with the last; when the writer gives up instead (``abandon()``, or it goes unfinished), the pass fails.
        package func following() throws -> RefundDecisions {
            let copy = dup(descriptor)
            guard copy >= 0 else {
                throw ReconcileRefusal(
                    "the decisions kept in a temporary file could not be read as they were made: \(Errno.describe(errno))"
                )
            }
            _ = fcntl(copy, F_SETFD, FD_CLOEXEC)
            let growth = self.growth ?? Growth()
            growth.grew(to: size, count: count)
            self.growth = growth
            return RefundDecisions(descriptor: copy, size: 0, count: 0, growth: growth)
        }

        /// No more decisions will be written: what follows them fails instead of waiting.
        package func abandon() {
            growth?.ended(.failure(Self.gaveUp))
        }

        private static let gaveUp = ReconcileRefusal("the refunds were not all decided, so nothing of them is recorded")

        /// Adds `decision` after those written before.
        package func append(_ decision: RefundDecision) throws {
            let at = buffer.count
            buffer.append(contentsOf: [0, 0, 0, 0, Kinds(of: decision).rawValue])
            DecisionBytes.put(decision, into: &buffer)
            let length = UInt32(buffer.count - at - 4)
            withUnsafeBytes(of: length.littleEndian) { bytes in
                for index in 0..<4 { buffer[at + index] = bytes[index] }
            }
            count += 1
            if buffer.count >= RefundDecisions.block { try flush() }
        }

        private func flush() throws {
            var done = 0
            while done < buffer.count {
                let wrote = buffer.withUnsafeBytes { raw in
                    pwrite(descriptor, raw.baseAddress.map { $0 + done }, raw.count - done, off_t(size + done))
                }
                if wrote < 0, errno == EINTR { continue }
                guard wrote > 0 else {
                    throw ReconcileRefusal(
                        "the decisions could not be kept in a temporary file in \(folder): \(Errno.describe(wrote < 0 ? errno : EIO))"
                    )
                }
                done += wrote
            }
            size += done
            buffer.removeAll(keepingCapacity: true)
            growth?.grew(to: size, count: count)
        }

        /// Every decision appended, to be read as often as needed.
        package func finish() throws -> RefundDecisions {
            precondition(!handedOver, "the decisions were handed over already")
            do {
                try flush()
            } catch {
                abandon()
                throw error
            }
            handedOver = true
            growth?.ended(.success(()))
            return RefundDecisions(descriptor: descriptor, size: size, count: count)
        }
    }
}

/// A decision as bytes: numbers as LEB128 (negative ones as their 64-bit pattern), text as its length then its
/// UTF-8, an absent value as 0 and a present one as 1 before it, a list as its length then its elements.
private enum DecisionBytes {
    static func put(_ d: RefundDecision, into out: inout [UInt8]) {
        put(d.refund, into: &out)
        put(d.outcome.rawValue, into: &out)
        put(d.reason, into: &out)
        put(d.evidence, into: &out)
        put(d.creditNote, into: &out)
        put(d.orderNumber, into: &out)
        put(d.customerName, into: &out)
        put(d.candidates, into: &out)
        put(d.suggestions, into: &out)
        put(d.steps.count, into: &out)
        for step in d.steps { put(step, into: &out) }
        put(d.parts, into: &out)
        put(d.resolution != nil, into: &out)
        if let resolution = d.resolution { put(resolution, into: &out) }
        put(d.recorded, into: &out)
        put(d.earlier.count, into: &out)
        for applied in d.earlier { put(applied, into: &out) }
        put(d.earlierCount, into: &out)
    }

    static func put(_ r: Refund, into out: inout [UInt8]) {
        put(r.system, into: &out)
        put(r.location, into: &out)
        put(r.id, into: &out)
        put(r.date, into: &out)
        put(r.amount, into: &out)
        put(r.creditNote, into: &out)
        put(r.orderNumber, into: &out)
        put(r.reference, into: &out)
        put(r.method, into: &out)
        put(r.customer, into: &out)
        put(r.problems.count, into: &out)
        for problem in r.problems {
            put(problem.severity.rawValue, into: &out)
            put(problem.location, into: &out)
            put(problem.field, into: &out)
            put(problem.document, into: &out)
            put(problem.message, into: &out)
        }
        put(r.isVoided, into: &out)
    }

    static func put(_ step: ResolutionStep, into out: inout [UInt8]) {
        switch step {
        case .fixSourceFile:
            put(0, into: &out)
        case .copyOrderAsCreditNote(let order):
            put(1, into: &out)
            put(order, into: &out)
        case .match(let refundID, let creditNote):
            put(2, into: &out)
            put(refundID, into: &out)
            put(creditNote, into: &out)
        case .ignore(let refundID):
            put(3, into: &out)
            put(refundID, into: &out)
        case .reverseInKCC(let refundID):
            put(4, into: &out)
            put(refundID, into: &out)
        case .checkSource(let refundID, let system):
            put(5, into: &out)
            put(refundID, into: &out)
            put(system, into: &out)
        }
    }

    static func put(_ r: Resolution, into out: inout [UInt8]) {
        put(r.refundID, into: &out)
        put(r.sourceSystem, into: &out)
        switch r.decision {
        case .ignore:
            put(0, into: &out)
        case .match(let creditNote):
            put(1, into: &out)
            put(creditNote, into: &out)
        case .split(let parts):
            put(2, into: &out)
            put(parts, into: &out)
        }
        put(r.note, into: &out)
        put(r.decidedBy, into: &out)
        put(Int(r.decidedAt.millisecondsSinceEpoch), into: &out)
    }

    static func put(_ a: AppliedRefund, into out: inout [UInt8]) {
        put(a.refund.refundID, into: &out)
        put(a.refund.sourceSystem, into: &out)
        put(a.refund.creditNote, into: &out)
        put(a.refund.amount, into: &out)
        put(a.refund.date, into: &out)
        put(Int(a.run.rawValue), into: &out)
        put(Int(a.appliedAt.millisecondsSinceEpoch), into: &out)
    }

    static func put(_ parts: [CreditNotePart], into out: inout [UInt8]) {
        put(parts.count, into: &out)
        for part in parts {
            put(part.creditNote, into: &out)
            put(part.amount, into: &out)
        }
    }

    static func put(_ l: SourceLocation, into out: inout [UInt8]) {
        put(l.file, into: &out)
        put(l.line, into: &out)
        put(l.column, into: &out)
    }

    static func put(_ date: CalendarDate?, into out: inout [UInt8]) {
        put(date?.packed, into: &out)
    }

    static func put(_ money: Money?, into out: inout [UInt8]) {
        guard let money else { return out.append(0) }
        out.append(1)
        put(money.currency.code, into: &out)
        put(Int(money.minorUnits), into: &out)
    }

    static func put(_ value: Int, into out: inout [UInt8]) {
        var rest = UInt64(bitPattern: Int64(value))
        while rest >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: rest) | 0x80)
            rest >>= 7
        }
        out.append(UInt8(rest))
    }

    static func put(_ value: Int?, into out: inout [UInt8]) {
        guard let value else { return out.append(0) }
        out.append(1)
        put(value, into: &out)
    }

    static func put(_ flag: Bool, into out: inout [UInt8]) {
        out.append(flag ? 1 : 0)
    }

    static func put(_ text: String, into out: inout [UInt8]) {
        var text = text
        text.withUTF8 { bytes in
            put(bytes.count, into: &out)
            out.append(contentsOf: bytes)
        }
    }

    static func put(_ text: String?, into out: inout [UInt8]) {
        guard let text else { return out.append(0) }
        out.append(1)
        put(text, into: &out)
    }

    static func put(_ texts: [String], into out: inout [UInt8]) {
        put(texts.count, into: &out)
        for text in texts { put(text, into: &out) }
    }
}

/// Reads back what ``DecisionBytes`` wrote; anything else is damage, said as such.
private struct DecisionCursor {
    private let bytes: [UInt8]
    private var at: Int
    private let end: Int

    init(_ bytes: [UInt8], from start: Int, to end: Int) {
        self.bytes = bytes
        self.at = start
        self.end = end
    }

    private static func damaged(_ what: String) -> ReconcileRefusal {
        RefundDecisions.damaged("\(what) was not as written")
    }

    private static func required<T>(_ value: T?, _ what: String) throws -> T {
        guard let value else { throw damaged(what) }
        return value
    }

    mutating func decision() throws -> RefundDecision {
        let refund = try refund()
        guard let outcome = RefundOutcome(rawValue: try text()) else { throw Self.damaged("an outcome") }
        var d = RefundDecision(
            refund: refund, outcome: outcome, reason: try text(), evidence: try texts(),
            creditNote: try optionalText(), orderNumber: try optionalText())
        d.customerName = try optionalText()
        d.candidates = try texts()
        d.suggestions = try texts()
        d.steps = try (0..<count()).map { _ in try step() }
        d.parts = try parts()
        d.resolution = try flag() ? try resolution() : nil
        d.recorded = try flag()
        d.earlier = try (0..<count()).map { _ in try applied() }
        d.earlierCount = try number()
        guard at == end else { throw Self.damaged("the end of a decision") }
        return d
    }

    private mutating func refund() throws -> Refund {
        var r = Refund(
            system: try text(), location: try location(), id: try text(), date: try date(), amount: try money(),
            creditNote: try optionalText(), orderNumber: try optionalText(), reference: try optionalText(),
            method: try optionalText(), customer: try optionalText())
        r.problems = try (0..<count()).map { _ in
            guard let severity = Finding.Severity(rawValue: try text()) else { throw Self.damaged("a severity") }
            return Finding(
                severity, at: try location(), field: try optionalText(), document: try optionalText(), try text())
        }
        r.isVoided = try flag()
        return r
    }

    private mutating func step() throws -> ResolutionStep {
        switch try number() {
        case 0: .fixSourceFile
        case 1: .copyOrderAsCreditNote(order: try optionalText())
        case 2: .match(refundID: try text(), creditNote: try optionalText())
        case 3: .ignore(refundID: try text())
        case 4: .reverseInKCC(refundID: try text())
        case 5: .checkSource(refundID: try text(), system: try text())
        default: throw Self.damaged("a resolution step")
        }
    }

    private mutating func resolution() throws -> Resolution {
        let refundID = try text()
        let system = try optionalText()
        let decision: Resolution.Decision =
            switch try number() {
            case 0: .ignore
            case 1: .match(creditNote: try text())
            case 2: .split(try parts())
            default: throw Self.damaged("a resolution")
            }
        return Resolution(
            refundID: refundID, sourceSystem: system, decision: decision, note: try text(), decidedBy: try text(),
            decidedAt: Timestamp(millisecondsSinceEpoch: Int64(try number())))
    }

    private mutating func applied() throws -> AppliedRefund {
        let refund = RefundApplication(
            refundID: try text(), sourceSystem: try text(), creditNote: try text(),
            amount: try Self.required(money(), "an applied refund's amount"), date: try date())
        return AppliedRefund(
            refund: refund, run: RunID(Int64(try number())),
            appliedAt: Timestamp(millisecondsSinceEpoch: Int64(try number())))
    }

    private mutating func parts() throws -> [CreditNotePart] {
        try (0..<count()).map { _ in
            CreditNotePart(creditNote: try text(), amount: try Self.required(money(), "a part's amount"))
        }
    }

    private mutating func location() throws -> SourceLocation {
        SourceLocation(file: try text(), line: try optionalNumber(), column: try optionalNumber())
    }

    private mutating func date() throws -> CalendarDate? {
        guard let packed = try optionalNumber() else { return nil }
        guard let date = CalendarDate(packed: packed) else {
            throw Self.damaged("a date")
        }
        return date
    }

    private mutating func money() throws -> Money? {
        guard try flag() else { return nil }
        guard let currency = Currency(code: try text()) else { throw Self.damaged("a currency") }
        return Money(minorUnits: Int64(try number()), currency: currency)
    }

    private mutating func byte() throws -> UInt8 {
        guard at < end else { throw Self.damaged("a value past the end of a decision") }
        defer { at += 1 }
        return bytes[at]
    }

    private mutating func number() throws -> Int {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw Self.damaged("a number") }
            value |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return Int(Int64(bitPattern: value)) }
            shift += 7
        }
    }

    private mutating func count() throws -> Int {
        let n = try number()
        guard n >= 0, n <= end - at else { throw Self.damaged("a length") }
        return n
    }

    private mutating func optionalNumber() throws -> Int? {
        try flag() ? try number() : nil
    }

    private mutating func flag() throws -> Bool {
        switch try byte() {
        case 0: false
        case 1: true
        default: throw Self.damaged("a flag")
        }
    }

    private mutating func text() throws -> String {
        let n = try count()
        defer { at += n }
        return bytes.withUnsafeBufferPointer {
            String(decoding: UnsafeBufferPointer(rebasing: $0[at..<at + n]), as: UTF8.self)
        }
    }

    private mutating func optionalText() throws -> String? {
        try flag() ? try text() : nil
    }

    private mutating func texts() throws -> [String] {
        try (0..<count()).map { _ in try text() }
    }
}
