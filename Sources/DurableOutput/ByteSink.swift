/// Somewhere bytes go: a durable file, standard output, memory.
public protocol ByteSink: AnyObject {
    func write(_ bytes: [UInt8]) throws(OutputError)
}

/// Collects bytes in memory (tests, small outputs).
public final class MemorySink: ByteSink {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public func write(_ bytes: [UInt8]) throws(OutputError) {
        self.bytes.append(contentsOf: bytes)
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }
}
