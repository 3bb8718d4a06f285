import DurableOutput
import Synchronization
import Testing

@Suite("Work done on a thread of its own, in order, the first failure stopping the rest")
struct OrderedWorkerTests {
    struct Refused: Error, Equatable { var piece: Int }

    @Test("pieces are done in the order handed over; finish waits for them all")
    func order() throws {
        let worker = OrderedWorker<Refused>(label: "test.order")
        let done = Mutex<[Int]>([])
        for piece in 1...50 {
            try worker.hand { () throws(Refused) in done.withLock { $0.append(piece) } }
        }
        try worker.finish()
        #expect(done.withLock { $0 } == Array(1...50))
    }

    @Test("the first failure stops the pieces after it and is thrown by the next hand-over and by finish")
    func failure() throws {
        let worker = OrderedWorker<Refused>(label: "test.failure", waiting: 1)
        let done = Mutex<[Int]>([])
        try worker.hand { () throws(Refused) in throw Refused(piece: 1) }
        // The next hand-over waits for room, so the failure is known by the one after it at the latest.
        var thrown: Refused?
        for piece in 2...4 {
            do throws(Refused) {
                try worker.hand { () throws(Refused) in done.withLock { $0.append(piece) } }
            } catch {
                thrown = error
                break
            }
        }
        #expect(thrown == Refused(piece: 1))
        #expect(throws: Refused(piece: 1)) { try worker.finish() }
        #expect(done.withLock { $0 }.isEmpty)
    }
}
