import Foundation
import Testing

/// `peer init`, scripts on a project, `peer export` and `peer import` round trips, and the
/// messages for a missing project.
@Suite("project commands")
struct ProjectCommandTests {
  @Test func initRunImportExportRoundTrip() throws {
    let folder = try TemporaryFolder()
    let a = folder.path("a")
    let b = folder.path("b")
    #expect(try PeerProcess.run(["init", a]).status == 0)
    #expect(try PeerProcess.run(["init", b]).status == 0)
    let again = try PeerProcess.run(["init", a])
    #expect(again.status == 1)
    #expect(again.stderr.contains("already holds a project"))

    let script = try folder.write(
      "add.peer",
      """
      create("volunteer", {name: "Vera", status: "active", capacity: 2, languages: ["English", "Polish"]})
      let m = refer({name: "Maria, \\"Mia\\"", due_date: 2027-02-01, referral_date: 2026-11-01})
      match(m, V-0001)
      log_visit(m, {kind: "home", minutes: 45, date: 2026-11-26, notes: "line one\\nline two"})
      print(len(mothers), M-0001.volunteer.name)
      """)
    let run = try PeerProcess.run([
      "run", "--project", a, "--user", "tester", "--today", "2026-11-26", script,
    ])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == "1 Vera\n")

    for kind in ["volunteers", "mothers", "matches", "visits"] {
      let exported = try PeerProcess.run(["export", kind, "--project", a])
      #expect(exported.status == 0)
      let csv = try folder.write("\(kind).csv", exported.stdout)
      let imported = try PeerProcess.run(["import", kind, csv, "--project", b])
      #expect(imported.status == 0, "\(imported.stderr)")
      #expect(try PeerProcess.run(["export", kind, "--project", b]).stdout == exported.stdout)
    }
    let json = try PeerProcess.run(["export", "mothers", "--format", "json", "--project", b])
    #expect(json.stdout.contains("\"Maria, \\\"Mia\\\"\""))
  }

  /// `peer check` says what loading would say, in the same words: the project's scripts'
  /// load-time problems (a form's question that depends on a later one), and those of the
  /// declarations in the files checked (a workflow's status a letter from a standard one),
  /// without doing any of their work.
  @Test func checkReportsWhatLoadingWould() throws {
    let folder = try TemporaryFolder()
    let p = folder.path("p")
    #expect(try PeerProcess.run(["init", p]).status == 0)
    let form = try folder.write(
      "p/scripts/referral.peer",
      """
      form referral "Referral" {
        interpreter yesno when .language != "English"
        language    text
      }
      """)
    let job = try folder.write(
      "job.peer",
      """
      print("the job runs")
      let m = refer({name: "Zed"})
      workflow support {
        referred -> waitng
      }
      """)
    let other = try folder.write("other.peer", "print(1)\n")
    let load = try PeerProcess.run(["run", "--project", p, other])
    #expect(load.status == 1)
    #expect(load.stderr.contains("\"interpreter\" depends on \"language\", which is asked later"))
    // Checking any file of the project reports the load error, once, as loading does.
    let checkOther = try PeerProcess.run(["check", "--project", p, other])
    #expect(checkOther.status == 1)
    #expect(checkOther.stderr == load.stderr)
    let checkForm = try PeerProcess.run(["check", "--project", p, form])
    #expect(checkForm.stderr == load.stderr)
    // With the form fixed, the job's workflow is what `peer run` stops at.
    try folder.write(
      "p/scripts/referral.peer", "form referral \"Referral\" {\n  language text\n  interpreter yesno\n}\n")
    let run = try PeerProcess.run(["run", "--project", p, job])
    #expect(run.status == 1)
    #expect(run.stdout == "the job runs\n")
    #expect(run.stderr.contains("mothers cannot have the status \"waitng\""))
    #expect(run.stderr.contains("hint: did you mean \"waiting\"?"))
    let check = try PeerProcess.run(["check", "--project", p, job])
    #expect(check.status == 1)
    #expect(check.stderr == run.stderr, "the same words, place, caret and hint")
    #expect(check.stdout.isEmpty, "check runs no print, and no statement but declarations")
    // Nothing was kept: the failed run rolled back its referral, and check ran in a
    // transaction rolled back after.
    let count = try PeerProcess.run([
      "run", "--project", p, try folder.write("count.peer", "print(len(mothers))"),
    ])
    #expect(count.stdout == "0\n")
    #expect(try PeerProcess.run(["check", "--project", p, other]).status == 0)
  }

  /// Without a project, a report's own load-time checks are made too.
  @Test func checkRunsAReportsLoadTimeChecksWithoutAProject() throws {
    let folder = try TemporaryFolder()
    let script = try folder.write(
      "r.peer",
      "let xs = [1, 2]\nprint(\"runs\")\nreport r {\n  title \"One\"\n  title \"Two\"\n  table \"T\" = xs | count\n}\n"
    )
    let run = try PeerProcess.run(["run", script], directory: folder.url)
    #expect(run.status == 1)
    #expect(run.stderr.contains("the report has two titles"))
    let check = try PeerProcess.run(["check", script], directory: folder.url)
    #expect(check.status == 1)
    #expect(check.stderr == run.stderr)
    #expect(check.stdout.isEmpty)
  }

  /// `peer check` in a project knows the names its scripts define, without running them.
  @Test func checkKnowsTheProjectsOwnNames() throws {
    let folder = try TemporaryFolder()
    let p = folder.path("p")
    #expect(try PeerProcess.run(["init", p]).status == 0)
    _ = try folder.write(
      "p/scripts/helpers.peer",
      """
      refer({name: "Made by loading", due_date: 2027-02-01})
      print("loaded")
      fn greet(m) { "hello " + m.name }
      let answer = 42
      """)
    let use = try folder.write("use.peer", "print(greet(M-0001), answer)\n")
    let ok = try PeerProcess.run(["check", "--project", p, use])
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(ok.stdout.isEmpty && ok.stderr.isEmpty)
    let scripts = try PeerProcess.run(["check", "--project", p, folder.path("p/scripts/helpers.peer"), use])
    #expect(scripts.status == 0, "\(scripts.stderr)")
    let bad = try PeerProcess.run([
      "check", "--project", p, try folder.write("bad.peer", "print(greet(M-0001), nope)\n"),
    ])
    #expect(bad.status == 1)
    #expect(bad.stderr.contains("unknown name \"nope\"") && !bad.stderr.contains("unknown name \"greet\""))
    // Without the project, its names are unknown.
    #expect(try PeerProcess.run(["check", use]).stderr.contains("unknown name \"greet\""))
    // Checking ran nothing: no mother was referred.
    let count = try PeerProcess.run([
      "run", "--project", p, try folder.write("count.peer", "print(len(mothers))"),
    ])
    #expect(count.stdout == "loaded\n1\n")
  }

  @Test func aFailingScriptChangesNothing() throws {
    let folder = try TemporaryFolder()
    let p = folder.path("p")
    #expect(try PeerProcess.run(["init", p]).status == 0)
    let script = try folder.write("bad.peer", "refer({name: \"A\"})\nrefer({name: \"B\"})\n1 / 0\n")
    let run = try PeerProcess.run(["run", "--project", p, script])
    #expect(run.status == 1)
    #expect(run.stderr.contains("division by zero"))
    let count = try PeerProcess.run([
      "run", "--project", p, try folder.write("count.peer", "print(len(mothers))"),
    ])
    #expect(count.stdout == "0\n")
  }

  @Test func badImportsAreReportedByRowAndColumn() throws {
    let folder = try TemporaryFolder()
    let p = folder.path("p")
    #expect(try PeerProcess.run(["init", p]).status == 0)
    let csv = try folder.write(
      "mothers.csv",
      "name,referral_date,status\nAnn,2026-11-01,waiting\nBo,31/02/2026,waiting\nCy,2026-11-02,asleep\n")
    let result = try PeerProcess.run(["import", "mothers", csv, "--project", p])
    #expect(result.status == 1)
    #expect(result.stderr.contains("mothers.csv:3:referral_date:"))
    #expect(result.stderr.contains("mothers.csv:4:status:"))
    let count = try PeerProcess.run([
      "run", "--project", p, try folder.write("count.peer", "print(len(mothers))"),
    ])
    #expect(count.stdout == "0\n")
  }

  @Test func missingProjectsAreOneSentence() throws {
    let folder = try TemporaryFolder()
    let result = try PeerProcess.run(["export", "mothers", "--project", folder.path("nowhere")])
    #expect(result.status == 1)
    #expect(result.stderr.hasPrefix("peer: there is no peer project in"))
    let kind = try PeerProcess.run(["export", "babies", "--project", folder.path("nowhere")])
    #expect(kind.status == 2)
  }
}
