import CLibXML2

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A compiled XSD, ready to validate documents. Compile each schema once, from
/// a trusted file or string, and share it.
///
/// libxml2 does not change a compiled schema while validating with it (each
/// validation gets its own context), so one instance may serve many readers.
public final class XMLSchema: @unchecked Sendable {
    let pointer: xmlSchemaPtr

    /// Why a schema could not be compiled (a programming or installation error, not bad input).
    public struct CompileError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Compiles a schema held in memory (one that includes no other file).
    public convenience init(text: String, name: String) throws(CompileError) {
        ExternalEntityPolicy.install()
        // libxml2 reads the buffer during xmlSchemaParse, not when the context
        // is made, so the bytes must outlive the whole compilation.
        let bytes = Array(text.utf8)
        let compiled = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                Result { () throws(CompileError) in
                    try Self.compile(xmlSchemaNewMemParserCtxt(chars.baseAddress, Int32(chars.count)), name: name)
                }
            }
        }
        self.init(pointer: try compiled.get())
    }

    /// Compiles a schema file and the files it includes, which must sit in the same folder.
    /// A relative path (`vendor/…`) is resolved first: includes load only from a canonical folder.
    public convenience init(path: String) throws(CompileError) {
        let absolute = Self.canonical(path) ?? (path.hasPrefix("/") ? path : Self.currentDirectory() + "/" + path)
        let folder = String(absolute[..<(absolute.lastIndex(of: "/") ?? absolute.endIndex)])
        ExternalEntityPolicy.trust(folder: folder)
        self.init(pointer: try Self.compile(xmlSchemaNewParserCtxt(absolute), name: path))
    }

    private init(pointer: xmlSchemaPtr) {
        self.pointer = pointer
    }

    private static func compile(_ context: xmlSchemaParserCtxtPtr?, name: String) throws(CompileError) -> xmlSchemaPtr {
        kcc_silence_generic_errors()
        guard let context else { throw CompileError(description: "\(name): cannot create a schema parser") }
        defer { xmlSchemaFreeParserCtxt(context) }
        let errors = XMLErrorCollector()
        xmlSchemaSetParserStructuredErrors(context, XMLErrorCollector.callback, errors.context)
        guard let schema = withExtendedLifetime(errors, { xmlSchemaParse(context) }) else {
            let detail = errors.first.map { "line \($0.line): \($0.message)" } ?? "unknown error"
            throw CompileError(description: "\(name): the schema does not compile: \(detail)")
        }
        return schema
    }

    deinit {
        xmlSchemaFree(pointer)
    }

    /// Validates a whole file (well-formedness and schema), streaming, with the same
    /// hostile-input rules as ``XMLPullReader``. Returns the problems found, empty when valid.
    public func validate(path: String) -> [XMLReadError] {
        do {
            let reader = try XMLPullReader(path: path, schema: self)
            while try reader.next() != nil {}
            return []
        } catch {
            return [error]
        }
    }

    /// The path with `.`, `..` and links resolved, or `nil` if it does not exist.
    private static func canonical(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func currentDirectory() -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
