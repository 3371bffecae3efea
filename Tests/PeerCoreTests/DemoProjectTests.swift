import PeerCalendar
import PeerScript
import PeerStore
import Testing

@testable import PeerCore

@Suite("Demo project")
struct DemoProjectTests {
  static let today = CivilDate(year: 2026, month: 11, day: 20)

  /// One scale-1 demo, made once for the checks below.
  nonisolated(unsafe) static let made: (store: RecordStore, summary: DemoSummary) = {
    let store = try! makeStore()
    let summary = try! DemoProject.generate(into: store, scale: 1, today: today, seed: 42)
    return (store, summary)
  }()

  @Test func countsAreInTheExpectedRanges() throws {
    let s = Self.made.summary
    #expect((360...440).contains(s.volunteers), "volunteers \(s.volunteers)")
    #expect((3000...3700).contains(s.mothers), "mothers \(s.mothers)")
    #expect((25_000...45_000).contains(s.visits), "visits \(s.visits)")
    #expect((50...70).contains(s.services), "services \(s.services)")
    // Most mothers referred are matched, about three in four: some decline or close after
    // assessment, and volunteers' breaks between mothers leave some waiting.
    #expect(
      s.matches > s.mothers * 7 / 10 && s.matches < s.mothers, "\(s.matches) matches for \(s.mothers) mothers"
    )
    #expect(s.endings > s.matches / 2 && s.endings < s.matches)
    let counts = try Self.made.store.read { r in (try r.count(.visit), try r.count(.mother)) }
    #expect(counts.0 == s.visits)
    #expect(counts.1 == s.mothers)
  }

  /// The visits go in through a bulk insert that rebuilds the indexes: they are back, and every
  /// record's creation is in its history.
  @Test func indexesAndHistoryAfterTheBulkWrite() throws {
    let store = try #require(Self.made.store as? SQLiteStore)
    #expect(
      try store.query(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'visits' ORDER BY name")
        == [[.text("visits_date")], [.text("visits_match_id")]])
    for kind in [RecordKind.visit, .mother, .ending] {
      let trail = try store.read { try $0.history(kind, id: 7) }
      #expect(trail.map(\.action) == ["create"] && trail[0].after.hasPrefix("{\""), "\(kind)")
    }
  }

  @Test func sameSeedSameData() throws {
    let other = try makeStore()
    try DemoProject.generate(into: other, scale: 1, today: Self.today, seed: 42)
    for kind in RecordKind.allCases {
      let a = try Self.made.store.read { try $0.all(kind) }
      let b = try other.read { try $0.all(kind) }
      #expect(a == b, "\(kind.plural) differ")
    }
    let third = try makeStore()
    try DemoProject.generate(into: third, scale: 1, today: Self.today, seed: 43)
    #expect(try third.read { try $0.all(.mother) } != (try Self.made.store.read { try $0.all(.mother) }))
  }

  @Test func everyRecordPassesTheRules() throws {
    try Self.made.store.read { r in
      for kind in RecordKind.allCases {
        for record in try r.all(kind) {
          do {
            try Rules.check(record, in: r, isNew: false)
          } catch {
            Issue.record("\(record.code): \(error)")
            return
          }
        }
      }
    }
  }

  @Test func datesAreConsistent() throws {
    let today = Self.today.days
    try Self.made.store.read { r in
      let matches = Dictionary(uniqueKeysWithValues: try r.all(.match).map { ($0.id, $0) })
      let mothers = Dictionary(uniqueKeysWithValues: try r.all(.mother).map { ($0.id, $0) })
      var endings: [Int: StoredRecord] = [:]
      for e in try r.all(.ending) {
        let mid = e["match"].intValue!
        #expect(endings[mid] == nil, "\(e.code): a second ending for its match")
        endings[mid] = e
        let match = matches[Int64(mid)]!
        #expect(match["status"] == .text("ended"))
        guard case .date(let end) = e["date"], case .date(let start) = match["started_on"] else {
          Issue.record("\(e.code) has no date")
          continue
        }
        #expect(end >= start && end <= today, "\(e.code) ends before its match starts or after today")
        #expect(RecordKind.endingReasons.contains(e["reason"].text ?? ""))
      }
      for m in matches.values {
        let ended = endings[Int(m.id)] != nil
        #expect(ended == (m["status"] == .text("ended")), "\(m.code): status and ending disagree")
        let mother = mothers[Int64(m["mother"].intValue!)]!
        guard case .date(let start) = m["started_on"], case .date(let referral) = mother["referral_date"]
        else { continue }
        #expect(start >= referral && start <= today, "\(m.code) starts before the referral or after today")
      }
      for v in try r.all(.visit) {
        let mid = v["match"].intValue!
        let match = matches[Int64(mid)]!
        guard case .date(let day) = v["date"], case .date(let start) = match["started_on"] else { continue }
        #expect(day >= start && day <= today, "\(v.code) is before its match starts or after today")
        if let e = endings[mid], case .date(let end) = e["date"] {
          #expect(day <= end, "\(v.code) is after its match ended")
        }
      }
      for m in mothers.values {
        guard case .date(let due) = m["due_date"], case .date(let referral) = m["referral_date"] else {
          Issue.record("\(m.code) has no due or referral date")
          continue
        }
        #expect(referral <= today && referral >= today - 731)
        #expect(
          due - referral >= 56 && due - referral <= 30 * 7 + 6,
          "\(m.code): due \(due - referral) days after referral")
        if case .date(let birth) = m["birth_date"] {
          #expect(abs(birth - due) <= 14 && birth <= today, "\(m.code): birth too far from the due date")
        }
      }
    }
  }

  @Test func noVolunteerIsEverOverCapacity() throws {
    try Self.made.store.read { r in
      var endDate: [Int64: Int32] = [:]
      for e in try r.all(.ending) {
        if case .date(let d) = e["date"] { endDate[Int64(e["match"].intValue!)] = d }
      }
      let volunteers = Dictionary(uniqueKeysWithValues: try r.all(.volunteer).map { ($0.id, $0) })
      for (vid, matches) in Dictionary(grouping: try r.all(.match), by: { $0["volunteer"].intValue! }) {
        let capacity = volunteers[Int64(vid)]!["capacity"].intValue!
        // Each match holds a place from its start until the day it ends.
        var events: [(Int32, Int)] = []
        for m in matches {
          guard case .date(let s) = m["started_on"] else { continue }
          events.append((s, 1))
          events.append((endDate[m.id] ?? Int32.max, -1))
        }
        events.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var open = 0
        for (_, change) in events {
          open += change
          #expect(
            open <= capacity,
            "\(RecordKind.volunteer.code(for: Int64(vid))) has \(open) matches for a capacity of \(capacity)")
          if open > capacity { return }
        }
      }
    }
  }

  /// On the demo's today a project has some free places as well as a waiting list (volunteers
  /// take a break between mothers), so matching has something to suggest: neither none nor
  /// more than the waiting list.
  @Test func someSpareCapacityBesideTheWaitingList() throws {
    let open = Dictionary(
      grouping: try Self.all(.match).filter { $0["status"] == .text("active") },
      by: { $0["volunteer"].intValue! })
    var free = 0
    for v in try Self.all(.volunteer) where v["status"] == .text("active") {
      free += max(0, v["capacity"].intValue! - (open[Int(v.id)]?.count ?? 0))
    }
    let waiting = try Self.all(.mother).filter { $0["status"] == .text("waiting") }.count
    #expect(free >= 20, "\(free) free places for \(waiting) waiting mothers")
    #expect(free < waiting, "\(free) free places for \(waiting) waiting mothers")
  }

  static func all(_ kind: RecordKind) throws -> [StoredRecord] {
    try made.store.read { try $0.all(kind) }
  }

  @Test func proportionsFollowTheDomain() throws {
    do {
      let endings = try Self.all(.ending)
      let planned = endings.filter { $0["reason"] == .text("planned") }.count
      let share = Double(planned) / Double(endings.count)
      #expect(share > 0.55 && share < 0.75, "planned endings \(share)")
      for reason in RecordKind.endingReasons {
        #expect(endings.contains { $0["reason"] == .text(reason) }, "no ending for \(reason)")
      }
      let mothers = try Self.all(.mother)
      let declined =
        Double(mothers.filter { $0["status"] == .text("declined") }.count) / Double(mothers.count)
      #expect(declined > 0.03 && declined < 0.07)
      for status in RecordKind.motherStatuses where status != "assessed" || mothers.count > 1000 {
        #expect(mothers.contains { $0["status"] == .text(status) }, "no mother is \(status)")
      }
      let visits = try Self.all(.visit)
      for kind in RecordKind.visitKinds {
        #expect(visits.contains { $0["kind"] == .text(kind) }, "no \(kind) visit")
      }
      let home = Double(visits.filter { $0["kind"] == .text("home") }.count) / Double(visits.count)
      #expect(home > 0.35)
      let concerns = Double(visits.filter { $0["concern"] == .bool(true) }.count) / Double(visits.count)
      #expect(concerns > 0 && concerns < 0.03)
      let volunteers = try Self.all(.volunteer)
      for status in RecordKind.volunteerStatuses {
        #expect(volunteers.contains { $0["status"] == .text(status) }, "no volunteer is \(status)")
      }
      let today = DemoProjectTests.today.days
      let expiring = volunteers.filter {
        if case .date(let d) = $0["dbs_checked_on"] {
          return d + 1095 >= today && d + 1095 <= today + 30
        } else {
          return false
        }
      }
      let expired = volunteers.filter {
        if case .date(let d) = $0["dbs_checked_on"] { return d + 1095 < today } else { return false }
      }
      #expect(!expiring.isEmpty && !expired.isEmpty)
    }
  }
}
