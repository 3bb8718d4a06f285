/// How a ``Ledger`` behaves where the defaults do not suit (mostly tests).
package struct LedgerOptions: Sendable {
    /// How long to wait for another kccbridge that is writing to the ledger
    /// before failing with ``LedgerError/Code/busy``.
    package var busyTimeout: Duration
    /// Where times come from.
    package var clock: @Sendable () -> Timestamp
    /// Asked while a file ledger waits for another kccbridge: `true` gives the wait up at once, failing as a
    /// wait that ran out would (a person pressed Ctrl-C, and should not sit out the busy timeout). Every wait
    /// asks, a run's rolling back included: a caller answers `true` only while that is what it wants.
    package var stopWaiting: @Sendable () -> Bool = { false }

    package init(busyTimeout: Duration = .seconds(10), clock: @escaping @Sendable () -> Timestamp = Timestamp.now) {
        self.busyTimeout = busyTimeout
        self.clock = clock
    }

    /// The busy timeout in seconds, as SQLite takes it.
    var busyTimeoutSeconds: Double {
        let (seconds, attoseconds) = busyTimeout.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
