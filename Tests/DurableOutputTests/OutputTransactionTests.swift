import DurableOutput
import KCCTestSupport
import Testing

@Suite("A run's outputs appear together or not at all")
struct OutputTransactionTests {
    @Test("each file is announced before it is made; commit puts all in place; withdraw takes all back")
    func commitAndWithdraw() throws {
        let folder = TestFiles.makeFolder()
        var announced: [String] = []
        let outputs = OutputTransaction { announced.append($0) }
        try outputs.create(folder + "/a.csv")?.write("a\n")
        try outputs.create(folder + "/b.csv")?.write("b\n")
        #expect(
            announced == [folder + "/a.csv", folder + "/b.csv"]
                && TestFiles.names(in: folder).allSatisfy { $0.contains("kccbridge-tmp") })
        try outputs.commit()
        #expect(TestFiles.names(in: folder) == ["a.csv", "b.csv"] && TestFiles.read(folder + "/b.csv") == "b\n")
        outputs.withdraw()
        #expect(TestFiles.names(in: folder).isEmpty)
    }

    @Test("a discarded file never appears; a simulated transaction writes nothing but fails where the real one would")
    func discardAndSimulate() throws {
        let folder = TestFiles.makeFolder()
        let outputs = OutputTransaction()
        let kept = try #require(try outputs.create(folder + "/kept.csv"))
        let dropped = try #require(try outputs.create(folder + "/dropped.csv"))
        outputs.discard(dropped)
        try kept.write("k\n")
        try outputs.commit()
        #expect(TestFiles.names(in: folder) == ["kept.csv"] && outputs.paths == [folder + "/kept.csv"])

        let simulated = OutputTransaction(simulated: true)
        #expect(try simulated.create(folder + "/new.csv") == nil)
        #expect(throws: OutputError.self) { try simulated.create(folder + "/kept.csv") }
        #expect(TestFiles.names(in: folder) == ["kept.csv"])
    }
}
