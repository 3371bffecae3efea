import Foundation
import PeerPostgres
import PeerStore
import PeerTestSupport
import Testing

/// The demo's retention schedule applied by `peer batch` at several days, on both stores: what
/// goes is exactly what independent SQL says the schedule names; a second run on the same day
/// changes nothing; a dry run changes nothing.
@Suite("Retention applied by peer batch")
struct RetentionBatchTests {
  static func retention(_ log: [[String: Any]]) -> Set<String> {
    Set(
      log.filter { $0["event"] as? String == "retention" }.map {
        "\($0["record"] as? String ?? "?") \($0["action"] as? String ?? "?")"
      })
  }

  /// The two sets are equal; if not, a few of the differences (not thousands of codes).
  static func compare(_ got: Set<String>, _ expected: Set<String>, _ what: String) {
    let extra = Array(got.subtracting(expected).sorted().prefix(5))
    let missing = Array(expected.subtracting(got).sorted().prefix(5))
    #expect(extra.isEmpty && missing.isEmpty, "\(what): \(got.count) went, \(expected.count) expected")
  }

  @Test(arguments: StoreUnderTest.allCases)
  func theScheduleRemovesExactlyWhatItNamesOnceAndADryRunNothing(_ store: StoreUnderTest) throws {
    let scratch = try TemporaryFolder()
    let demo = try StoredDemo(store, in: scratch)

    // A dry run years ahead lists what would go and changes nothing.
    let untouched = try demo.fingerprint()
    let dry = try demo.batch(on: "2033-06-15", dryRun: true)
    let wouldGo = Self.retention(dry)
    Self.compare(wouldGo, try demo.expected(on: "2033-06-15"), "\(store) dry run")
    #expect(
      wouldGo.contains { $0.hasSuffix(" anonymise") } && wouldGo.contains { $0.hasSuffix(" clear notes") })
    #expect(dry.filter { $0["event"] as? String == "retention" }.allSatisfy { $0["kept"] as? Bool == false })
    #expect(try demo.fingerprint() == untouched)

    for day in ["2027-06-15", "2031-09-15", "2033-06-15"] {
      let expected = try demo.expected(on: day)
      let log = try demo.batch(on: day)
      Self.compare(Self.retention(log), expected, "\(store) \(day)")
      #expect(log.last?["retention_done"] as? Int == expected.count)
      // What the schedule names is gone: nothing is due any more on that day.
      #expect(try demo.expected(on: day).isEmpty, "\(store) \(day)")
      // Twice in a row changes nothing.
      let before = try demo.fingerprint()
      let again = try demo.batch(on: day)
      #expect(Self.retention(again).isEmpty, "\(store) \(day)")
      #expect(try demo.fingerprint() == before, "\(store) \(day)")
    }
  }
}

extension StoredDemo {
  /// `date + N years` in the store's dialect (the days tested avoid 29 February).
  func plus(_ date: String, years: Int) -> String {
    server == nil ? "date(\(date), '+\(years) years')" : "(\(date) + interval '\(years) years')::date"
  }

  func own(_ field: String, date: Bool = false) -> String {
    if server == nil { return "json_extract(extra, '$.\(field)')" }
    return date ? "(extra->>'\(field)')::date" : "(extra->>'\(field)')"
  }

  /// What the demo's schedule (Examples/protection/retention.peer) makes due on `day`, worked
  /// out in SQL from the records as they are: "M-0042 anonymise", "C-0012 clear notes"...
  func expected(on day: String) throws -> Set<String> {
    let d = server == nil ? "'\(day)'" : "date '\(day)'"
    func done(_ kind: String, _ action: String, _ table: String) -> String {
      "NOT EXISTS (SELECT 1 FROM audit a WHERE a.kind = '\(kind)' AND a.record_id = \(table).id AND a.action = '\(action)')"
    }
    var due = Set<String>()
    let lastEnding =
      "(SELECT max(e.date) FROM endings e JOIN matches x ON e.match_id = x.id WHERE x.mother_id = m.id)"
    for id in try sql(
      """
      SELECT m.id FROM mothers m WHERE m.status IN ('closed', 'declined')
        AND \(plus("coalesce(\(lastEnding), m.referral_date)", years: 6)) <= \(d) AND \(done("mother", "anonymise", "m"))
      """)
    {
      due.insert("\(RecordKind.mother.code(for: Int64(id)!)) anonymise")
    }
    for id in try sql("SELECT id FROM visits WHERE notes IS NOT NULL AND \(plus("date", years: 2)) <= \(d)") {
      due.insert("\(RecordKind.visit.code(for: Int64(id)!)) clear notes")
    }
    for id in try sql(
      "SELECT id FROM endings WHERE \(own("comments")) IS NOT NULL AND \(plus("date", years: 2)) <= \(d)")
    {
      due.insert("\(RecordKind.ending.code(for: Int64(id)!)) clear comments")
    }
    for id in try sql(
      """
      SELECT v.id FROM volunteers v WHERE v.status = 'left'
        AND \(plus("coalesce(\(own("left_on", date: true)), v.joined_on)", years: 6)) <= \(d) AND \(done("volunteer", "erase", "v"))
      """)
    {
      due.insert("\(RecordKind.volunteer.code(for: Int64(id)!)) erase")
    }
    for id in try sql(
      "SELECT id FROM tasks WHERE closed_on IS NOT NULL AND \(plus("closed_on", years: 1)) <= \(d)")
    {
      due.insert("item \(id) delete")
    }
    return due
  }

  /// Everything a change would move: the number of rows of each table and the last audit entry.
  func fingerprint() throws -> [String] {
    try ["mothers", "volunteers", "matches", "visits", "endings", "tasks", "audit"].map { table in
      try sql("SELECT count(*) FROM \(table)").joined()
    } + sql("SELECT max(seq) FROM audit") + sql("SELECT count(*) FROM visits WHERE notes IS NOT NULL")
  }
}
