import ArgumentParser
import Configuration
import Foundation
import PackageInterface
import PackageRegistry

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
    static func makeFolder(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            printError("error: the output folder \(path) cannot be made: \(error.localizedDescription)")
            throw ExitCode(ExitStatus.nothingWritten)
        }
    }
}
