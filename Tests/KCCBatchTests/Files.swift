import KCCTestSupport

func writeFile(_ path: String, _ text: String) throws { TestFiles.write(path, text) }
func removeFile(_ path: String) { TestFiles.remove(path) }
func temporaryPath(_ suffix: String) -> String { TestFiles.temporaryPath(suffix) }
func readFile(_ path: String) -> String? { TestFiles.read(path) }
let repositoryRoot = TestFiles.repositoryRoot()
