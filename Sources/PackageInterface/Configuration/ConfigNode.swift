/// A configuration file as a tree of plain values, each with its line: what
/// the loader hands to every section, so that no package needs a YAML library.
public indirect enum ConfigNode: Sendable, Hashable {
    case scalar(String, line: Int?)
    case mapping([ConfigPair], line: Int?)
    case sequence([ConfigNode], line: Int?)

    /// Where the value starts in the file (1-based), when known.
    public var line: Int? {
        switch self {
        case .scalar(_, let line), .mapping(_, let line), .sequence(_, let line): line
        }
    }

    /// The text of a scalar, or `nil` for a mapping or a list.
    public var scalar: String? {
        if case .scalar(let text, _) = self { return text }
        return nil
    }

    /// The items of a list, or `nil`.
    public var sequence: [ConfigNode]? {
        if case .sequence(let items, _) = self { return items }
        return nil
    }
}

/// One `key: value` of a mapping, with the line of its key.
public struct ConfigPair: Sendable, Hashable {
    public var key: String
    public var keyLine: Int?
    public var value: ConfigNode

    public init(key: String, keyLine: Int?, value: ConfigNode) {
        self.key = key
        self.keyLine = keyLine
        self.value = value
    }
}
