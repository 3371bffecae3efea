import Foundation
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// Killing peer at any moment leaves the project as it was before the command or as after it,
/// never between; and two processes can write to one project at once without losing anything.
@Suite("crash safety and sharing", .serialized)
struct CrashSafetyTests {
  /// Starts `peer ARGS` and returns its pid (output discarded).
  func start(_ arguments: [String]) -> pid_t {
    var pid: pid_t = 0
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = [PeerProcess.binary] + arguments
    var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
    defer { for p in cArgs { free(p) } }
    #expect(posix_spawn(&pid, PeerProcess.binary, &actions, nil, &cArgs, environ) == 0)
    return pid
  }

  func wait(_ pid: pid_t) -> Int32 {
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    return status
  }

  func count(_ kind: String, in project: String, folder: TemporaryFolder) throws -> Int {
    let script = try folder.write("count-\(kind).peer", "print(len(\(kind)))")
    let result = try PeerProcess.run(["run", "--project", project, script])
    #expect(result.status == 0, "\(result.stderr)")
    return Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
  }

  @Test func killedDuringAnImportLeavesAllOrNothing() throws {
    let folder = try TemporaryFolder()
    let project = folder.path("p")
    #expect(try PeerProcess.run(["init", project]).status == 0)
    let rows = 20_000
    var csv = "name,category,area\n"
    for i in 1...rows { csv += "Service \(i),food bank,Area \(i % 9)\n" }
    let file = try folder.write("services.csv", csv)
    for delay in [20_000, 60_000, 120_000] as [useconds_t] {
      let pid = start(["import", "services", file, "--project", project])
      usleep(delay)
      kill(pid, SIGKILL)
      _ = wait(pid)
      let n = try count("services", in: project, folder: folder)
      #expect(n % rows == 0, "after kill -9 the project holds \(n) services: half an import")
    }
  }

  /// The visits' bulk path (indexes dropped and built again, the database's reference checks
  /// off for the transaction) is all or nothing too, and leaves the indexes and checks in place.
  @Test func killedDuringAVisitsImportLeavesAllOrNothing() throws {
    let folder = try TemporaryFolder()
    let demo = folder.path("demo")
    let project = folder.path("p")
    #expect(try PeerProcess.run(["demo", demo, "--today", "2026-11-01"]).status == 0)
    #expect(try PeerProcess.run(["init", project]).status == 0)
    var files: [String: String] = [:]
    for kind in ["volunteers", "mothers", "matches", "endings", "visits"] {
      let exported = try PeerProcess.run(["export", kind, "--project", demo])
      files[kind] = try folder.write("\(kind).csv", exported.stdout)
      if kind != "visits" {
        #expect(try PeerProcess.run(["import", kind, files[kind]!, "--project", project]).status == 0)
      }
    }
    let rows = try count("visits", in: demo, folder: folder)
    #expect(rows > 20_000)
    for delay in [50_000, 250_000, 700_000] as [useconds_t] {
      let pid = start(["import", "visits", files["visits"]!, "--project", project])
      usleep(delay)
      kill(pid, SIGKILL)
      _ = wait(pid)
      let n = try count("visits", in: project, folder: folder)
      #expect(n == 0 || n == rows, "after kill -9 the project holds \(n) visits: half an import")
      if n == rows { break }
    }
    if try count("visits", in: project, folder: folder) == 0 {
      let done = try PeerProcess.run(["import", "visits", files["visits"]!, "--project", project])
      #expect(done.status == 0, "\(done.stderr)")
    }
    #expect(try count("visits", in: project, folder: folder) == rows)
    let check = try folder.write(
      "check.peer",
      """
      print(len(C-0001.match.visits) > 0)
      """)
    #expect(try PeerProcess.run(["run", "--project", project, check]).stdout == "true\n")
    if access("/usr/bin/sqlite3", X_OK) == 0 {
      let sql = try PeerProcess.run(
        [
          "-c",
          "/usr/bin/sqlite3 '\(project)/peer.db' 'PRAGMA integrity_check' \"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'visits' ORDER BY name\"",
        ], executable: "/bin/sh")
      #expect(sql.stdout == "ok\nvisits_date\nvisits_match_id\n", "\(sql.stderr)")
    }
  }

  @Test func killedDuringAScriptLeavesNothing() throws {
    let folder = try TemporaryFolder()
    let project = folder.path("p")
    #expect(try PeerProcess.run(["init", project]).status == 0)
    let script = try folder.write(
      "slow.peer",
      """
      for i in 1..500 { create("service", {name: "S{i}"}) }
      while true { }
      """)
    let pid = start(["run", "--project", project, script])
    usleep(300_000)
    kill(pid, SIGKILL)
    _ = wait(pid)
    #expect(try count("services", in: project, folder: folder) == 0)
    #expect(
      try PeerProcess.run(["run", "--project", project, try folder.write("ok.peer", "print(1)")]).status == 0)
  }

  @Test func twoProcessesWritingAtOnceLoseNothing() throws {
    let folder = try TemporaryFolder()
    let project = folder.path("p")
    #expect(try PeerProcess.run(["init", project]).status == 0)
    let script = try folder.write("add.peer", "for i in 1..200 { create(\"service\", {name: \"S{i}\"}) }")
    let writers = (0..<4).map { _ in start(["run", "--project", project, script]) }
    for pid in writers {
      let status = wait(pid)
      #expect(status == 0, "a writer failed (status \(status))")
    }
    #expect(try count("services", in: project, folder: folder) == 800)
  }
}
