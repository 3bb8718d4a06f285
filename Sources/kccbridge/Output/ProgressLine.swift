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
    private var lastDraw = 0.0
    private var stepStarted = 0.0
    private var step: WorkProgress.Step?

    /// Starts on the file `name`.
    func start(_ name: String) {
        lock.lock()
        defer { lock.unlock() }
        self.name = name
        documents = 0
        step = nil
    }

    /// One more document read or decided.
    func documentDone() {
        lock.lock()
        documents += 1
        lock.unlock()
    }

    /// The hook handed to the library, stopping when `stop` says so.
    func hook(stop: @escaping () -> Bool) -> WorkProgress {
        WorkProgress(onAdvance: { [weak self] step, done, total in self?.advance(step, done, total) }, shouldStop: stop)
    }

    private func advance(_ step: WorkProgress.Step, _ done: Int, _ total: Int?) {
        lock.lock()
        defer { lock.unlock() }
        let now = Self.now()
        if step != self.step {
            self.step = step
            stepStarted = now
        }
        guard now - lastDraw >= 0.25 else { return }
        lastDraw = now
        draw(
            Self.text(
                name: name, step: step, done: done, total: total, documents: documents, seconds: now - stepStarted))
    }

    /// The words of the line; `seconds` is the time spent on this step so far.
    static func text(
        name: String, step: WorkProgress.Step, done: Int, total: Int?, documents: Int, seconds: Double
    )
        -> String
    {
        func megabytes(_ bytes: Int) -> String { String(format: "%.1f", Double(bytes) / 1_000_000) }
        var left = ""
        if let total, done > 0, seconds >= 1, total > done {
            let remaining = Double(total - done) * seconds / Double(done)
            left =
                remaining < 60
                ? ", about \(Int(remaining.rounded(.up))) s left in this pass"
                : ", about \(Int((remaining / 60).rounded(.up))) min left in this pass"
        }
        let of = total.map { " of \(megabytes($0))" } ?? ""
        switch step {
        case .surveying:
            return "\(name): pass 1 of 2, checking the whole file: \(megabytes(done))\(of) MB read\(left)"
        case .reading:
            let rate = seconds >= 1 ? ", \(Int(Double(documents) / seconds)) documents/s" : ""
            return "\(name): pass 2 of 2: \(documents) documents, \(megabytes(done))\(of) MB read\(rate)\(left)"
        case .deciding:
            let rate = seconds >= 1 ? ", \(Int(Double(done) / seconds)) refunds/s" : ""
            return "\(name): \(done)\(total.map { " of \($0)" } ?? "") refunds decided\(rate)\(left)"
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

    private static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}

/// Writes `text` to standard error as it is, with no line break.
func writeError(_ text: String) {
    let bytes = Array(text.utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
