import KCCModel
import XMLStreaming

/// Streams an XML response and hands over each record element, read whole as
/// a small tree: the shared loop of the XML refund readers.
package enum XMLRecords {
    /// Requires the root element `root`; every element named in `records` is
    /// read whole and given to `take`. Every other element start is shown to
    /// `inspect` first (with its attributes), which may refuse the file.
    /// Names in `rootLevel` are records only directly under the root.
    package static func scan(
        _ path: String, _ name: String, root: String, records: Set<String>, rootLevel: Set<String> = [],
        inspect: (XMLElementStart) throws(FileRefusal) -> Void = { _ in }, take: (XMLTree) -> Void
    ) throws(FileRefusal) {
        do {
            let reader = try XMLPullReader(path: path)
            var depth = 0
            var sawRoot = false
            while let event = try reader.next() {
                switch event {
                case .startElement(let element):
                    if depth == 0 {
                        guard element.name == root else {
                            throw FileRefusal(
                                at: SourceLocation(file: name, line: element.line),
                                "the root element is <\(element.name)>, not <\(root)>")
                        }
                        sawRoot = true
                    }
                    if records.contains(element.name), !rootLevel.contains(element.name) || depth == 1 {
                        take(try XMLTree.read(element, from: reader))
                        continue
                    }
                    try inspect(element)
                    if !element.isEmpty {
                        depth += 1
                    }
                case .endElement:
                    depth -= 1
                case .text:
                    break
                }
            }
            if !sawRoot { throw FileRefusal(at: SourceLocation(file: name), "the file holds no <\(root)>") }
        } catch let error as XMLReadError {
            throw FileRefusal(at: SourceLocation(file: name, line: error.line > 0 ? error.line : nil), because: error)
        } catch let error as FileRefusal {
            throw error
        } catch {
            throw FileRefusal(at: SourceLocation(file: name), because: error)
        }
    }
}
