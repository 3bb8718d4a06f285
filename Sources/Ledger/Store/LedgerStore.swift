import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Where the ledger's rows live: an SQLite file on this machine (the
/// default), or a PostgreSQL database that several machines share.
///
/// A store gives the ledger transactions and locks with the same meaning in
/// both: writes take turns (one write transaction at a time, waiting up to
/// the busy timeout), a read sees one consistent snapshot, and a lock is held
/// until it is let go or its holder dies — a process killed with `kill -9`,
/// or, for PostgreSQL, a machine whose connection drops. The ledger's rules,
/// its SQL and its crash-safety protocol are written once, above this.
protocol LedgerStore: Sendable {
    /// Where the ledger is, as a person would name it (a PostgreSQL address never shows its password).
    var location: String { get }

    /// `true` when several machines may share it, so that several watchers may serve one route.
    var isShared: Bool { get }

    /// Runs `body` in one write transaction: all of it, or none. Writers take turns.
    func write<T>(_ body: (any LedgerConnection) throws -> T) throws -> T

    /// As ``write(_:)``, but the commit need not wait for the disk: for what
    /// a crash may lose, never for a commit that says something happened.
    func writeUnsynced(_ body: (any LedgerConnection) throws -> Void) throws

    /// Runs `body` on a consistent snapshot (inside ``readingTogether(_:)`` on
    /// this thread: the snapshot it holds).
    func read<T>(_ body: (any LedgerConnection) throws -> T) throws -> T

    /// Runs `body` with every read made on this thread inside one snapshot.
    func readingTogether<T>(_ body: () throws -> T) throws -> T

    /// Takes `key` if nobody else holds it; `false` when someone does.
    func tryLock(_ key: LedgerLock) throws(LedgerError) -> Bool

    /// Lets go of `key`.
    func unlock(_ key: LedgerLock)

    /// `true` while this store still holds `key`, which it took: a lock can
    /// end behind its holder's back only with PostgreSQL, when the connection
    /// holding it drops (and the server lets another take it).
    func stillHolds(_ key: LedgerLock) -> Bool

    /// A clerk-readable error for anything the database layer throws.
    func translate(_ error: any Error) -> LedgerError

    /// The database's own checks of its soundness: one line per problem.
    func integrityProblems() throws -> [String]

    /// The expression that orders `table`'s rows as they were added.
    func insertionOrder(of table: String) -> String
}

/// What a lock of the ledger stands for.
enum LedgerLock: Sendable, Hashable {
    /// Held while a process opens the ledger and brings its tables up to date.
    case opening
    /// Held by whoever writes run `id`, from its beginning to its commit or roll-back.
    case run(Int64)
    /// Held by whoever works on a claimed file: the claim is alive while it is held.
    case claim(String)

    /// A stable 62-bit number for a claim's name (FNV-1a), the same in every process.
    static func number(of name: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return Int64(hash & 0x3fff_ffff_ffff_ffff)
    }
}

extension LedgerStore {
    /// Takes `key`, waiting up to `timeout` seconds for whoever holds it.
    func lock(_ key: LedgerLock, timeout: Double) throws(LedgerError) -> Bool {
        try LocalFiles.waitFor(timeout: timeout) { () throws(LedgerError) in try tryLock(key) }
    }
}

/// The snapshots ``LedgerStore/readingTogether(_:)`` holds, one per thread that asked.
final class SharedReads: Sendable {
    private let slots = Mutex<[UInt: any LedgerConnection & Sendable]>([:])

    /// This thread's snapshot, if it holds one.
    var current: (any LedgerConnection)? {
        let connection: (any LedgerConnection & Sendable)? = slots.withLock { $0[Self.thread] }
        return connection
    }

    /// Runs `body` with `connection` as this thread's snapshot.
    func holding<T>(_ connection: any LedgerConnection & Sendable, _ body: () throws -> T) rethrows -> T {
        slots.withLock { $0[Self.thread] = connection }
        defer { slots.withLock { _ = $0.removeValue(forKey: Self.thread) } }
        return try body()
    }

    private static var thread: UInt { UInt(pthread_self()) }
}

/// An error of a database itself (as opposed to one a caller's code threw
/// inside a transaction): the store turns it into a ``LedgerError``.
protocol StoreFailure: Error {}
