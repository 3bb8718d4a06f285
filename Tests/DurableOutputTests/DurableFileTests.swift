import DurableOutput
import KCCTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

private func makeFolder() -> String { TestFiles.makeFolder() }
private func names(in folder: String) -> [String] { TestFiles.names(in: folder) }
private func contents(_ path: String) -> String? { TestFiles.read(path) }

@Suite("Durable files appear whole or not at all")
struct DurableFileTests {
    @Test("nothing under the final name until commit; then all of it")
    func commit() throws {
        let folder = makeFolder()
        let path = folder + "/out.csv"
        let file = try DurableFile(path: path)
        try file.write("a,b\r\n")
        try file.write(Array(repeating: UInt8(ascii: "x"), count: 600_000))
        #expect(!names(in: folder).contains("out.csv"))
        try file.commit()
        #expect(names(in: folder) == ["out.csv"])
        #expect(contents(path)?.utf8.count == 600_005)
    }

    @Test("an existing file is never overwritten")
    func noOverwrite() throws {
        let folder = makeFolder()
        let path = folder + "/out.csv"
        let first = try DurableFile(path: path)
        try first.write("first")
        // A second writer started before the first commits loses at commit time.
        let second = try DurableFile(path: path)
        try second.write("second")
        try first.commit()
        #expect(throws: OutputError(.exists, path: path)) { try second.commit() }
        #expect(contents(path) == "first")
        #expect(throws: OutputError(.exists, path: path)) { try DurableFile(path: path) }
        #expect(names(in: folder) == ["out.csv"])
    }

    @Test("withdrawing removes the file it committed, never another that has since taken its name")
    func withdrawOwnOnly() throws {
        let folder = makeFolder()
        let path = folder + "/out.csv"
        let mine = try DurableFile(path: path)
        try mine.write("mine")
        try mine.commit()
        // Removed by someone else's recovery, and written again by another run.
        #expect(unlink(path) == 0)
        let theirs = try DurableFile(path: path)
        try theirs.write("theirs")
        try theirs.commit()
        mine.withdraw()
        #expect(contents(path) == "theirs")
        theirs.withdraw()
        #expect(names(in: folder).isEmpty)
    }

    @Test("discarding, or dropping the writer, leaves nothing behind")
    func discard() throws {
        let folder = makeFolder()
        let file = try DurableFile(path: folder + "/a.xml")
        try file.write("partial")
        file.discard()
        do {
            let dropped = try DurableFile(path: folder + "/b.xml")
            try dropped.write("partial")
        }
        #expect(names(in: folder).isEmpty)
    }

    @Test("leftovers of a crashed run are found and removed; other files are kept")
    func leftovers() throws {
        let folder = makeFolder()
        let crashed = try DurableFile(path: folder + "/c.csv")
        try crashed.write("x")
        // Simulate a crash: the temporary file stays, as after kill -9.
        let temporary = crashed.temporaryPath
        let keep = try DurableFile(path: folder + "/keep.csv")
        try keep.commit()
        let copy = try DurableFile(path: folder + "/d.csv")
        _ = copy
        #expect(names(in: folder).contains { $0.contains(DurableFile.temporaryMarker) })
        let removed = DurableFile.removeLeftovers(in: folder)
        #expect(removed.count == 2)
        #expect(names(in: folder) == ["keep.csv"])
        #expect(access(temporary, F_OK) != 0)
        crashed.discard()
    }

    @Test("the leftovers of one file are removed; another file's temporary in the same folder is not")
    func leftoversOfOneFile() throws {
        let folder = makeFolder()
        let crashed = try DurableFile(path: folder + "/c.csv")
        try crashed.write("x")
        let other = try DurableFile(path: folder + "/c.csv.bak")
        try other.write("y")
        let removed = DurableFile.removeLeftovers(of: folder + "/c.csv")
        #expect(removed == [String(crashed.temporaryPath.dropFirst(folder.count + 1))])
        #expect(names(in: folder) == [String(other.temporaryPath.dropFirst(folder.count + 1))])
        try other.commit()
        #expect(names(in: folder) == ["c.csv.bak"])
    }

    @Test("a folder that does not exist fails clearly")
    func missingFolder() {
        #expect(throws: OutputError.self) { try DurableFile(path: "/nonexistent-folder-kcc/x.csv") }
    }
}
