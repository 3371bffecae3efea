import Foundation
import PeerTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Many people on one server at once, and the ways a command can be cut short there: nothing
/// lost, nothing half-written, one clear sentence.
@Suite("Sharing a server")
struct ServerSharingTests {
  /// A demo project on a new database of the shared test server.
  func demo(_ folder: TemporaryFolder) throws -> String {
    let project = folder.path("demo")
    let made = try PeerProcess.run(
      ["demo", project, "--database", try TestServer.newDatabaseURL(), "--today", "2026-11-01"])
    #expect(made.status == 0, "\(made.stderr)")
    return project
  }

  /// Starts peer; what it says on stderr goes to the file `errors` if given (to show why it
  /// failed), else nowhere.
  static func start(_ arguments: [String], environment: [String: String] = [:], errors: String? = nil)
    throws -> Process
  {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: PeerProcess.binary)
    p.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env.merge(environment) { $1 }
    p.environment = env
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    if let errors {
      FileManager.default.createFile(atPath: errors, contents: nil)
      p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errors))
    }
    try p.run()
    return p
  }

  static func number(_ result: PeerProcess.Result) -> Int {
    Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
  }

  /// 20 coordinators logging visits at once, with the nightly job and a report running beside
  /// them: every visit is kept, nobody waits for ever.
  @Test func twentyCoordinatorsABatchAndAReportAtOnce() throws {
    let folder = try TemporaryFolder()
    let project = try demo(folder)
    let count = try folder.write("count.peer", "print(visits | count)")
    let before = Self.number(try PeerProcess.run(["run", "--project", project, count]))
    let log = try folder.write(
      "log.peer",
      """
      let m = (matches | where .status == "active" | first).mother
      for i in 1..10 { log_visit(m, {kind: "phone", minutes: 5}) }
      """)
    var writers: [Process] = []
    for i in 0..<20 {
      writers.append(
        try Self.start(
          ["--today", "2026-11-01", "run", "--project", project, log], errors: folder.path("errors-\(i)")))
    }
    let batch = try Self.start(
      ["batch", project + "/scripts/nightly.peer", "--as-of", "2026-11-01", "--project", project],
      errors: folder.path("errors-batch"))
    let report = try PeerProcess.run(["--today", "2026-11-01", "report", "quarterly", "--project", project])
    #expect(report.status == 0, "\(report.stderr)")
    for (i, p) in (writers + [batch]).enumerated() {
      p.waitUntilExit()
      let said =
        (try? String(contentsOfFile: folder.path(i < 20 ? "errors-\(i)" : "errors-batch"), encoding: .utf8))
      #expect(p.terminationStatus == 0, "\(said ?? "")")
    }
    #expect(Self.number(try PeerProcess.run(["run", "--project", project, count])) == before + 200)
  }

  /// `kill -9` during an import: the server keeps all of it or none of it.
  @Test func killedDuringAnImportKeepsNothing() throws {
    let folder = try TemporaryFolder()
    let url = try TestServer.newDatabaseURL()
    #expect(try PeerProcess.run(["init", folder.path("p"), "--database", url]).status == 0)
    var csv = "name,status,site\n"
    for i in 0..<40_000 { csv += "Mother \(i),referred,Hackney\n" }
    let file = try folder.write("mothers.csv", csv)
    let importer = try Self.start(["import", "mothers", file, "--project", folder.path("p")])
    usleep(700_000)
    kill(importer.processIdentifier, SIGKILL)
    importer.waitUntilExit()
    let count = try folder.write("count.peer", "print(mothers | count)")
    let n = Self.number(try PeerProcess.run(["run", "--project", folder.path("p"), count]))
    #expect(n == 0 || n == 40_000, "\(n) mothers after the kill")
    let audit = try PeerProcess.run(
      [url, "-Atc", "SELECT count(*) FROM audit WHERE kind = 'mother'"], executable: "/usr/bin/psql")
    #expect((audit.stdout == "0\n") == (n == 0), "\(audit.stdout)")
  }

  /// `kill -9` during the nightly batch: its tasks and flags are all kept or none.
  @Test func killedDuringABatchKeepsAllOrNothing() throws {
    let folder = try TemporaryFolder()
    let project = try demo(folder)
    let job = ["batch", project + "/scripts/nightly.peer", "--as-of", "2026-11-01", "--project", project]
    let dry = try PeerProcess.run(job + ["--dry-run"])
    let end = dry.stdout.split(separator: "\n").last.map(String.init) ?? ""
    let made = end.firstMatch(of: /"tasks":([0-9]+)/).map { Int($0.1)! } ?? -1
    let flags = end.firstMatch(of: /"flags":([0-9]+)/).map { Int($0.1)! } ?? -1
    #expect(made + flags > 0, "\(end)")
    let batch = try Self.start(job)
    usleep(400_000)
    kill(batch.processIdentifier, SIGKILL)
    batch.waitUntilExit()
    let count = try folder.write("items.peer", "print((tasks | count) + (flags | count))")
    let kept = Self.number(
      try PeerProcess.run(["--today", "2026-11-01", "run", "--project", project, count]))
    #expect(kept == 0 || kept == made + flags, "\(kept) of \(made + flags)")
  }

  /// The server restarted in the middle of a command: the command ends with one sentence, what
  /// it did is gone, and the next command works.
  @Test func aServerRestartMidCommandEndsItCleanly() throws {
    let server = try ThrowawayServer()
    defer { server.stop() }
    let address = try server.newDatabase("restarted")
    let env = ["PGPASSWORD": server.password]
    let folder = try TemporaryFolder()
    let made = try PeerProcess.run(
      ["init", folder.path("p"), "--database", address.description], environment: env)
    #expect(made.status == 0, "\(made.stderr)")
    let slow = try folder.write(
      "slow.peer",
      """
      for i in 1..300 { create("service", {name: "S{i}"}) }
      var n = 0
      for i in 1..3000000 { n += i }
      create("service", {name: "last"})
      """)
    let out = folder.path("out")
    FileManager.default.createFile(atPath: out, contents: nil)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: PeerProcess.binary)
    p.arguments = ["run", "--project", folder.path("p"), slow]
    var environment = ProcessInfo.processInfo.environment
    environment.merge(env) { $1 }
    p.environment = environment
    p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
    try p.run()
    usleep(500_000)
    try server.restart()
    p.waitUntilExit()
    let said = try String(contentsOfFile: out, encoding: .utf8)
    #expect(p.terminationStatus == 1)
    #expect(
      said.contains("the connection to the server at") && said.contains("nothing of the command was saved"),
      "\(said)")
    let count = try folder.write("count.peer", "print(services | count)")
    let after = try PeerProcess.run(["run", "--project", folder.path("p"), count], environment: env)
    #expect(after.stdout == "0\n", "\(after.stderr)")
  }

  /// Two batch jobs on two machines never run at once: the lock is the server's.
  @Test func aSecondBatchOnTheServerDoesNothing() throws {
    let folder = try TemporaryFolder()
    let url = try TestServer.newDatabaseURL()
    #expect(try PeerProcess.run(["init", folder.path("a"), "--database", url]).status == 0)
    #expect(try PeerProcess.run(["init", folder.path("b"), "--database", url]).status == 0)
    let job = try folder.write("job.peer", "var n = 0\nfor i in 1..30000000 { n += i }\n")
    let first = try Self.start(["batch", job, "--project", folder.path("a")])
    usleep(600_000)
    let second = try PeerProcess.run(["batch", job, "--project", folder.path("b")])
    first.waitUntilExit()
    #expect(second.status == 1)
    #expect(second.stdout.contains("another peer batch is running on this project"), "\(second.stdout)")
  }

  /// The REPL on a server that restarts between two entries: the next entry connects again.
  @Test func theREPLConnectsAgainAfterARestart() throws {
    let server = try ThrowawayServer()
    defer { server.stop() }
    let address = try server.newDatabase("repl")
    let env = ["PGPASSWORD": server.password]
    let folder = try TemporaryFolder()
    #expect(
      try PeerProcess.run(["init", folder.path("p"), "--database", address.description], environment: env)
        .status == 0)
    let s = try TmuxSession(environment: env, arguments: ["--project", folder.path("p")])
    #expect(s.waitFor { TmuxSession.lines($0).contains { $0.hasPrefix("peer>") } }.ok)
    try s.type("create(\"service\", {name: \"before\"}).id")
    try s.send("Enter")
    #expect(s.waitFor { $0.contains("S-0001") }.ok)
    try server.restart()
    try s.type("create(\"service\", {name: \"after\"}).id")
    try s.send("Enter")
    // (After a crash the server's sequences skip ahead: the id is new, not necessarily S-0002.)
    let seen = s.waitFor { $0.components(separatedBy: "\"S-00").count == 3 }
    #expect(seen.ok && !seen.screen.contains("error"), "\(seen.screen)")
  }
}
