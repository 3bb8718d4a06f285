/// The bytes of a file made a row at a time, handed on in pieces of about 64 KB: the file is never
/// whole in memory, and what it goes to is not called for every row.
public struct OutputPieces {
    /// The bytes not yet handed on; rows are appended here.
    public var bytes: [UInt8]

    /// About how many bytes are handed on at a time.
    public static let size = 1 << 16

    public init(_ bytes: [UInt8] = []) {
        self.bytes = bytes
    }

    /// Hands the bytes gathered on to `out` once there is a piece's worth.
    public mutating func handOn(to out: ([UInt8]) throws -> Void) rethrows {
        guard bytes.count >= Self.size else { return }
        try out(bytes)
        bytes.removeAll(keepingCapacity: true)
    }

    /// Hands on what is left: the last piece, however small.
    public mutating func finish(to out: ([UInt8]) throws -> Void) rethrows {
        try out(bytes)
        bytes.removeAll()
    }
}
