/// A value per batch field, kept in an array indexed by the field's case: what
/// every row read fills and every check looks up, so it must cost no hashing.
/// Reads as a dictionary does (`map[.docNumber]`, `for (field, value) in map`),
/// iterating in the fields' declared order.
struct FieldMap<Value>: Sequence, ExpressibleByDictionaryLiteral {
    private var slots: [Value?]

    init() {
        slots = Array(repeating: nil, count: BatchField.allCases.count)
    }

    init(dictionaryLiteral elements: (BatchField, Value)...) {
        self.init()
        for (field, value) in elements { self[field] = value }
    }

    subscript(field: BatchField) -> Value? {
        get { slots[field.index] }
        set { slots[field.index] = newValue }
    }

    var isEmpty: Bool { slots.allSatisfy { $0 == nil } }

    /// Whether a value present satisfies `predicate`, looked at where it stands (no copy of the map).
    func containsValue(where predicate: (BatchField, Value) -> Bool) -> Bool {
        for index in slots.indices {
            if let value = slots[index], predicate(BatchField.allCases[index], value) { return true }
        }
        return false
    }

    func makeIterator() -> Iterator { Iterator(slots: slots) }

    struct Iterator: IteratorProtocol {
        fileprivate let slots: [Value?]
        private var index = 0

        fileprivate init(slots: [Value?]) {
            self.slots = slots
        }

        mutating func next() -> (key: BatchField, value: Value)? {
            while index < slots.count {
                defer { index += 1 }
                if let value = slots[index] { return (BatchField.allCases[index], value) }
            }
            return nil
        }
    }
}

extension FieldMap: Sendable where Value: Sendable {}

extension BatchField {
    /// The field's place among `allCases`.
    var index: Int { Int(withUnsafeBytes(of: self) { $0.load(as: UInt8.self) }) }
}
