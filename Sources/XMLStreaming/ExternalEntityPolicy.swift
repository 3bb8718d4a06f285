import CLibXML2
import Synchronization

/// Defence in depth: libxml2 may load nothing from outside, except schema
/// files from folders this program has explicitly trusted (our own schemas and
/// the vendors' schemas, which include each other).
enum ExternalEntityPolicy {
    private static let trustedFolders = Mutex<[String]>([])

    private struct DefaultLoader: @unchecked Sendable {
        let load: xmlExternalEntityLoader?
    }

    /// Installed once, the first time any reader, writer or schema is made.
    private static let installed: DefaultLoader = {
        xmlInitParser()
        let original = DefaultLoader(load: xmlGetExternalEntityLoader())
        xmlSetExternalEntityLoader { url, id, context in
            guard let url, ExternalEntityPolicy.isTrusted(String(cString: url)) else { return nil }
            return ExternalEntityPolicy.installed.load?(url, id, context)
        }
        return original
    }()

    static func install() {
        _ = installed
    }

    /// Lets schema includes be loaded from `folder` (an absolute path).
    static func trust(folder: String) {
        install()
        let folder = folder.hasSuffix("/") ? folder : folder + "/"
        trustedFolders.withLock { if !$0.contains(folder) { $0.append(folder) } }
    }

    static func isTrusted(_ url: String) -> Bool {
        var path = url
        if path.hasPrefix("file://") { path.removeFirst("file://".count) }
        guard path.hasPrefix("/"), !path.contains("/../"), !path.contains("://") else { return false }
        return trustedFolders.withLock { folders in folders.contains { path.hasPrefix($0) } }
    }
}
