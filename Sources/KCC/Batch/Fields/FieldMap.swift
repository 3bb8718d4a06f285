/// A value per batch field, kept in an array indexed by the field's case: what
/// every row read fills and every check looks up, so it must cost no hashing.
/// Reads as a dictionary does (`map[.docNumber]`, `for (field, value) in map`),
/// iterating in the fields' declared order.
///
/// A map holds a slot for each field of its span: every field, or only a line's
/// (``lineFields``), which every row of a batch makes one of. Asking for a field
/// outside the span gives `nil`; setting one is a programming error.
struct FieldMap<Value>: Sequence, ExpressibleByDictionaryLiteral {
    private var slots: [Value?]
    /// The index of the first field of the span.
    private let base: Int

    /// A map for every field.
    init() {
        self.init(span: 0..<BatchField.allCases.count)
    }

    /// A map for one line's fields (``BatchField/isLineField``).
    static var lineFields: FieldMap { FieldMap(span: BatchField.lineFieldSpan) }

    private init(span: Range<Int>) {
        base = span.lowerBound
        slots = Array(repeating: nil, count: span.count)
    }

    init(dictionaryLiteral elements: (BatchField, Value)...) {
        self.init()
        for (field, value) in elements { self[field] = value }
    }

    subscript(field: BatchField) -> Value? {
        get {
            let slot = field.index &- base
            return slot >= 0 && slot < slots.count ? slots[slot] : nil
        }
        set {
            let slot = field.index &- base
            precondition(slot >= 0 && slot < slots.count, "\(field.name) is not among this map's fields")
            slots[slot] = newValue
        }
    }

    var isEmpty: Bool { slots.allSatisfy { $0 == nil } }

    /// Whether a value present satisfies `predicate`, looked at where it stands (no copy of the map).
    func containsValue(where predicate: (BatchField, Value) -> Bool) -> Bool {
        for index in slots.indices {
            if let value = slots[index], predicate(BatchField.allCases[base + index], value) { return true }
        }
        return false
    }

    func makeIterator() -> Iterator { Iterator(slots: slots, base: base) }

    struct Iterator: IteratorProtocol {
        fileprivate let slots: [Value?]
        fileprivate let base: Int
        private var index = 0

        fileprivate init(slots: [Value?], base: Int) {
            self.slots = slots
            self.base = base
        }

        mutating func next() -> (key: BatchField, value: Value)? {
            while index < slots.count {
                defer { index += 1 }
                if let value = slots[index] { return (BatchField.allCases[base + index], value) }
            }
            return nil
        }
    }
}

extension FieldMap: Sendable where Value: Sendable {}

extension BatchField {
    /// The field's place among `allCases`.
    var index: Int { Int(withUnsafeBytes(of: self) { $0.load(as: UInt8.self) }) }

    /// The places of the line fields, which stand together among `allCases`.
    static let lineFieldSpan: Range<Int> = {
        let places = allCases.filter(\.isLineField).map(\.index)
        guard let first = places.first, let last = places.last, last - first + 1 == places.count else {
            preconditionFailure("the line fields must stand together")
        }
        return first..<(last + 1)
    }()
}
