import PeerCalendar
import PeerCore
import PeerScript
import PeerStore
import Testing

/// What a run of the daily rules may do to the items already there: a replay of an earlier day
/// leaves later items alone, and a flag (a concern) is closed by a person only.
@Suite("Daily rules: replays and concerns")
struct RuleReplayTests {
  static let rules = """
    workflow support {
      referred -> waiting -> matched -> closed
      every day "long wait" {
        for m in mothers | where .status == "referred" and today - .referral_date > 28 days {
          task(m, "{m.name} has waited over 4 weeks", m.referral_date + 28 days)
        }
      }
      every day "concern" {
        for m in mothers | where .status == "waiting" {
          flag(m, "{m.name}: safeguarding concern to review")
        }
      }
    }
    """

  func project() throws -> TestProject {
    let p = try TestProject()
    try p.run(Self.rules)
    try p.run(
      "refer({name: \"Ama\", referral_date: 2026-10-01})\nrefer({name: \"Bea\", referral_date: 2026-10-01})\nM-0002.status = \"waiting\""
    )
    return p
  }

  func items(_ p: TestProject) throws -> [WorkItem] {
    try p.store.read { r in try (1...20).compactMap { try (r as! any WorkItemStore).item(id: $0) } }
  }

  @Test func replayingAnEarlierDayLeavesLaterItemsAlone() throws {
    let p = try project()
    let day = CivilDate(year: 2026, month: 11, day: 26)
    let first = try p.session.runRules(on: day, dryRun: false) { _ in }
    #expect(first.tasks == 1 && first.flags == 1)
    // As of 1 November Ama had waited under 4 weeks: the rule does not find her, but the task
    // made on the 26th is not the earlier day's to close.
    var events: [RuleEvent] = []
    let replay = try p.session.runRules(on: CivilDate(year: 2026, month: 11, day: 1), dryRun: false) {
      events.append($0)
    }
    #expect(replay.resolved == 0 && replay.tasks == 0, "\(replay)")
    #expect(try items(p).allSatisfy { $0.closedOn == nil })
    // Forwards again: still the one open task, nothing new.
    let again = try p.session.runRules(on: day, dryRun: false) { _ in }
    #expect(again.tasks == 0 && again.resolved == 0 && again.unchanged == 2, "\(again)")
  }

  @Test func aFlagIsClosedByAPersonNotByTheRule() throws {
    let p = try project()
    let day = CivilDate(year: 2026, month: 11, day: 26)
    _ = try p.session.runRules(on: day, dryRun: false) { _ in }
    // The condition stops holding: the concern stays open until someone closes it.
    try p.run("M-0002.status = \"matched\"")
    let next = try p.session.runRules(on: CivilDate(year: 2026, month: 11, day: 27), dryRun: false) { _ in }
    #expect(next.resolved == 0)
    let flag = try #require(try items(p).first { $0.kind == .flag })
    #expect(flag.closedOn == nil)
    try p.run("done(\(flag.id))")
    #expect(try items(p).first { $0.kind == .flag }?.closedHow == "done")
  }
}
