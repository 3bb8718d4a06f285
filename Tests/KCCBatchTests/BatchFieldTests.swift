import KCCBatch
import Testing

@Suite("Batch fields compare and hash by case")
struct BatchFieldTests {
    @Test("each field is one byte, equal only to itself, and a dictionary key like any other")
    func identity() {
        #expect(MemoryLayout<BatchField>.size == 1)
        let all = BatchField.allCases
        for (i, a) in all.enumerated() {
            for (j, b) in all.enumerated() { #expect((a == b) == (i == j)) }
        }
        let keyed = Dictionary(uniqueKeysWithValues: all.map { ($0, $0.name) })
        #expect(keyed.count == all.count && all.allSatisfy { keyed[$0] == $0.name })
        #expect(Set(all).count == all.count)
    }
}
