import Foundation
import Testing

/// Errors that were once swallowed on the way to the screen: each is now said.
@Suite("no error swallowed")
struct SwallowedErrorTests {
  /// A `when` that fails used to count as false: the question was skipped without a word.
  @Test func aFailingWhenInTheFormFillerIsShown() throws {
    let folder = try TemporaryFolder()
    let project = folder.path("p")
    #expect(try PeerProcess.run(["init", project]).status == 0)
    try folder.write(
      "p/scripts/quick.peer",
      """
      form quick "Quick" {
        name text required
        note text when .name > 3
      }
      """)
    let result = try PeerProcess.run(
      ["form", "quick", "--project", project, "--today", "2026-11-26"], input: "Ama\nhello\nyes\n")
    #expect(result.status == 1, "\(result.stdout)")
    #expect(result.stderr.contains("quick.peer:3:"), "\(result.stderr)")
    #expect(result.stderr.contains("cannot compare text and number: \"Ama\" > 3"), "\(result.stderr)")
    #expect(!result.stdout.contains("Saved"))
  }

  /// A blank form whose choices cannot be worked out used to print with no choices.
  @Test func aFailingChoiceListInAPrintedFormIsShown() throws {
    let folder = try TemporaryFolder()
    let project = folder.path("p")
    #expect(try PeerProcess.run(["init", project]).status == 0)
    try folder.write(
      "p/scripts/pick.peer",
      """
      fn areas() { return [1, 2] | map it + "x" }
      form pick "Pick" {
        area choice(areas())
      }
      """)
    let result = try PeerProcess.run(["form", "pick", "--print", "--project", project])
    #expect(result.status == 1, "\(result.stdout)")
    #expect(result.stderr.contains("cannot add"), "\(result.stderr)")
  }
}
