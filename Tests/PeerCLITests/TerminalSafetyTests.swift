import Foundation
import Testing

/// Control sequences typed into a record never reach the terminal raw: a name holding ESC[2J
/// (clear the screen) or an OSC title sequence is shown escaped in REPL values and tables,
/// `print`, errors, reports and exports on a terminal; files keep the raw bytes.
@Suite(
  "terminal safety", .serialized,
  .enabled(if: TmuxSession.available, "tmux is not installed: terminal tests skipped"))
struct TerminalSafetyTests {
  /// A project with a mother whose name carries a screen clear and a window-title sequence.
  func project(_ folder: TemporaryFolder) throws -> String {
    let project = folder.path("p")
    #expect(try PeerProcess.run(["init", project]).status == 0)
    let script = try folder.write(
      "add.peer",
      "refer({name: \"Ama\u{1b}[2J\u{1b}]0;pwned\u{07}X\", due_date: 2027-02-01, referral_date: 2026-11-01})\n"
    )
    #expect(try PeerProcess.run(["run", "--project", project, "--today", "2026-11-26", script]).status == 0)
    return project
  }

  @Test func replValuesTablesAndPrintShowControlsEscaped() throws {
    let folder = try TemporaryFolder()
    let project = try project(folder)
    let s = try TmuxSession(
      environment: ["PEER_HISTORY": folder.path("history")], arguments: ["--project", project])
    #expect(s.waitFor { TmuxSession.lines($0).contains { $0.hasPrefix("peer>") } }.ok)
    try s.type("print(M-0001.name)")
    try s.send("Enter")
    let printed = s.waitFor { $0.contains("Ama\\x1b[2J\\x1b]0;pwned\\x07X") }
    #expect(printed.ok, "screen:\n\(printed.screen)")
    try s.type("mothers | map .name")
    try s.send("Enter")
    let value = s.waitFor { $0.contains("[\"Ama\\x1b[2J") }
    #expect(value.ok, "screen:\n\(value.screen)")
    try s.type("mothers | take 1")
    try s.send("Enter")
    let table = s.waitFor { TmuxSession.lines($0).filter { $0.contains("Ama\\x1b[2J") }.count >= 3 }
    #expect(table.ok, "screen:\n\(table.screen)")
    try s.type("1 + M-0001.name")
    try s.send("Enter")
    let error = s.waitFor { $0.contains("cannot add") }
    #expect(error.ok && error.screen.contains("\\x1b[2J"), "screen:\n\(error.screen)")
    // The banner is still on screen: nothing cleared it.
    #expect(error.screen.contains("Peer script REPL"))
  }

  @Test func anExportToTheTerminalIsEscapedAndAFileKeepsTheBytes() throws {
    let folder = try TemporaryFolder()
    let project = try project(folder)
    let s = try TmuxSession(arguments: ["export", "mothers", "--project", project], holdingTheScreen: true)
    let seen = s.waitFor { $0.contains("Ama\\x1b[2J") }
    #expect(seen.ok, "screen:\n\(seen.screen)")
    let piped = try PeerProcess.run(["export", "mothers", "--project", project])
    #expect(piped.stdout.contains("Ama\u{1b}[2J\u{1b}]0;pwned\u{07}X"))
  }
}
