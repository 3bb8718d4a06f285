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

    @Test(
        "files sealed on the transaction's own thread as they fill are whole once committed, and withdrawn like the rest"
    )
    func sealedLater() throws {
        let folder = TestFiles.makeFolder()
        let outputs = OutputTransaction()
        var expected: [String: String] = [:]
        for n in 1...12 {
            let name = "part\(n).csv"
            let file = try #require(try outputs.create(folder + "/" + name))
            // Past the 256 KiB a file holds before it writes, and a short tail the seal writes.
            let text = String(repeating: "row \(n),", count: 40_000) + "\n"
            try file.write(text)
            try outputs.sealLater(file)
            expected[name] = text
        }
        try outputs.commit()
        #expect(Set(TestFiles.names(in: folder)) == Set(expected.keys))
        for (name, text) in expected { #expect(TestFiles.read(folder + "/" + name) == text) }

        let other = TestFiles.makeFolder()
        let withdrawn = OutputTransaction()
        for n in 1...6 {
            let file = try #require(try withdrawn.create(other + "/part\(n).csv"))
            try file.write(String(repeating: "x", count: 300_000))
            try withdrawn.sealLater(file)
        }
        withdrawn.withdraw()
        #expect(TestFiles.names(in: other).isEmpty)
    }
}
