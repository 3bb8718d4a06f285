/// A configuration file as a tree of plain values, each with its line: what
/// the loader hands to every section, so that no package needs a YAML library.
package indirect enum ConfigNode: Sendable, Hashable {
    case scalar(String, line: Int?)
    case mapping([ConfigPair], line: Int?)
    case sequence([ConfigNode], line: Int?)

    /// Where the value starts in the file (1-based), when known.
    package var line: Int? {
        switch self {
        case .scalar(_, let line), .mapping(_, let line), .sequence(_, let line): line
        }
    }

    /// The text of a scalar, or `nil` for a mapping or a list.
    package var scalar: String? {
        if case .scalar(let text, _) = self { return text }
        return nil
    }

    /// The items of a list, or `nil`.
    package var sequence: [ConfigNode]? {
        if case .sequence(let items, _) = self { return items }
        return nil
    }
}

/// One `key: value` of a mapping, with the line of its key.
package struct ConfigPair: Sendable, Hashable {
    package var key: String
    package var keyLine: Int?
    package var value: ConfigNode

    package init(key: String, keyLine: Int?, value: ConfigNode) {
        self.key = key
        self.keyLine = keyLine
        self.value = value
    }
}
