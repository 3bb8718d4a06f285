/// Why a configuration file cannot be used: every problem in it, each with its
/// line and the key as written (`channels.rules[2].sales_account`).
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        public var line: Int?
        public var key: String
        public var message: String

        public init(line: Int?, key: String, message: String) {
            self.line = line
            self.key = key
            self.message = message
        }

        public var description: String { "\(key): \(message)" }
    }

    public var file: String
    public var problems: [Problem]

    public init(file: String, problems: [Problem]) {
        self.file = file
        self.problems = problems
    }

    public var description: String {
        problems.map { problem in
            let place = problem.line.map { "\(file):\($0)" } ?? file
            return "\(place): error: \(problem)"
        }.joined(separator: "\n")
    }
}
