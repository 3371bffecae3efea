import Foundation
import Testing

/// `peer report`: listing, parameters as Peer script or text, every format, --out, and the
/// messages for a wrong name, parameter or format.
@Suite("report command")
struct ReportCommandTests {
  /// An endless loop in a project's script ends with the default step budget (lowered here
  /// through PEER_DEFAULT_MAX_STEPS) in every command nobody watches, naming file and line.
  @Test func endlessLoopInAProjectScriptDoesNotHang() throws {
    let folder = try TemporaryFolder()
    let p = folder.path("p")
    #expect(try PeerProcess.run(["init", p]).status == 0)
    try "var n = 0\nwhile true { n += 1 }\n".write(
      toFile: p + "/scripts/loop.peer", atomically: false, encoding: .utf8)
    let script = try folder.write("a.peer", "print(1)\n")
    let env = ["PEER_DEFAULT_MAX_STEPS": "100000"]
    for arguments in [
      ["report", "--project", p], ["run", "--project", p, script], ["batch", "--project", p, script],
    ] {
      let result = try PeerProcess.run(arguments, environment: env)
      #expect(result.status != 0, "peer \(arguments): \(result.stderr)")
      let said = result.stderr + result.stdout  // batch reports its errors as JSON events on stdout
      #expect(said.contains("loop.peer:2:1"), "peer \(arguments): \(said)")
      #expect(said.contains("step budget exhausted"), "peer \(arguments): \(said)")
    }
  }

  func project() throws -> (TemporaryFolder, String) {
    let folder = try TemporaryFolder()
    let p = folder.path("p")
    #expect(try PeerProcess.run(["init", p]).status == 0)
    try """
    let visits_seen = [
      {site: "Bristol", kind: "home", on: 2026-07-02},
      {site: "Bristol", kind: "phone", on: 2026-08-10},
      {site: "Leeds", kind: "home", on: 2026-10-01},
    ]
    report seen(q = this_quarter, site = "Bristol") {
      title "Visits in {site}, {q}"
      table "By kind" with total = visits_seen | where .on in q and .site == site | group .kind | count as visits
    }
    """.write(toFile: p + "/scripts/seen.peer", atomically: false, encoding: .utf8)
    return (folder, p)
  }

  @Test func runsAReportInEachFormat() throws {
    let (folder, p) = try project()
    let list = try PeerProcess.run(["report", "--project", p])
    #expect(list.stdout == "seen(q, site)\n")
    let table = try PeerProcess.run([
      "report", "seen", "--project", p, "--q", "quarter(2026-07-01)", "--site", "Bristol",
    ])
    #expect(table.status == 0, "\(table.stderr)")
    #expect(table.stdout.hasPrefix("Visits in Bristol, Q2 2026/27\n"))
    #expect(table.stdout.contains("home        1"))
    let csv = try PeerProcess.run([
      "report", "seen", "--project", p, "--q=quarter(2026-07-01)", "--format", "csv",
    ])
    #expect(csv.stdout == "kind,visits\nhome,1\nphone,1\nTotal,2\n")
    // A bare word is text; a name the project knows is Peer script.
    let leeds = try PeerProcess.run([
      "report", "seen", "--project", p, "--q", "between(2026-09-01, 2026-12-31)", "--site", "Leeds",
      "--format", "json",
    ])
    #expect(leeds.stdout.contains("\"title\": \"Visits in Leeds, 2026-09-01 to 2026-12-31\""))
    let out = folder.path("seen.html")
    let html = try PeerProcess.run(["report", "seen", "--project", p, "--today", "2026-08-01", "--out", out])
    #expect(html.status == 0, "\(html.stderr)")
    #expect(
      try String(contentsOfFile: out, encoding: .utf8).contains("<h1>Visits in Bristol, Q2 2026/27</h1>"))
    let md = try PeerProcess.run([
      "report", "seen", "--project", p, "--today", "2026-08-01", "--format", "md",
    ])
    #expect(md.stdout.contains("| **Total** | **2** |"))
  }

  @Test func mistakesAreExplained() throws {
    let (folder, p) = try project()
    defer { withExtendedLifetime(folder) {} }
    // Mistakes on the command line exit with 2; a report that fails as it runs, with 1.
    let name = try PeerProcess.run(["report", "sen", "--project", p])
    #expect(name.status == 2)
    #expect(name.stderr == "peer: there is no report called \"sen\"\n  hint: did you mean \"seen\"?\n")
    let parameter = try PeerProcess.run(["report", "seen", "--project", p, "--quarter", "1"])
    #expect(parameter.status == 2)
    #expect(
      parameter.stderr
        == "peer: the report seen has no parameter \"quarter\"\n  hint: its parameters are --q, --site\n")
    // A value meant as Peer script that does not parse names its parameter; words stay text.
    let unparsed = try PeerProcess.run(["report", "seen", "--project", p, "--q", "quarter(2026-07-"])
    #expect(unparsed.status == 2)
    #expect(unparsed.stderr.hasPrefix("peer: the value of --q does not parse: "), "\(unparsed.stderr)")
    #expect(
      unparsed.stderr.contains(
        "hint: give Peer script, as in --q \"quarter(2026-07-01)\", or words taken as text"))
    let format = try PeerProcess.run(["report", "seen", "--project", p, "--format", "pdf"])
    #expect(format.status == 2)
    #expect(
      format.stderr
        == "peer: there is no format \"pdf\"\n  hint: the formats are table, csv, json, md and html\n")
    let unknown = try PeerProcess.run(["report", "zzz", "--project", p])
    #expect(unknown.status == 2)
    #expect(unknown.stderr == "peer: there is no report called \"zzz\"\n  hint: the reports are seen\n")
    let stray = try PeerProcess.run(["report", "seen", "--project", p, "Bristol"])
    #expect(stray.status == 2)
    #expect(stray.stderr.hasPrefix("peer: unexpected \"Bristol\"\n"))
    let noValue = try PeerProcess.run(["report", "seen", "--project", p, "--q"])
    #expect(noValue.status == 2)
    // A file name whose format is unknown would have held a table of text.
    let pdf = try PeerProcess.run(["report", "seen", "--project", p, "--out", folder.path("seen.pdf")])
    #expect(pdf.status == 2)
    #expect(pdf.stderr.contains("cannot tell a report's format from the name"))
    #expect(!FileManager.default.fileExists(atPath: folder.path("seen.pdf")))
    let bad = try PeerProcess.run(["report", "seen", "--project", p, "--q", "2026-07-01"])
    #expect(bad.status == 1)
    #expect(
      bad.stderr.contains("cannot look for date in a date") || bad.stderr.contains("cannot look inside date"))
  }
}
