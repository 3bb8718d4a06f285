/// Claims of files: whoever holds a file's claim works on it. A claim is a
/// lock of the ledger, so it ends when its holder lets go or dies — a
/// process killed, or (with PostgreSQL) a machine gone — and another
/// watcher of the same route then takes the file over.
extension Ledger {
    /// Takes the claim named `key` (a file's path) if nobody holds it; `false` when someone does.
    package func claim(file key: String) throws(LedgerError) -> Bool {
        try store.tryLock(.claim(key))
    }

    /// `true` while this ledger still holds the claim named `key` (with
    /// PostgreSQL, a claim ends if the connection holding it drops).
    package func holds(file key: String) -> Bool {
        store.stillHolds(.claim(key))
    }

    /// Lets go of the claim named `key`.
    package func release(file key: String) {
        store.unlock(.claim(key))
    }

    /// `true` when the ledger is a database several machines share (PostgreSQL),
    /// so that several watchers may serve one route.
    package var isShared: Bool { store.isShared }
}

extension Ledger {
    /// Asks the database a trivial question: throws (``LedgerError/Code/unreachable``
    /// for a server that does not answer) when the ledger cannot be used just now.
    package func probe() throws(LedgerError) {
        _ = try read { db -> Int64? in try db.value("SELECT 1") }
    }
}
