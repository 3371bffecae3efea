import PeerCore
import PeerScript
import PeerStore
import Testing

/// `workflow` declarations: steps, guards (every failing one reported), actions, and the
/// status changes of scripts and built-ins all passing through them.
@Suite("Workflows")
struct WorkflowTests {
  static let support = """
    workflow support {
      referred -> assessed -> waiting -> matched -> active -> ending -> closed
      referred, assessed, waiting -> declined
      guard assessed(m) {
        require m.consent, "{m.name} has not given her consent"
        require m.due_date != nil, "{m.name} has no due date"
      }
      on enter waiting(m) { m.waiting_since = today }
      on leave waiting(m) { print("{m.name} waited {today - m.waiting_since}") }
    }
    """

  func project() throws -> TestProject {
    let p = try TestProject()
    try p.run(Self.support)
    return p
  }

  func message(_ p: TestProject, _ source: String) -> String {
    do {
      try p.run(source)
      return "(no error)"
    } catch {
      return "\(error)"
    }
  }

  @Test func anAllowedStepIsTakenAndItsActionsRun() throws {
    let p = try project()
    try p.run(
      """
      let m = refer({name: "Amy", consent: true, due_date: 2027-01-10})
      m.status = "assessed"
      m.status = "waiting"
      print(m.waiting_since)
      """)
    try p.run("M-0001.status = \"declined\"")
    #expect(p.sink.lines == ["2026-11-26", "Amy waited 0 days"])
    let stored = try p.store.read { try $0.get(.mother, id: 1) }
    #expect(stored?.fields["status"] == .text("declined"))
  }

  @Test func aStepTheWorkflowDoesNotHaveIsRefused() throws {
    let p = try project()
    try p.run("refer({name: \"Amy\"})")
    let e = message(p, "M-0001.status = \"matched\"")
    #expect(e.contains("Amy (M-0001) cannot go from \"referred\" to \"matched\" in workflow support"))
    #expect(e.contains("from \"referred\" the next step is \"assessed\" or \"declined\""))
    #expect(try p.store.read { try $0.get(.mother, id: 1) }?.fields["status"] == .text("referred"))
  }

  @Test func aFinalStatusSaysSo() throws {
    let p = try project()
    try p.run("let m = refer({name: \"Amy\"})\nm.status = \"declined\"")
    #expect(message(p, "M-0001.status = \"waiting\"").contains("\"declined\" is a final status"))
  }

  @Test func everyFailingGuardIsReportedTogether() throws {
    let p = try project()
    try p.run("refer({name: \"Amy\"})")
    let e = message(p, "M-0001.status = \"assessed\"")
    #expect(e.contains("Amy (M-0001) cannot become \"assessed\":"))
    #expect(e.contains("  - Amy has not given her consent\n  - Amy has no due date"))
    #expect(e.contains("put these right first"))
  }

  @Test func oneFailingGuardOfTwo() throws {
    let p = try project()
    try p.run("refer({name: \"Amy\", consent: true})")
    let e = message(p, "M-0001.status = \"assessed\"")
    #expect(e.contains("  - Amy has no due date"))
    #expect(!e.contains("consent"))
    #expect(e.contains("put this right first"))
  }

  @Test func builtInsGoThroughTheWorkflow() throws {
    let p = try project()
    try p.run(
      "create(\"volunteer\", {name: \"Vera\", status: \"active\", capacity: 1})\nrefer({name: \"Amy\"})")
    // `match` sets the mother's status to "matched", which "referred" cannot reach.
    let e = message(p, "match(M-0001, V-0001)")
    #expect(e.contains("cannot go from \"referred\" to \"matched\""))
    #expect(try p.count(.match) == 0)
  }

  @Test func aWorkflowMayNameStatusesOfItsOwn() throws {
    let p = try TestProject()
    try p.run(
      """
      workflow doula {
        referred -> antenatal -> postnatal -> closed
      }
      create("mother", {name: "Amy", status: "antenatal"})
      M-0001.status = "postnatal"
      """)
    #expect(try p.run("M-0001.status")?.description == "postnatal")
    #expect(message(p, "M-0001.status = \"antenatl\"").contains("workflow doula has no such status"))
    // One letter from a standard status is taken for a typo of it.
    let typo = message(p, "workflow other {\n  referred -> wating\n}")
    #expect(
      typo.contains("mothers cannot have the status \"wating\"") && typo.contains("did you mean \"waiting\"?")
    )
    // Imports start records in the workflow's statuses too.
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    let path = folder + "/mothers.csv"
    writeFile(path, "name,status,referral_date\nBea,antenatal,2026-10-01\n")
    let statuses = p.session.workflowStatuses(for: .mother)
    #expect(statuses?.names == ["referred", "antenatal", "postnatal", "closed"])
    let report = try Importer.importCSV(kind: .mother, path: path, store: p.store, statuses: statuses)
    #expect(report.imported == 1)
  }

  @Test func anUnknownStatusIsNamed() throws {
    let p = try TestProject()
    try p.run("workflow short {\n  referred -> waiting\n}\nrefer({name: \"Amy\"})")
    #expect(message(p, "M-0001.status = \"assessed\"").contains("workflow short has no such status"))
    #expect(
      message(p, "create(\"mother\", {name: \"B\", status: \"closed\"})").contains(
        "cannot start as \"closed\""))
  }

  @Test func recordsInAStatusTheWorkflowLacksAreListedAndCanMoveOn() throws {
    let p = try TestProject()
    try p.run("create(\"mother\", {name: \"Old\", status: \"assessed\"})")
    try p.run("workflow short {\n  referred -> waiting -> declined\n}")
    try p.run("print(short.strays.map(fn(m) => m.name))")
    try p.run("M-0001.status = \"waiting\"")
    try p.run("print(len(short.strays), short.statuses, short.steps)")
    #expect(
      p.sink.lines == [
        "[\"Old\"]",
        "0 [\"referred\", \"waiting\", \"declined\"] [\"referred -> waiting\", \"waiting -> declined\"]",
      ])
  }

  @Test func matchesAndVolunteersHaveWorkflowsToo() throws {
    let p = try TestProject()
    try p.run(
      """
      workflow volunteering {
        of volunteer
        applicant -> in_training
      }
      """.replacingOccurrences(of: "in_training", with: "active"))
    try p.run("create(\"volunteer\", {name: \"Vera\", status: \"applicant\", capacity: 1})")
    #expect(message(p, "V-0001.status = \"paused\"").contains("workflow volunteering has no such status"))
    try p.run("V-0001.status = \"active\"")
  }

  @Test func declarationMistakesPointAtTheirLine() throws {
    let p = try TestProject()
    let badStatus = message(p, "workflow w {\n  referred -> wating\n}")
    #expect(badStatus.contains("test.peer:2:3"))
    #expect(badStatus.contains("mothers cannot have the status \"wating\""))
    #expect(badStatus.contains("did you mean \"waiting\"?"))
    let badGuard = message(
      p, "workflow w {\n  referred -> waiting\n  guard wating(m) {\n    require true, \"x\"\n  }\n}")
    #expect(badGuard.contains("test.peer:3:3"))
    #expect(badGuard.contains("workflow w has no status \"wating\""))
    let badKind = message(p, "workflow w {\n  of visit\n  referred -> waiting\n}")
    #expect(badKind.contains("a workflow is for mothers, matches or volunteers, not \"visit\""))
    #expect(message(p, "workflow w {\n}").contains("workflow w has no steps"))
  }

  @Test func grammarMistakesAreAllReported() throws {
    let p = try TestProject()
    let e = message(
      p, "workflow w {\n  referred\n  guard waiting(m) {\n    ensure true\n  }\n  on arrive waiting(m) { }\n}"
    )
    #expect(e.contains("2:"))
    #expect(e.contains("expected \"->\" and the next status"))
    #expect(e.contains("expected \"require CONDITION, \"message\"\" in this guard"))
    #expect(e.contains("expected \"enter\" or \"leave\" after \"on\", found arrive"))
  }

  @Test func theWorkflowShowsItself() throws {
    let p = try project()
    #expect(
      try p.run("support")?.description
        == "<workflow support of mothers: referred, assessed, waiting, matched, active, ending, closed, declined>"
    )
  }
}
