import Foundation
import Testing

/// From the REPL a report is shown, saved, and any result charted (tmux, as the REPL tests).
@Suite(
  "reports at the REPL", .serialized,
  .enabled(if: TmuxSession.available, "tmux is not installed: REPL tests skipped"))
struct ReportReplTests {
  @Test func showSaveAndChart() throws {
    let folder = try TemporaryFolder()
    let p = folder.path("p")
    #expect(try PeerProcess.run(["init", p]).status == 0)
    try """
    let visits_seen = [
      {site: "Bristol", kind: "home", on: 2026-07-02},
      {site: "Bristol", kind: "phone", on: 2026-08-10},
      {site: "Bristol", kind: "home", on: 2026-08-11},
    ]
    report seen(q = this_quarter) {
      title "Visits, {q}"
      table "By kind" with total = visits_seen | where .on in q | group .kind | count as visits
    }
    """.write(toFile: p + "/scripts/seen.peer", atomically: false, encoding: .utf8)
    let session = try TmuxSession(
      environment: ["PEER_HISTORY": folder.path("history")],
      arguments: ["--project", p, "--today", "2026-08-20"], directory: folder.url.path)
    func enter(_ line: String, until condition: @escaping (String) -> Bool) throws -> (
      ok: Bool, screen: String
    ) {
      try session.type(line)
      try session.send("Enter")
      return session.waitFor(condition)
    }
    #expect(session.waitFor { TmuxSession.lines($0).contains { $0.hasPrefix("peer>") } }.ok)

    let shown = try enter("seen.run()") { $0.contains("Total       3") }
    #expect(shown.ok, "screen:\n\(shown.screen)")
    #expect(shown.screen.contains("Visits, Q2 2026/27"))

    // Scripts and the REPL save inside the current folder (the file rule).
    let csv = folder.path("seen.csv")
    #expect(try enter("save(_, \"seen.csv\")") { TmuxSession.lines($0).contains("\"seen.csv\"") }.ok)
    #expect(try String(contentsOfFile: csv, encoding: .utf8) == "kind,visits\nhome,2\nphone,1\nTotal,3\n")

    let charted = try enter("chart(visits_seen | group .kind | count, \"bar\", \"Kinds\")") {
      $0.contains("phone  ████████████████████ 1")
    }
    #expect(charted.ok, "screen:\n\(charted.screen)")
    let html = folder.path("kinds.html")
    #expect(try enter("save(_, \"kinds.html\")") { TmuxSession.lines($0).contains("\"kinds.html\"") }.ok)
    let page = try String(contentsOfFile: html, encoding: .utf8)
    #expect(page.contains("<svg ") && page.contains("<title>home, count: 2</title>"))
  }
}
