import SystemErrors

/// Why an output could not be written. An output that fails is never trusted
/// afterwards: its temporary file is removed and nothing takes its place.
public struct OutputError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: Sendable, Hashable {
        /// The final name is taken; outputs are never silently overwritten.
        case exists
        /// A system call failed with this errno.
        case system(call: String, errno: Int32)
    }

    public var code: Code
    public var path: String

    public init(_ code: Code, path: String) {
        self.code = code
        self.path = path
    }

    public var description: String {
        switch code {
        case .exists:
            return "\(path) already exists; it is left as it is (move it away, or write somewhere else)"
        case .system(let call, let errno):
            return "\(path) could not be written (\(call) failed: \(Errno.describe(errno)))"
        }
    }
}
