/// Why a configuration file cannot be used: every problem in it, each with its
/// line and the key as written (`channels.rules[2].sales_account`).
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public var line: Int?
        public var key: String
        public var message: String

        public var description: String { "\(key): \(message)" }
    }

    public var file: String
    public var problems: [Problem]

    public var description: String {
        problems.map { problem in
            let place = problem.line.map { "\(file):\($0)" } ?? file
            return "\(place): error: \(problem)"
        }.joined(separator: "\n")
    }
}
