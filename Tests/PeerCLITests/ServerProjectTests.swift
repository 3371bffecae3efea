import Foundation
import PeerTestSupport
import Testing

/// A project whose records are on a PostgreSQL server (the test run's throwaway one): made with
/// `--database URL`, it works as the folder's own database does, and keeps no password.
@Suite("Projects on a server")
struct ServerProjectTests {
  @Test func initMakesAProjectOnTheServerThatScriptsUse() throws {
    let folder = try TemporaryFolder()
    let url = try TestServer.newDatabaseURL()
    let made = try PeerProcess.run(["init", folder.path("p"), "--database", url])
    #expect(made.status == 0, "\(made.stderr)")
    #expect(made.stdout.contains("peer.server"))
    let kept = try String(contentsOfFile: folder.path("p/peer.server"), encoding: .utf8)
    #expect(kept.contains(url) && !FileManager.default.fileExists(atPath: folder.path("p/peer.db")))
    let script = try folder.write(
      "s.peer",
      """
      let s = create("service", {name: "Food bank", area: "Hackney"})
      s.area = "Luton"
      print(services | where .area == "Luton" | count)
      print(history(s.id) | map(.action))
      """)
    let run = try PeerProcess.run(["run", "--project", folder.path("p"), script])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == "1\n[\"create\", \"update\"]\n")
    let export = try PeerProcess.run(["export", "services", "--project", folder.path("p")])
    #expect(export.stdout.contains("S-0001,Food bank"), "\(export.stdout)")
    // A second coordinator's folder for the same records; a URL holding a password is refused.
    let again = try PeerProcess.run(["init", folder.path("q"), "--database", url])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(again.stdout.contains("already on the server"), "\(again.stdout)")
    let seen = try PeerProcess.run([
      "run", "--project", folder.path("q"), try folder.write("n.peer", "print(services | count)"),
    ])
    #expect(seen.stdout == "1\n", "\(seen.stderr)")
    let secret = try PeerProcess.run([
      "init", folder.path("r"), "--database", "postgresql://ann:pw@localhost/x",
    ])
    #expect(secret.status == 1)
    #expect(secret.stderr.contains("the URL holds a password"), "\(secret.stderr)")
    #expect(!FileManager.default.fileExists(atPath: folder.path("r")))
  }

  /// The demo on a server gives the same records and the same reports as on SQLite.
  @Test func theDemoOnAServerReportsWhatTheFileDoes() throws {
    let folder = try TemporaryFolder()
    let server = folder.path("server")
    let file = folder.path("file")
    #expect(
      try PeerProcess.run([
        "demo", server, "--database", try TestServer.newDatabaseURL(), "--today", "2026-11-01",
      ])
      .status == 0)
    #expect(try PeerProcess.run(["demo", file, "--today", "2026-11-01"]).status == 0)
    for kind in ["mothers", "visits", "endings"] {
      let a = try PeerProcess.run(["export", kind, "--project", server])
      let b = try PeerProcess.run(["export", kind, "--project", file])
      #expect(a.status == 0 && a.stdout == b.stdout, "\(kind): \(a.stderr)")
    }
    for report in ["quarterly", "caseloads", "endings_summary", "reach", "workforce"] {
      let arguments = ["--today", "2026-11-01", "report", report, "--format", "csv", "--project"]
      let a = try PeerProcess.run(arguments + [server])
      let b = try PeerProcess.run(arguments + [file])
      #expect(a.status == 0 && a.stdout == b.stdout && !a.stdout.isEmpty, "\(report): \(a.stderr)")
    }
    // The nightly rules make the same tasks and flags on both.
    var ends: [String] = []
    for project in [server, file] {
      let nightly = try PeerProcess.run([
        "batch", project + "/scripts/nightly.peer", "--as-of", "2026-11-01", "--project", project,
      ])
      #expect(nightly.status == 0, "\(nightly.stdout.suffix(600))")
      let end = nightly.stdout.split(separator: "\n").last.map(String.init) ?? ""
      ends.append(
        end.replacingOccurrences(of: #""duration_ms":[0-9]+,"#, with: "", options: .regularExpression))
    }
    #expect(ends[0] == ends[1] && ends[0].contains(#""ok":true"#), "\(ends)")
    let tasks = ["export", "tasks", "--project"]
    #expect(try PeerProcess.run(tasks + [server]).stdout == PeerProcess.run(tasks + [file]).stdout)
  }

  /// The demo is the same in every run (two processes, each with its own hash seed).
  @Test func theDemoIsTheSameEveryTime() throws {
    let folder = try TemporaryFolder()
    for name in ["a", "b"] {
      #expect(try PeerProcess.run(["demo", folder.path(name), "--today", "2026-11-01"]).status == 0)
    }
    for kind in ["volunteers", "mothers"] {
      let a = try PeerProcess.run(["export", kind, "--project", folder.path("a")])
      let b = try PeerProcess.run(["export", kind, "--project", folder.path("b")])
      #expect(a.stdout == b.stdout, "\(kind) differ")
    }
  }

  @Test func aServerThatCannotBeReachedIsOneSentence() throws {
    let folder = try TemporaryFolder()
    let made = try PeerProcess.run([
      "init", folder.path("p"), "--database", "postgresql://nobody@127.0.0.1:1/none",
    ])
    #expect(made.status == 1)
    #expect(
      made.stderr.hasPrefix(
        "peer: cannot reach the PostgreSQL server at postgresql://nobody@127.0.0.1:1/none"), "\(made.stderr)")
    #expect(made.stderr.split(separator: "\n").count == 1)
  }
}
