/// A small element tree, built from one element of a pull parse: refund
/// records are a few dozen elements each, so each is read whole while the file
/// as a whole still streams.
package struct XMLTree: Sendable {
    package var name: String
    package var text: String
    package var line: Int
    package var children: [XMLTree]
    /// The element's attributes by name (a reference's `name="PayPal"`); none for JSON.
    package var attributes: [String: String] = [:]

    package init(name: String, text: String = "", line: Int, children: [XMLTree] = []) {
        self.name = name
        self.text = text
        self.line = line
        self.children = children
    }

    /// Reads the element just started, to its end.
    package static func read(_ start: XMLElementStart, from reader: XMLPullReader) throws(XMLReadError) -> XMLTree {
        var node = XMLTree(name: start.name, text: "", line: start.line, children: [])
        for attribute in start.attributes where node.attributes[attribute.name] == nil {
            node.attributes[attribute.name] = attribute.value
        }
        guard !start.isEmpty else { return node }
        while let event = try reader.next() {
            switch event {
            case .startElement(let child): node.children.append(try read(child, from: reader))
            case .text(let text, _): node.text += text
            case .endElement: return node
            }
        }
        return node
    }

    /// The first child named `name`.
    package subscript(_ name: String) -> XMLTree? {
        children.first { $0.name == name }
    }

    /// Every child named `name`.
    package func all(_ name: String) -> [XMLTree] {
        children.filter { $0.name == name }
    }

    /// The trimmed text at a child path such as `Invoice/InvoiceNumber`, or `nil` when absent or empty.
    package func value(_ path: String) -> String? {
        var node: XMLTree? = self
        for part in path.split(separator: "/") { node = node?[String(part)] }
        let text = node?.text.trimmingWhitespace() ?? ""
        return text.isEmpty ? nil : text
    }
}

extension String {
    package func trimmingWhitespace() -> String {
        // Most values begin and end with a printable ASCII character: nothing to trim, nothing to copy.
        let bytes = utf8
        if let first = bytes.first, let last = bytes.last, (0x21...0x7E).contains(first), (0x21...0x7E).contains(last) {
            return self
        }
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
