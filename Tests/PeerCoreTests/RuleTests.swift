import PeerCalendar
import PeerCore
import PeerScript
import PeerStore
import Testing

/// `every day` rules: tasks and flags identified by rule, record and due date, created once,
/// closed when their condition stops holding or when marked done, replayed with another day.
@Suite("Daily rules")
struct RuleTests {
  static let rules = """
    workflow support {
      referred -> assessed -> waiting -> matched -> active -> ending -> closed
      referred, assessed, waiting -> declined
      every day "referral waiting" {
        for m in mothers | where .status in ["referred", "assessed", "waiting"] and today - .referral_date > 28 days {
          task(m, "{m.name} has waited since {m.referral_date}", m.referral_date + 29 days)
        }
      }
      every day "no consent" {
        for m in mothers | where .consent != true and .status != "declined" {
          flag(m, "{m.name} has not given consent")
        }
      }
    }
    """

  func session(_ store: any RecordStore, on day: CivilDate) -> (Session, TestProject.Sink) {
    var options = InterpreterOptions()
    options.today = day
    let sink = TestProject.Sink()
    options.output = { sink.lines.append($0) }
    return (Session(store: store, options: options), sink)
  }

  func project() throws -> TestProject {
    let p = try TestProject()
    try p.run(Self.rules)
    try p.run(
      """
      refer({name: "Amy", referral_date: 2026-10-01, consent: true})
      refer({name: "Bea", referral_date: 2026-11-20})
      refer({name: "Cat", referral_date: 2026-11-10, consent: true})
      """)
    return p
  }

  func items(_ p: TestProject) throws -> [WorkItem] {
    try p.store.read { try ($0 as! any WorkItemStore).openItems(rule: nil) }
  }

  @Test func theRulesMakeTasksAndFlagsOnce() throws {
    let p = try project()
    var events: [RuleEvent] = []
    let first = try p.session.runRules(on: CivilDate(year: 2026, month: 11, day: 26), dryRun: false) {
      events.append($0)
    }
    #expect(first.tasks == 1 && first.flags == 1 && first.rules == 2)
    let open = try items(p)
    #expect(open.map(\.record) == ["M-0001", "M-0002"])
    #expect(open[0].title == "Amy has waited since 2026-10-01" && open[0].kind == .task)
    #expect(CivilDate(days: open[0].due).iso == "2026-10-30")
    #expect(open[1].title == "Bea has not given consent" && open[1].kind == .flag)
    #expect(events.count == 2)
    let again = try p.session.runRules(on: CivilDate(year: 2026, month: 11, day: 26), dryRun: false) { _ in }
    #expect(again.tasks == 0 && again.flags == 0 && again.unchanged == 2)
    // The next day the flag is still the same flag; Cat's referral is now over 28 days.
    let next = try p.session.runRules(on: CivilDate(year: 2026, month: 11, day: 27), dryRun: false) { _ in }
    #expect(next.tasks == 0 && next.flags == 0)
    try p.run("today")
    #expect(try items(p).count == 2)
  }

  @Test func replayingAnotherDayUsesThatDay() throws {
    let p = try project()
    let (later, _) = session(p.store, on: CivilDate(year: 2026, month: 12, day: 20))
    try later.run(Self.rules, file: "rules.peer")
    let summary = try later.runRules(on: CivilDate(year: 2026, month: 12, day: 20), dryRun: false) { _ in }
    // Amy, Bea and Cat have all waited over 28 days by then.
    #expect(summary.tasks == 3)
    #expect(try items(p).filter { $0.kind == .task }.map(\.record) == ["M-0001", "M-0003", "M-0002"])
  }

  @Test func aTaskClosesWhenItsConditionStopsHolding() throws {
    let p = try project()
    _ = try p.session.runRules(on: CivilDate(year: 2026, month: 11, day: 26), dryRun: false) { _ in }
    try p.run("M-0001.status = \"declined\"\nM-0002.consent = true")
    var resolved: [WorkItem] = []
    let summary = try p.session.runRules(on: CivilDate(year: 2026, month: 11, day: 26), dryRun: false) {
      if case .resolved(let item) = $0 { resolved.append(item) }
    }
    // The task closes by itself; the flag is a concern, which only a person closes (done).
    #expect(summary.resolved == 1)
    #expect(resolved.map(\.closedHow) == ["resolved"] && resolved.map(\.kind) == [.task])
    #expect(try items(p).map(\.kind) == [.flag])
  }

  @Test func aTaskMarkedDoneStaysDone() throws {
    let p = try project()
    _ = try p.session.runRules(on: CivilDate(year: 2026, month: 11, day: 26), dryRun: false) { _ in }
    try p.run("done(tasks | first)")
    #expect(try p.run("len(tasks)")?.description == "0")
    let again = try p.session.runRules(on: CivilDate(year: 2026, month: 11, day: 27), dryRun: false) { _ in }
    #expect(again.tasks == 0)
    let history = try p.store.read { try $0.history(.service, id: 0) }
    #expect(history.isEmpty)
    let e = (try? p.run("done(1)")) == nil
    #expect(e)
  }

  @Test func theReplShowsTasksFlagsAndOverdue() throws {
    let p = try project()
    try p.run("run_rules()")
    // Printed inside the command: the lists are read from the store while it runs.
    func show(_ source: String) throws -> String {
      try p.run("print(\(source))")
      return p.sink.lines.last ?? ""
    }
    #expect(try show("tasks") == "<1 open task>")
    #expect(try show("flags") == "<1 open flag>")
    #expect(try show("overdue") == "<1 overdue task>")
    #expect(try show("(tasks | first).record + \" \" + (tasks | first).rule") == "M-0001 referral waiting")
    #expect(try p.run("support.rules")?.description == "[\"referral waiting\", \"no consent\"]")
  }

  @Test func aDryRunKeepsNothing() throws {
    let p = try project()
    var created = 0
    let summary = try p.session.runRules(on: CivilDate(year: 2026, month: 11, day: 26), dryRun: true) { e in
      if case .created = e { created += 1 }
    }
    #expect(summary.tasks == 1 && created == 2)
    #expect(try items(p).isEmpty)
  }

  @Test func aFailingRuleIsReportedAndKeepsNothing() throws {
    let p = try project()
    try p.run(
      """
      workflow volunteering {
        of volunteer
        applicant -> active
        every day "broken" { task(V-0042, "no such volunteer") }
      }
      """)
    var failures: [String] = []
    #expect(throws: RuntimeError.self) {
      try p.session.runRules(on: CivilDate(year: 2026, month: 11, day: 26), dryRun: false) { e in
        if case .failed(let rule, let message) = e { failures.append(rule + ": " + message) }
      }
    }
    #expect(
      failures.count == 1 && failures[0].contains("broken: ") && failures[0].contains("no volunteer V-0042"))
    #expect(try items(p).isEmpty)
  }

  @Test func taskOutsideARuleIsExplained() throws {
    let p = try project()
    #expect(throws: RuntimeError.self) { try p.run("task(M-0001, \"x\")") }
    do { try p.run("flag(M-0001, \"x\")") } catch {
      #expect("\(error)".contains("only works inside an `every day` rule"))
    }
  }

  @Test func twoRulesWithOneNameAreRefused() throws {
    let p = try TestProject()
    do {
      try p.run("workflow w {\n  referred -> waiting\n  every day \"a\" { }\n  every day \"a\" { }\n}")
      Issue.record("expected an error")
    } catch {
      #expect("\(error)".contains("test.peer:4:3"))
      #expect("\(error)".contains("there are two rules called \"a\""))
    }
  }
}
