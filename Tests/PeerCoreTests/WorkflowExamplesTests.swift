import Foundation
import PeerCalendar
import PeerCore
import PeerScript
import PeerStore
import Testing

/// Examples/workflows/ over the demo project (data ending 2026-11-26), replayed on several days:
/// the tasks each rule creates are checked against the records, read here independently.
@Suite("Workflow examples")
struct WorkflowExamplesTests {
  static let dataEnds = CivilDate(year: 2026, month: 11, day: 26)

  static func example(_ path: String) throws -> String {
    try String(
      contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Examples/workflows/" + path), encoding: .utf8)
  }

  func demoStore() throws -> RecordStore {
    let store = try makeStore()
    _ = try DemoProject.generate(into: store, scale: 1, today: Self.dataEnds, seed: 7)
    return store
  }

  /// A session as on `day` with the example loaded, and the day's run of its rules.
  func run(_ file: String, on day: CivilDate, store: RecordStore) throws -> (Session, RuleSummary, [WorkItem])
  {
    var options = InterpreterOptions()
    options.today = day
    options.output = { _ in }
    let session = Session(store: store, options: options)
    try session.run(try Self.example(file), file: file)
    var created: [WorkItem] = []
    let summary = try session.runRules(on: day, dryRun: false) {
      if case .created(let item) = $0 { created.append(item) }
    }
    return (session, summary, created)
  }

  func open(_ store: RecordStore, rule: String) throws -> [WorkItem] {
    try store.read { try ($0 as! any WorkItemStore).openItems(rule: rule) }
  }

  func date(_ r: StoredRecord, _ field: String) -> Int32? {
    if case .date(let d)? = r.fields[field] { return d }
    return nil
  }

  func status(_ r: StoredRecord) -> String {
    if case .text(let s)? = r.fields["status"] { return s }
    return ""
  }

  @Test func doulaTasksFollowTheBirth() throws {
    let store = try demoStore()
    for day in [Self.dataEnds, CivilDate(year: 2026, month: 12, day: 24)] {
      let (_, summary, _) = try run("doula/doula.peer", on: day, store: store)
      #expect(summary.errors == 0)
      let mothers = try store.read { try $0.all(.mother) }.filter {
        ["matched", "active"].contains(status($0))
      }
      let d = day.days
      let birthPlan = mothers.filter {
        date($0, "birth_date") == nil && date($0, "due_date").map { d >= $0 - 14 } == true
      }
      let ending = mothers.filter { date($0, "birth_date").map { d >= $0 + 70 } == true }
      #expect(Set(try open(store, rule: "birth plan").map(\.record)) == Set(birthPlan.map(\.code)))
      let endingTasks = try open(store, rule: "plan the ending")
      #expect(Set(endingTasks.map(\.record)) == Set(ending.map(\.code)))
      for task in endingTasks {
        let mother = ending.first { $0.code == task.record }!
        #expect(task.due == date(mother, "birth_date")! + 84)
      }
      #expect(!endingTasks.isEmpty || !birthPlan.isEmpty)
    }
  }

  @Test func doulaGuardsReportEveryMissingThing() throws {
    let store = try demoStore()
    let (session, _, _) = try run("doula/doula.peer", on: Self.dataEnds, store: store)
    do {
      try session.run(
        """
        let m = refer({name: "Nia"})
        m.status = "assessed"
        m.status = "waiting"
        m.status = "matched"
        """, file: "t.peer")
      Issue.record("expected the guard to refuse")
    } catch {
      let text = "\(error)"
      #expect(text.contains("Nia (M-"))
      #expect(text.contains("cannot become \"matched\""))
      #expect(text.contains("  - Nia has no due date: a doula is matched for a birth"))
      #expect(text.contains("  - Nia has not given her consent to share details"))
    }
  }

  @Test func befriendingReviewsEveryThreeMonths() throws {
    let store = try demoStore()
    var previous: [WorkItem] = []
    for day in [
      Self.dataEnds, CivilDate(year: 2026, month: 12, day: 26), CivilDate(year: 2027, month: 3, day: 1),
    ] {
      let (_, summary, created) = try run("befriending/befriending.peer", on: day, store: store)
      #expect(summary.errors == 0)
      let d = day.days
      let active = try store.read { try $0.all(.match) }.filter { status($0) == "active" }
      let due = active.filter { CivilDate(days: date($0, "started_on")!).addingMonths(3).days <= d }
      let tasks = try open(store, rule: "3-monthly review")
      #expect(Set(tasks.map(\.record)) == Set(due.map(\.code)))
      for task in tasks {
        #expect(task.due <= d && CivilDate(days: task.due).addingMonths(3).days > d)
      }
      // A review already open for the same anniversary is not made again.
      let again = previous.filter { p in tasks.contains { $0.id == p.id } }
      #expect(created.allSatisfy { c in !again.contains { $0.record == c.record && $0.due == c.due } })
      previous = tasks
    }
    // Running the last day again creates nothing.
    let (_, rerun, _) = try run(
      "befriending/befriending.peer", on: CivilDate(year: 2027, month: 3, day: 1), store: store)
    #expect(rerun.tasks == 0 && rerun.unchanged == previous.count)
  }

  @Test func nightlyRulesOverTheDemo() throws {
    let store = try demoStore()
    let (_, summary, created) = try run("nightly.peer", on: Self.dataEnds, store: store)
    #expect(summary.errors == 0 && summary.rules == 5)
    let volunteers = try store.read { try $0.all(.volunteer) }
    let d = Self.dataEnds.days
    let dbs = volunteers.filter {
      status($0) == "active"
        && date($0, "dbs_checked_on").map { CivilDate(days: $0).addingMonths(36).days - d <= 30 } == true
    }
    #expect(Set(created.filter { $0.rule == "DBS renewal" }.map(\.record)) == Set(dbs.map(\.code)))
    let mothers = try store.read { try $0.all(.mother) }
    let waiting = mothers.filter {
      ["referred", "assessed", "waiting"].contains(status($0)) && d - date($0, "referral_date")! > 28
    }
    #expect(Set(created.filter { $0.rule == "referral waiting" }.map(\.record)) == Set(waiting.map(\.code)))
    let (_, again, _) = try run("nightly.peer", on: Self.dataEnds, store: store)
    #expect(again.tasks == 0 && again.flags == 0 && again.unchanged == created.count)
  }
}
