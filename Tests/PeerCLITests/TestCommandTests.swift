import Foundation
import Testing

/// `peer test` never says a run passed when tests could not run: a file whose tests never
/// registered, a run with no test at all (a held
/// database is HeldStoreTests, in PeerCoreTests).
@Suite("peer test: nothing passes by accident")
struct TestCommandTests {
  @Test func aFileWhoseTestsDidNotAllRunFails() throws {
    let folder = try TemporaryFolder()
    let file = try folder.write(
      "tests/hidden.peer",
      """
      test "runs" { assert(true) }
      if false {
        test "never registers" { assert(false) }
      }
      """)
    let result = try PeerProcess.run(["test", file])
    #expect(result.status == 1)
    #expect(result.stdout.contains("PASS runs"))
    #expect(
      result.stdout.contains(
        "FAIL \(file): it declares 2 tests but only 1 ran (a test block inside an if, a loop or a function runs only when that code does)"
      ), "\(result.stdout)")
    #expect(result.stdout.hasSuffix("1 passed, 1 failed\n"))
  }

  @Test func aRunWithNoTestAtAllFails() throws {
    let folder = try TemporaryFolder()
    let file = try folder.write("tests/empty.peer", "let x = 1\n")
    let result = try PeerProcess.run(["test", file])
    #expect(result.status == 1)
    #expect(result.stdout == "0 passed, 0 failed\n")
    #expect(result.stderr.contains("peer: no test ran"), "\(result.stderr)")
  }
}
