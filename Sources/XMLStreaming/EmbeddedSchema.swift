import Synchronization

/// An XSD carried in the binary as text (so an installed kccbridge needs no
/// file beside it), compiled on first use and then shared.
public final class EmbeddedSchema: Sendable {
    public let name: String
    public let text: String
    private let cache = Mutex<Result<XMLSchema, XMLSchema.CompileError>?>(nil)

    public init(name: String, text: String) {
        self.name = name
        self.text = text
    }

    /// The compiled schema: compiled once, the same instance afterwards.
    public func compiled() throws(XMLSchema.CompileError) -> XMLSchema {
        let result = cache.withLock { cached in
            if let cached { return cached }
            let made = Result { () throws(XMLSchema.CompileError) in try XMLSchema(text: text, name: name) }
            cached = made
            return made
        }
        return try result.get()
    }
}
