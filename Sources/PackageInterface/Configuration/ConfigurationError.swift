/// Why a configuration file cannot be used: every problem in it, each with its
/// line and the key as written (`channels.rules[2].sales_account`).
package struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    package struct Problem: Sendable, Hashable, CustomStringConvertible {
        package var line: Int?
        package var key: String
        package var message: String

        package init(line: Int?, key: String, message: String) {
            self.line = line
            self.key = key
            self.message = message
        }

        /// `channels.rules[2].sales_account: must not be empty`; the whole file's own problems in words.
        package var description: String {
            switch key {
            case "(file)": "the configuration file \(message)"
            case "(syntax)": "the configuration \(message)"
            default: "\(key): \(message)"
            }
        }
    }

    package var file: String
    package var problems: [Problem]

    package init(file: String, problems: [Problem]) {
        self.file = file
        self.problems = problems
    }

    package var description: String {
        problems.map { problem in
            let place = problem.line.map { "\(file):\($0)" } ?? file
            return "\(place): error: \(problem)"
        }.joined(separator: "\n")
    }
}
