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

  /// docs/server/users.sql, as the docs say to run it: a coordinator's login that is a member
  /// of the group role works with peer as the owner does, but cannot rewrite the audit trail.
  @Test func aCoordinatorsLoginUsesTheProjectButCannotRewriteHistory() throws {
    let folder = try TemporaryFolder()
    let url = try TestServer.newDatabaseURL()
    #expect(try PeerProcess.run(["init", folder.path("owner"), "--database", url]).status == 0)
    let database = String(url.split(separator: "/").last!)
    let group = "users_\(database)"
    let login = "ann_\(database)"
    let psql = "/usr/bin/psql"
    let setup = try PeerProcess.run(
      [
        url, "-q", "-v", "users=\(group)", "-f",
        PeerProcess.packageRoot.appendingPathComponent("docs/server/users.sql").path,
      ],
      executable: psql)
    #expect(setup.status == 0, "\(setup.stderr)")
    let role = try PeerProcess.run(
      [url, "-qc", "CREATE ROLE \(login) LOGIN PASSWORD 'ann-secret' IN ROLE \(group)"], executable: psql)
    #expect(role.status == 0, "\(role.stderr)")

    let annURL = url.replacingOccurrences(of: "postgres@", with: "\(login)@")
    let ann = ["PGPASSWORD": "ann-secret"]
    let joined = try PeerProcess.run(["init", folder.path("ann"), "--database", annURL], environment: ann)
    #expect(joined.status == 0, "\(joined.stderr)")
    let work = try folder.write(
      "work.peer",
      """
      let m = create("mother", {name: "Ama", status: "referred"})
      m.status = "assessed"
      let s = create("service", {name: "Food bank"})
      delete(s)
      print(history(m.id) | map(.user))
      """)
    let run = try PeerProcess.run(
      ["run", "--project", folder.path("ann"), "--user", "ann", work], environment: ann)
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == "[\"ann\", \"ann\"]\n")
    for sql in [
      #"UPDATE audit SET "user" = 'mallory'"#, "DELETE FROM audit", "TRUNCATE audit",
      "DROP TRIGGER audit_no_change ON audit", "ALTER TABLE audit DISABLE TRIGGER ALL",
    ] {
      let tried = try PeerProcess.run([annURL, "-qc", sql], executable: psql, environment: ann)
      #expect(tried.status != 0, "\(sql) was allowed")
      #expect(
        tried.stderr.contains("audit trail cannot be changed") || tried.stderr.contains("permission denied")
          || tried.stderr.contains("must be owner"), "\(sql): \(tried.stderr)")
    }
    let trail = try PeerProcess.run(
      [url, "-Atc", #"SELECT count(*), count(DISTINCT "user") FROM audit"#], executable: psql)
    #expect(trail.stdout == "4|1\n", "\(trail.stdout)\(trail.stderr)")
  }

  /// `peer move`: a SQLite project to a server and back to a file, every record, task and
  /// audit entry with its id; a move into a database that holds records keeps nothing.
  @Test func aProjectMovesToAServerAndBackWhole() throws {
    let folder = try TemporaryFolder()
    let project = folder.path("p")
    #expect(try PeerProcess.run(["demo", project, "--today", "2026-11-01"]).status == 0)
    let changes = try folder.write(
      "changes.peer",
      """
      let m = M-0001
      m.phone = "07700 900111"
      delete(create("service", {name: "gone"}))
      restrict(M-0002, "withdrew consent")
      print(history(M-0001) | count)
      """)
    #expect(try PeerProcess.run(["run", "--project", project, changes]).status == 0)
    #expect(
      try PeerProcess.run([
        "batch", project + "/scripts/nightly.peer", "--as-of", "2026-11-01", "--project", project,
      ]).status == 0)
    func snapshot(_ p: String) throws -> [String] {
      let look = try folder.write("look.peer", "print(history(M-0001))\nprint(restrictions())")
      var out: [String] = []
      for kind in ["volunteers", "mothers", "matches", "visits", "endings", "services", "tasks"] {
        out.append(try PeerProcess.run(["export", kind, "--project", p]).stdout)
      }
      out.append(try PeerProcess.run(["run", "--project", p, look]).stdout)
      return out
    }
    let before = try snapshot(project)

    let url = try TestServer.newDatabaseURL()
    let moved = try PeerProcess.run(["move", "--to", url, "--project", project])
    #expect(moved.status == 0, "\(moved.stderr)")
    #expect(
      moved.stdout.contains("3333 mothers") && moved.stdout.contains("audit entries"), "\(moved.stdout)")
    #expect(FileManager.default.fileExists(atPath: project + "/peer.server"))
    #expect(FileManager.default.fileExists(atPath: project + "/peer.db.moved"))
    let onServer = try snapshot(project)
    #expect(onServer == before)
    #expect(onServer.last?.contains("update") == true && onServer.last?.contains("07700 900111") == true)
    #expect(onServer.last?.contains("[{record: \"M-0002\", since: ") == true)
    // The next service is S-0062: the deleted S-0061 is never given again, on the server too.
    let next = try folder.write("next.peer", "print(create(\"service\", {name: \"new\"}).id)")
    #expect(try PeerProcess.run(["run", "--project", project, next]).stdout == "S-0062\n")

    try FileManager.default.createDirectory(atPath: folder.path("back"), withIntermediateDirectories: true)
    let back = try PeerProcess.run(["move", "--to", folder.path("back/peer.db"), "--project", project])
    #expect(back.status == 0, "\(back.stderr)")
    // The copy holds the server's records as they now are (the snapshot above added one).
    #expect(
      try PeerProcess.run(["export", "services", "--project", folder.path("back")]).stdout
        == PeerProcess.run(["export", "services", "--project", project]).stdout)

    // Into a database that already holds a project: refused, nothing changed.
    let other = folder.path("other")
    let target = try TestServer.newDatabaseURL()
    #expect(try PeerProcess.run(["init", folder.path("t"), "--database", target]).status == 0)
    let one = try folder.write("one.peer", "create(\"service\", {name: \"there\"})")
    #expect(try PeerProcess.run(["run", "--project", folder.path("t"), one]).status == 0)
    #expect(try PeerProcess.run(["demo", other, "--today", "2026-11-01"]).status == 0)
    let refused = try PeerProcess.run(["move", "--to", target, "--project", other])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("peer move copies only into an empty project"), "\(refused.stderr)")
    #expect(FileManager.default.fileExists(atPath: other + "/peer.db"))
    #expect(
      try PeerProcess.run(["export", "services", "--project", folder.path("t")]).stdout.contains("there"))
  }

  /// The README's taste, line by line, on a demo on the server and on one in a file: the same
  /// answers (the REPL's lines through the REPL itself, fed on standard input; the shell's
  /// commands as written there).
  @Test func theREADMEWorksTheSameOnAServer() throws {
    let readme = try String(
      contentsOf: PeerProcess.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let lines = readme.split(separator: "\n").filter { $0.hasPrefix("peer> ") && !$0.contains("fill ") }
      .map { String($0.dropFirst("peer> ".count)) }
    #expect(lines.count >= 6)
    let folder = try TemporaryFolder()
    let server = folder.path("server")
    let file = folder.path("file")
    let day = "2026-11-20"
    #expect(
      try PeerProcess.run(["demo", server, "--database", try TestServer.newDatabaseURL(), "--today", day])
        .status == 0)
    #expect(try PeerProcess.run(["demo", file, "--today", day]).status == 0)
    var answers: [[String]] = []
    for project in [server, file] {
      let dir = URL(fileURLWithPath: project)
      var out: [String] = []
      let repl = try PeerProcess.run(
        ["--today", day], input: lines.joined(separator: "\n") + "\n", directory: dir)
      #expect(repl.status == 0 && !repl.stdout.contains("error"), "\(repl.stdout)\(repl.stderr)")
      out.append(repl.stdout)
      for command in [
        ["report", "quarterly", "--format", "md"],
        ["batch", "scripts/nightly.peer", "--as-of", day, "--dry-run"],
        ["form", "referral", "--print"], ["check", "scripts/project.peer"], ["test"],
      ] {
        let r = try PeerProcess.run(["--today", day] + command, directory: dir)
        #expect(r.status == 0, "\(command): \(r.stderr)")
        out.append(
          r.stdout.replacingOccurrences(of: #""duration_ms":[0-9]+,"#, with: "", options: .regularExpression))
      }
      answers.append(out)
    }
    #expect(answers[0] == answers[1])
  }
}
