import Foundation
import Testing

/// `peer batch`: the JSON-lines log, exit status, --as-of replay, --dry-run, --log and the lock
/// that keeps two runs on one project from overlapping.
@Suite("peer batch")
struct BatchCommandTests {
  /// A demo project (data ending 2026-11-26) with the demo's nightly rules in scripts/.
  func demo(_ folder: TemporaryFolder) throws -> String {
    let project = folder.path("demo")
    let made = try PeerProcess.run(["demo", project, "--today", "2026-11-26"])
    #expect(made.status == 0, "\(made.stderr)")
    let nightly = try String(
      contentsOf: PeerProcess.packageRoot.appendingPathComponent("Examples/workflows/nightly.peer"),
      encoding: .utf8)
    try nightly.write(toFile: project + "/scripts/nightly.peer", atomically: false, encoding: .utf8)
    return project
  }

  func events(_ output: String) throws -> [[String: Any]] {
    try output.split(separator: "\n").map {
      try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
  }

  func batch(_ project: String, _ extra: [String]) throws -> PeerProcess.Result {
    try PeerProcess.run(
      ["batch", "scripts/nightly.peer", "--user", "cron"] + extra, directory: URL(fileURLWithPath: project))
  }

  @Test func oneEventPerLineAndNothingTwice() throws {
    let folder = try TemporaryFolder()
    let project = try demo(folder)
    let first = try batch(project, ["--as-of", "2026-11-26"])
    #expect(first.status == 0, "\(first.stderr)")
    let log = try events(first.stdout)
    #expect(log.first?["event"] as? String == "start")
    #expect(log.first?["as_of"] as? String == "2026-11-26")
    let end = try #require(log.last)
    #expect(end["event"] as? String == "end" && end["ok"] as? Bool == true && end["kept"] as? Bool == true)
    let created = log.filter { ["task", "flag"].contains($0["event"] as? String) }
    #expect(!created.isEmpty)
    #expect(created.count == (end["tasks"] as! Int) + (end["flags"] as! Int))
    for e in created {
      #expect(e["record"] is String && e["title"] is String && e["due"] is String && e["rule"] is String)
    }
    #expect(Set(created.compactMap { $0["rule"] as? String }).count >= 3)
    #expect(end["duration_ms"] is Int)

    let again = try events(try batch(project, ["--as-of", "2026-11-26"]).stdout)
    #expect(again.count == 2)
    #expect(again.last?["tasks"] as? Int == 0 && again.last?["unchanged"] as? Int == created.count)

    let repl = try PeerProcess.run(
      ["--user", "x", "--today", "2026-11-26"], input: "print(len(tasks) + len(flags))\n",
      directory: URL(fileURLWithPath: project))
    #expect(repl.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "\(created.count)")
  }

  @Test func aDryRunLogsAndKeepsNothingAndAReplayUsesItsDay() throws {
    let folder = try TemporaryFolder()
    let project = try demo(folder)
    let dry = try events(try batch(project, ["--as-of", "2026-11-26", "--dry-run"]).stdout)
    #expect(dry.last?["kept"] as? Bool == false)
    let wouldBe = dry.last?["tasks"] as? Int ?? 0
    #expect(wouldBe > 0)
    // Kept nothing: the real run creates them all.
    let real = try events(try batch(project, ["--as-of", "2026-11-26"]).stdout)
    #expect(real.last?["tasks"] as? Int == wouldBe)
    // A month earlier, the referrals of early November had not waited 28 days yet.
    let earlier = try events(try batch(folder.path("demo"), ["--as-of", "2026-10-26", "--dry-run"]).stdout)
    let waiting = { (log: [[String: Any]]) in
      log.filter { $0["rule"] as? String == "referral waiting" && $0["event"] as? String == "task" }.count
    }
    #expect(waiting(earlier) != waiting(real))
  }

  /// A job that runs the rules itself logs what they made; a dry run's items say they were
  /// not kept and carry no id (the numbers are given again by the next real run).
  @Test func theLogSaysWhatWasKept() throws {
    let folder = try TemporaryFolder()
    let project = try demo(folder)
    let job = try folder.write("job.peer", "let done_today = run_rules()\nprint(done_today.tasks)\n")
    let dry = try events(
      try PeerProcess.run(
        ["batch", job, "--as-of", "2026-11-26", "--dry-run"], directory: URL(fileURLWithPath: project)
      ).stdout)
    let made = dry.filter { $0["event"] as? String == "task" }
    #expect(!made.isEmpty, "a job's own run_rules() logs its tasks")
    #expect(made.allSatisfy { $0["id"] == nil && $0["kept"] as? Bool == false })
    let real = try events(try batch(project, ["--as-of", "2026-11-26"]).stdout)
    let kept = real.filter { $0["event"] as? String == "task" }
    #expect(!kept.isEmpty && kept.allSatisfy { $0["id"] is Int && $0["kept"] as? Bool == true })
  }

  @Test func errorsAreLoggedAndExitWithOne() throws {
    let folder = try TemporaryFolder()
    let project = try demo(folder)
    // A rule that fails, added to the demo's own volunteer workflow (one workflow per kind).
    let nightly = project + "/scripts/nightly.peer"
    let original = try String(contentsOfFile: nightly, encoding: .utf8)
    try original.replacingOccurrences(
      of: "  of volunteer\n", with: "  of volunteer\n  every day \"oops\" { task(V-9999, \"x\") }\n"
    ).write(toFile: nightly, atomically: false, encoding: .utf8)
    let run = try PeerProcess.run(
      ["batch", "scripts/nightly.peer", "--as-of", "2026-11-26"], directory: URL(fileURLWithPath: project))
    try original.write(toFile: nightly, atomically: false, encoding: .utf8)
    #expect(run.status == 1)
    let log = try events(run.stdout)
    let error = try #require(log.first { $0["event"] as? String == "error" })
    #expect(error["rule"] as? String == "oops")
    #expect((error["message"] as? String ?? "").contains("there is no volunteer V-9999"))
    #expect(log.last?["ok"] as? Bool == false && log.last?["kept"] as? Bool == false)
    // Nothing of that night was kept: the next run still creates the demo's tasks.
    #expect(
      (try events(try batch(project, ["--as-of", "2026-11-26"]).stdout).last?["tasks"] as? Int ?? 0) > 0)

    let syntax = try folder.write("syntax.peer", "let x = (\n")
    let bad = try PeerProcess.run(["batch", syntax], directory: URL(fileURLWithPath: project))
    #expect(bad.status == 1)
    #expect(try events(bad.stdout).contains { $0["event"] as? String == "error" })
    #expect(
      try PeerProcess.run(
        ["batch", syntax, "--as-of", "26/11/2026"], directory: URL(fileURLWithPath: project)
      ).status == 2)
  }

  @Test func recordsInAStatusTheWorkflowNoLongerHasAreReported() throws {
    let folder = try TemporaryFolder()
    let project = try demo(folder)
    // A workflow without "assessed" and "declined": the demo's mothers in them are reported.
    let narrow = try folder.write(
      "narrow.peer", "workflow narrow {\n  referred -> waiting -> matched -> active -> ending -> closed\n}\n")
    try FileManager.default.removeItem(atPath: project + "/scripts/nightly.peer")
    let run = try PeerProcess.run(
      ["batch", narrow, "--as-of", "2026-11-26"], directory: URL(fileURLWithPath: project))
    #expect(run.status == 0, "\(run.stdout)")
    let strays = try events(run.stdout).filter { $0["event"] as? String == "stray" }
    #expect(Set(strays.compactMap { $0["status"] as? String }).isSubset(of: ["assessed", "declined"]))
    #expect(
      !strays.isEmpty
        && strays.allSatisfy { ($0["count"] as? Int ?? 0) > 0 && $0["workflow"] as? String == "narrow" })
    let check = try PeerProcess.run(
      ["--user", "x"], input: "print(len(mothers | where .status in [\"assessed\", \"declined\"]))\n",
      directory: URL(fileURLWithPath: project))
    #expect(
      check.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        == "\(strays.reduce(0) { $0 + ($1["count"] as! Int) })")
  }

  @Test func theLogFileAndTheLock() throws {
    let folder = try TemporaryFolder()
    let project = try demo(folder)
    let logPath = folder.path("nightly.log")
    #expect(try batch(project, ["--as-of", "2026-11-26", "--log", logPath]).stdout.isEmpty)
    #expect(try batch(project, ["--as-of", "2026-11-27", "--log", logPath]).status == 0)
    let log = try events(try String(contentsOfFile: logPath, encoding: .utf8))
    #expect(log.filter { $0["event"] as? String == "start" }.count == 2)

    // Another process holds the lock: the run does nothing and says so.
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
    holder.arguments = [project + "/.peer-batch.lock", "sleep", "5"]
    try holder.run()
    defer { holder.terminate() }
    usleep(300_000)
    let blocked = try batch(project, ["--as-of", "2026-11-28"])
    #expect(blocked.status == 1)
    let events = try events(blocked.stdout)
    #expect((events[1]["message"] as? String ?? "").contains("another peer batch is running on this project"))
    #expect(events.last?["rules"] as? Int == 0)
  }
}
