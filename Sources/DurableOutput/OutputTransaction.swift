#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The output files of one run, which appear together or not at all: each is
/// created through ``create(_:)`` (announced first, so a crash can be undone),
/// all are made durable by ``commit()``, and ``withdraw()`` takes back every
/// one, committed or not, when a later step of the run fails.
///
/// A simulated transaction (a pre-check) creates nothing but fails exactly
/// where the real one would: on a name that is taken.
public final class OutputTransaction {
    /// Nothing is written; names are only checked.
    public let simulated: Bool
    private let willCreate: (String) throws -> Void
    private var files: [DurableFile] = []
    /// Every path created or simulated, in order.
    public private(set) var paths: [String] = []
    /// Seals full files on a thread of its own (``sealLater(_:)``).
    private let sealing = OrderedWorker<OutputError>(label: "kccbridge.output-sealing")
    /// The files handed to that thread, which alone touches them until ``commit()`` or ``withdraw()`` waits for it.
    private var handedOver: Set<ObjectIdentifier> = []

    /// `willCreate` is told of each path before its file is made (the run
    /// journal records it as planned).
    public init(simulated: Bool = false, willCreate: @escaping (String) throws -> Void = { _ in }) {
        self.simulated = simulated
        self.willCreate = willCreate
    }

    /// A new output that will be called `path`; `nil` when simulated. Fails if `path` exists.
    public func create(_ path: String) throws -> DurableFile? {
        try willCreate(path)
        paths.append(path)
        guard !simulated else {
            if access(path, F_OK) == 0 { throw OutputError(.exists, path: path) }
            return nil
        }
        let file = try DurableFile(path: path)
        files.append(file)
        return file
    }

    /// Seals `file`, one of this transaction's, now full (nothing more is written to it), on a thread of the
    /// transaction's own: its last bytes are written and it is flushed to the disk and closed while the caller
    /// goes on writing the next one (each flush waits for the disk: the caller of a 200,000-order conversion, 445
    /// parts, waits about 0.2 s less). At most two are in hand at once: one being sealed, one waiting. ``commit()`` and
    /// ``withdraw()`` first wait for every seal; ``commit()`` throws the first that failed, and a later
    /// ``sealLater(_:)`` throws it too. The caller does not touch `file` again.
    public func sealLater(_ file: DurableFile) throws {
        precondition(handedOver.insert(ObjectIdentifier(file)).inserted, "a file is sealed once")
        let handed = Handed(file)
        try sealing.hand { () throws(OutputError) in try handed.file.seal() }
    }

    /// Drops a file the run decided not to keep (an empty problems file): it never appears.
    public func discard(_ file: DurableFile) {
        precondition(!handedOver.contains(ObjectIdentifier(file)), "a file handed over to be sealed is not discarded")
        file.discard()
        files.removeAll { $0 === file }
        paths.removeAll { $0 == file.path }
    }

    /// Makes every file durable under its final name, in creation order: each is flushed and linked into place,
    /// then each folder holding them is flushed once (a run of 400 parts flushes its folder once, not 400 times).
    public func commit() throws {
        try sealing.finish()
        for file in files { try file.commit(syncingFolder: false) }
        var flushed: Set<String> = []
        for file in files {
            let (folder, _) = DurableFile.split(file.path)
            if flushed.insert(folder).inserted { try DurableFile.syncFolder(of: file.path) }
        }
    }

    /// Waits for every file handed to ``sealLater(_:)`` to be sealed (or to fail), and leaves every file as it is:
    /// for a run whose outcome is not known, whose files stay for recovery to settle.
    public func settle() {
        try? sealing.finish()
    }

    /// Takes every file back, committed or not: the run leaves nothing behind.
    public func withdraw() {
        settle()
        for file in files { file.withdraw() }
    }
}

/// A file handed to the sealing thread, which alone touches it from then on.
private final class Handed: @unchecked Sendable {
    let file: DurableFile
    init(_ file: DurableFile) { self.file = file }
}
