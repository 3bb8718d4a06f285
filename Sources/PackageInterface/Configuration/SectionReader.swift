import KCCModel

/// Reads values out of a configuration tree strictly, collecting every problem
/// with its line and its key as written (`channels.rules[2].sales_account`):
/// the one place the rules for keys, texts, booleans and choices live, shared
/// by the core settings and every package's section.
package final class SectionReader {
    /// Every problem found so far, in file order.
    package private(set) var problems: [ConfigurationError.Problem] = []

    /// The folder of the configuration file: relative paths in it are read from there.
    package let folder: String?

    package init(folder: String? = nil) {
        self.folder = folder
    }

    /// A path as written in the configuration, made relative to its file's folder.
    package func path(_ text: String) -> String {
        guard let folder, !text.hasPrefix("/"), !folder.isEmpty else { return text }
        return folder + "/" + text
    }

    /// Records a problem at `node`'s line.
    package func problem(_ node: ConfigNode?, _ key: String, _ message: String) {
        problems.append(.init(line: node?.line, key: key, message: message))
    }

    /// Records a problem at a line.
    package func problem(line: Int?, _ key: String, _ message: String) {
        problems.append(.init(line: line, key: key, message: message))
    }

    /// The pairs of a mapping; an unknown key (when `allowed` is given) or a key given twice is a problem.
    package func pairs(_ node: ConfigNode, _ path: String, allowed: Set<String>?) -> [ConfigPair] {
        guard case .mapping(let mapping, _) = node else {
            problem(node, path.isEmpty ? "(top level)" : path, "must be a mapping of keys to values")
            return []
        }
        var seen: Set<String> = []
        var result: [ConfigPair] = []
        for pair in mapping {
            let full = path.isEmpty ? pair.key : "\(path).\(pair.key)"
            if let allowed, !allowed.contains(pair.key) {
                let known = allowed.sorted().joined(separator: ", ")
                problem(line: pair.keyLine, full, "is not a known key (known here: \(known))")
                continue
            }
            if !seen.insert(pair.key).inserted {
                problem(line: pair.keyLine, full, "is given twice")
                continue
            }
            result.append(pair)
        }
        return result
    }

    /// One line of text; `nil` (and a problem) for a mapping, a list, an empty value or control characters.
    package func string(_ node: ConfigNode, _ key: String) -> String? {
        guard let text = node.scalar else {
            problem(node, key, "must be a single value")
            return nil
        }
        if text.isEmpty { problem(node, key, "must not be empty") }
        // Values end up inside tab-separated and line-based files (IIF), and a name never needs one.
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            problem(node, key, "must be one line of text, without tabs or control characters")
            return nil
        }
        return text.isEmpty ? nil : text
    }

    /// `true`/`yes`/`on` or `false`/`no`/`off`.
    package func bool(_ node: ConfigNode, _ key: String) -> Bool? {
        switch node.scalar?.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default:
            problem(node, key, "must be true or false, not '\(node.scalar ?? "")'")
            return nil
        }
    }

    /// One of `options`, matched ignoring case, returned as `options` spells it.
    package func choice(_ node: ConfigNode, _ key: String, _ options: [String]) -> String? {
        guard let text = string(node, key) else { return nil }
        guard let hit = options.first(where: { $0.caseInsensitiveEquals(text) }) else {
            problem(node, key, "must be one of \(options.joined(separator: ", ")), not '\(text)'")
            return nil
        }
        return hit
    }

    /// A value of a `String`-backed enumeration, by its raw value.
    package func choice<Choice: RawRepresentable & CaseIterable>(
        _ node: ConfigNode, _ key: String, _ type: Choice.Type
    ) -> Choice?
    where Choice.RawValue == String {
        choice(node, key, Choice.allCases.map(\.rawValue)).flatMap(Choice.init(rawValue:))
    }
}

extension String {
    /// Equal when lower-cased: how channel names, payment methods and keys are matched.
    package func caseInsensitiveEquals(_ other: String) -> Bool {
        lowercased() == other.lowercased()
    }
}
