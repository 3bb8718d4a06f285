/// One step of a pull parse: the start or end of an element, or text.
///
/// Only Swift values leave the XML streaming target; no libxml2 pointer does.
public enum XMLEvent: Sendable, Hashable {
    case startElement(XMLElementStart)
    case endElement(name: String, namespace: String?, line: Int)
    /// Character data (entity-free: references are refused before they reach here).
    case text(String, line: Int)
}

/// An element's name, namespace, attributes and where it starts.
public struct XMLElementStart: Sendable, Hashable {
    public var name: String
    public var namespace: String?
    /// Attributes in document order (namespace declarations left out).
    public var attributes: [XMLAttribute]
    /// `<a/>`: no end event follows.
    public var isEmpty: Bool
    public var line: Int
    public var column: Int

    public init(name: String, namespace: String?, attributes: [XMLAttribute], isEmpty: Bool, line: Int, column: Int) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.isEmpty = isEmpty
        self.line = line
        self.column = column
    }

    /// The value of the attribute named `name` (no namespace), if present.
    public subscript(attribute name: String) -> String? {
        attributes.first { $0.name == name && $0.namespace == nil }?.value
    }
}

public struct XMLAttribute: Sendable, Hashable {
    public var name: String
    public var namespace: String?
    public var value: String

    public init(name: String, namespace: String? = nil, value: String) {
        self.name = name
        self.namespace = namespace
        self.value = value
    }
}
