import ArgumentParser
import Configuration
import Foundation
import PackageInterface
import PackageRegistry
import SystemErrors

/// Steps several commands share, with the messages and exit statuses they share.
enum CommandSupport {
    /// The configuration file, or the built-in defaults; a bad file is a usage error (status 2).
    static func configuration(_ path: String?) throws -> BridgeConfiguration {
        do {
            return try ConfigurationLoader.load(path: path, packages: PackageRegistry.all)
        } catch {
            printError(error.description)
            throw ExitCode(ExitStatus.usage)
        }
    }

    /// The format for `target`; a file the configuration names that cannot be used stops the command.
    static func exportFormat(_ target: String, _ configuration: BridgeConfiguration) throws -> (any ExportFormat)? {
        do {
            return try PackageRegistry.all.exportFormat(target, configuration: configuration)
        } catch {
            printError(error.description)
            throw ExitCode(ExitStatus.usage)
        }
    }

    /// `out/` → `out`: how output folders are named in messages and paths.
    static func folder(_ path: String) -> String {
        path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    /// Makes the output folder (and its parents) if missing.
    static func makeFolder(_ path: String) throws(CommandFailure) {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure(
                status: ExitStatus.nothingWritten,
                message: "the output folder \(path) cannot be made (\(blockingFile(path) ?? reason(error)))")
        }
    }

    /// `afile is a file, not a folder` when `path` or a folder above it is a file.
    static func blockingFile(_ path: String) -> String? {
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: prefix, isDirectory: &isFolder) else { return nil }
            if !isFolder.boolValue {
                return "\(prefix.hasPrefix("./") ? String(prefix.dropFirst(2)) : prefix) is a file, not a folder"
            }
        }
        return nil
    }

    /// A system error in words, never a Foundation error domain: `not a folder`, `permission denied`.
    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError
        if let underlying, underlying.domain == NSPOSIXErrorDomain { return Errno.describe(Int32(underlying.code)) }
        if nsError.domain == NSPOSIXErrorDomain { return Errno.describe(Int32(nsError.code)) }
        if let underlying { return reason(underlying) }
        // Our own errors say themselves; only Foundation's are put into words here.
        guard nsError.domain == NSCocoaErrorDomain else { return "\(error)" }
        switch CocoaError.Code(rawValue: nsError.code) {
        case .fileWriteNoPermission, .fileReadNoPermission: return Errno.describe(EACCES)
        case .fileWriteOutOfSpace: return Errno.describe(ENOSPC)
        case .fileWriteVolumeReadOnly: return Errno.describe(EROFS)
        case .fileNoSuchFile, .fileReadNoSuchFile: return Errno.describe(ENOENT)
        default: return "the system refused it"
        }
    }
}
