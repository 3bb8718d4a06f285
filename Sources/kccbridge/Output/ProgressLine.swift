import Foundation
import KCCModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line on standard error (a terminal) that says how far the work got:
/// documents and megabytes read, the rate and the time left. It is redrawn at
/// most four times a second and wiped before anything else is printed.
///
/// The reading thread reports how far it got while the command's thread
/// counts documents and prints: every use takes the lock.
final class ProgressLine: @unchecked Sendable {
    private let lock = NSLock()
    private var name = ""
    private var documents = 0
    private var shown = false
    /// Milliseconds on the monotonic clock.
    private var lastDraw = 0
    private var stepStarted = 0
    private var step: WorkProgress.Step?

    /// Starts on the file `name`.
    func start(_ name: String) {
        lock.lock()
        defer { lock.unlock() }
        self.name = name
        documents = 0
        step = nil
    }

    /// More documents read or decided (one, unless told).
    func documentsDone(_ count: Int = 1) {
        lock.lock()
        documents += count
        lock.unlock()
    }

    /// The hook handed to the library, stopping when `stop` says so.
    func hook(stop: @escaping () -> Bool) -> WorkProgress {
        WorkProgress(
            onAdvance: { [weak self] step, done, total, items in self?.advance(step, done, total, items) },
            shouldStop: stop)
    }

    private func advance(_ step: WorkProgress.Step, _ done: Int, _ total: Int?, _ items: Int?) {
        lock.lock()
        defer { lock.unlock() }
        let now = Self.now()
        if step != self.step {
            self.step = step
            stepStarted = now
        }
        guard now - lastDraw >= 250 else { return }
        lastDraw = now
        draw(
            Self.text(
                name: name, step: step, done: done, total: total, documents: items ?? documents,
                milliseconds: now - stepStarted))
    }

    /// The words of the line; `milliseconds` is the time spent on this step so far, `documents` the documents
    /// read or refunds decided.
    /// Integers throughout: tenths of a megabyte, whole seconds rounded up.
    static func text(
        name: String, step: WorkProgress.Step, done: Int, total: Int?, documents: Int, milliseconds: Int
    )
        -> String
    {
        func megabytes(_ bytes: Int) -> String {
            let tenths = bytes / 100_000
            return "\(tenths / 10).\(tenths % 10)"
        }
        func perSecond(_ count: Int) -> Int { count * 1_000 / max(milliseconds, 1) }
        var left = ""
        if let total, done > 0, milliseconds >= 1_000, total > done {
            let remaining = (total - done) * milliseconds / done
            let seconds = (remaining + 999) / 1_000
            left =
                seconds < 60
                ? ", about \(seconds) s left in this pass"
                : ", about \((seconds + 59) / 60) min left in this pass"
        }
        let of = total.map { " of \(megabytes($0))" } ?? ""
        switch step {
        case .surveying:
            return "\(name): pass 1 of 2, checking the whole file: \(megabytes(done))\(of) MB read\(left)"
        case .reading:
            let rate = milliseconds >= 1_000 ? ", \(perSecond(documents)) documents/s" : ""
            return "\(name): pass 2 of 2: \(documents) documents, \(megabytes(done))\(of) MB read\(rate)\(left)"
        case .deciding:
            let rate = milliseconds >= 1_000 ? ", \(perSecond(documents)) refunds/s" : ""
            let read = total.map { " (\(megabytes(done)) of \(megabytes($0)) MB read)" } ?? ""
            return "\(name): \(documents) refunds decided\(read)\(rate)\(left)"
        }
    }

    private func draw(_ text: String) {
        writeError("\r" + text + "\u{1B}[K")
        shown = true
    }

    /// Wipes the line, so the next line printed starts clean.
    func clear() {
        lock.lock()
        defer { lock.unlock() }
        guard shown else { return }
        writeError("\r\u{1B}[K")
        shown = false
    }

    /// Milliseconds on the monotonic clock.
    private static func now() -> Int {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int(time.tv_sec) * 1_000 + Int(time.tv_nsec) / 1_000_000
    }
}

/// Writes `text` to standard error as it is, with no line break.
func writeError(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
