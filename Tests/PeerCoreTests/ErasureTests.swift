import Foundation
import PeerCalendar
import PeerPostgres
import PeerScript
import PeerStore
import PeerTestSupport
import Testing

@testable import PeerCore

/// `erase` and `anonymise`: her data goes from the records, the tasks, the audit values and the
/// database's files; the audit trail still says what happened; reports keep their figures.
@Suite("Erasure and anonymisation")
struct ErasureTests {
  /// What identifies the mother erased below, found nowhere else.
  static let hers = [
    "Zephyrine Quillfeather", "07700 913 577", "zanzibar-marmalade", "07700 913 000", "zq@quill.example",
  ]

  /// A mother with a match, a visit whose notes name her, an ending, an own field, a
  /// rectified phone, a task and a flag; another mother and the volunteer they share.
  static func project(on backing: StoreUnderTest) throws -> TestProject {
    let p = try TestProject(on: backing)
    try p.run(
      """
      let v = create("volunteer", {name: "Ottoline Brackenbury", phone: "07700 900 111", site: "Hackney", status: "active", capacity: 2})
      let m = refer({name: "Zephyrine Quillfeather", phone: "07700 913 000", email: "zq@quill.example", site: "Hackney", language: "English"})
      let other = refer({name: "Agnes Whitlock", phone: "07700 900 222", site: "Hackney"})
      let x = match(m, v, "Zephyrine Quillfeather lives near Ottoline")
      let y = match(other, v, "close by")
      log_visit(x, {kind: "home", minutes: 60, notes: "zanzibar-marmalade talk with Zephyrine Quillfeather"})
      log_visit(y, {kind: "phone", minutes: 20, notes: "Agnes is well"})
      m.phone = "07700 913 577"
      m.birth_plan = "zanzibar-marmalade birth centre"
      end_match(x, "planned", {planned: true, final_visit: true})
      """)
    try p.store.write { w in
      let items = try #require(w as? any WorkItemStore)
      let day = CivilDate(year: 2026, month: 11, day: 26).days
      _ = try items.insert(
        WorkItem(
          kind: .task, rule: "first_contact", record: "X-0001",
          title: "No first contact with Zephyrine Quillfeather",
          due: day, createdOn: day))
      _ = try items.insert(
        WorkItem(
          kind: .flag, rule: "consent", record: "M-0001", title: "Zephyrine Quillfeather: consent", due: day,
          createdOn: day))
      _ = try items.insert(
        WorkItem(
          kind: .flag, rule: "consent", record: "M-0002", title: "Agnes Whitlock: consent", due: day,
          createdOn: day))
    }
    return p
  }

  /// Every byte of the project's database as it is on disk: SQLite's file, WAL and shared
  /// memory; on the server (after a checkpoint) every file of the database's folder.
  static func databaseFiles(_ p: TestProject) throws -> [(name: String, bytes: [UInt8])] {
    if let sqlite = p.store as? SQLiteStore {
      return ["", "-wal", "-shm"].map { (sqlite.path + $0, readBytes(sqlite.path + $0)) }
    }
    let server = try #require(p.store as? PostgresStore)
    let (status, output) = try TestServer.psql("CHECKPOINT", login: "postgres", on: server.address)
    #expect(status == 0, "\(output)")
    guard
      case .int(let oid)? = try server.query(
        "SELECT oid::bigint FROM pg_database WHERE datname = current_database()"
      ).first?.first
    else { throw TestFailure("no database oid") }
    let folder = try TestServer.dataFolder() + "/base/\(oid)"
    return try FileManager.default.contentsOfDirectory(atPath: folder).map {
      (folder + "/" + $0, readBytes(folder + "/" + $0))
    }
  }

  @Test(arguments: StoreUnderTest.allCases) func anErasedMotherIsNowhereInTheDatabaseOrItsExports(
    _ backing: StoreUnderTest
  ) throws {
    let p = try Self.project(on: backing)
    // Before: each string is in the files (so the search below can find them).
    let beforeFiles = try Self.databaseFiles(p)
    for s in Self.hers {
      let found = beforeFiles.contains { contains($0.bytes, Array(s.utf8)) }
      #expect(found, "\(s) was stored")
    }
    let result = try p.run(#"erase(M-0001, "her request of 2026-11-20")"#)
    #expect(
      result?.description
        == #"{record: "M-0001", action: "erase", removed: {matches: 1, visits: 1, endings: 1, "tasks and flags": 2}}"#
    )
    #expect(
      try p.count(.mother) == 1 && p.count(.match) == 1 && p.count(.visit) == 1 && p.count(.ending) == 0)
    for (name, bytes) in try Self.databaseFiles(p) {
      for s in Self.hers {
        let found = contains(bytes, Array(s.utf8))
        #expect(!found, "\(s) in \(name)")
      }
    }
    // The other mother and the volunteer are as they were.
    let files = try Self.databaseFiles(p)
    let others = files.contains { contains($0.bytes, Array("Agnes Whitlock".utf8)) }
    #expect(others)
    for kind in RecordKind.allCases {
      for text in [
        try Exporter.csvText(kind: kind, store: p.store), try Exporter.jsonText(kind: kind, store: p.store),
      ] {
        for s in Self.hers {
          let found = text.contains(s)
          #expect(!found, "\(s) in the export of \(kind.plural)")
        }
      }
    }
    let volunteerCopy = try p.store.readingOnly {
      try SubjectAccess.gather("V-0001", from: $0, producedOn: CivilDate(year: 2026, month: 11, day: 27))
    }
    let copy = "\(volunteerCopy)"
    for s in Self.hers {
      let found = copy.contains(s)
      #expect(!found, "\(s) in the volunteer's subject access copy")
    }
    // Her audit entries are all there, without values; the last says she was erased and why.
    let trail = try p.store.read { try $0.history(.mother, id: 1) }
    #expect(trail.map(\.action) == ["create", "update", "update", "update", "update", "delete", "erase"])
    #expect(trail.allSatisfy { $0.user == "tester" && $0.at.count == 20 })
    #expect(trail.dropLast().allSatisfy { $0.before == "" && $0.after == "" })
    #expect(trail.last?.after == #"{"reason":"her request of 2026-11-20"}"#)
    for (kind, id) in [(RecordKind.match, Int64(1)), (.visit, 1), (.ending, 1)] {
      let entries = try p.store.read { try $0.history(kind, id: id) }
      #expect(!entries.isEmpty && entries.allSatisfy { $0.before == "" && $0.after == "" }, "\(kind)")
    }
  }

  @Test(arguments: StoreUnderTest.allCases) func anAnonymisedMotherKeepsWhatReportsCount(
    _ backing: StoreUnderTest
  )
    throws
  {
    let p = try Self.project(on: backing)
    let result = try p.run(#"anonymise(M-0001, "retention: 6 years after support ended")"#)
    #expect(
      result?.description
        == #"{record: "M-0001", action: "anonymise", removed: {mothers: 1, matches: 1, visits: 1, "tasks and flags": 2}}"#
    )
    let m = try #require(try p.store.read { try $0.get(.mother, id: 1) })
    #expect(m["name"] == .text("(anonymised)") && m["phone"] == .null && m["email"] == .null)
    #expect(
      m["site"] == .text("Hackney") && m["language"] == .text("English") && m["status"] == .text("closed"))
    #expect(m.extra.isEmpty)
    #expect(try p.count(.visit) == 2 && p.count(.match) == 2 && p.count(.ending) == 1)
    for (name, bytes) in try Self.databaseFiles(p) {
      for s in Self.hers {
        let found = contains(bytes, Array(s.utf8))
        #expect(!found, "\(s) in \(name)")
      }
    }
    #expect(try p.store.read { try Erasure.anonymisedIDs(.mother, in: $0) } == [1])
    // A second time is an error that says so.
    #expect(throws: (any Error).self) { try p.run(#"anonymise(M-0001, "again")"#) }
  }

  /// What a retention run does besides erasing and anonymising: a field cleared, a task
  /// deleted, each with its old values gone from the trail and the files.
  @Test(arguments: StoreUnderTest.allCases) func retentionClearsAFieldAndDeletesATask(
    _ backing: StoreUnderTest
  )
    throws
  {
    let p = try Self.project(on: backing)
    let bridge = try #require(p.session.bridge)
    try bridge.clearField(.visit, id: 1, field: "notes", reason: "visits.notes: erase 2 years after .date")
    try bridge.deleteWorkItem(id: 1)
    #expect(try p.store.read { try $0.get(.visit, id: 1) }?["notes"] == .null)
    for (name, bytes) in try Self.databaseFiles(p) {
      for s in ["zanzibar-marmalade talk", "No first contact with"] {
        let found = contains(bytes, Array(s.utf8))
        #expect(!found, "\(s) in \(name)")
      }
    }
    let trail = try p.store.read { try $0.history(.visit, id: 1) }
    #expect(trail.map(\.action) == ["create", "update", "clear"])
    #expect(trail.last?.after == #"{"field":"notes","reason":"visits.notes: erase 2 years after .date"}"#)
    #expect(trail.dropLast().allSatisfy { $0.before == "" && $0.after == "" })
    #expect(try p.store.read { try ($0 as! any WorkItemStore).item(id: 1) } == nil)
  }

  /// Every standard report, for every past quarter and year, gives the same figures before
  /// and after 30 closed mothers are anonymised.
  @Test(arguments: StoreUnderTest.allCases) func anonymisingKeepsEveryReportsFigures(
    _ backing: StoreUnderTest
  )
    throws
  {
    let p = try TestProject.demo(on: backing, seed: 7)
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().path
    let folder = repository + "/Examples/reports"
    for name in FileSystem.list(folder).filter({ $0.hasSuffix(".peer") }).sorted() {
      try p.session.run(try FileSystem.read(folder + "/" + name), file: folder + "/" + name)
    }
    let today = p.session.interpreter.today
    var calls: [String] = []
    var start = CivilDate(year: today.year - 2, month: 4, day: 1)
    while start.addingMonths(3).days <= today.days {
      let q = "quarter(\(start.iso))"
      calls += [
        "quarterly.run(\(q))", "reach.run(\(q))", "support_given.run(\(q))", "endings_summary.run(\(q))",
      ]
      calls.append("workforce.run(\(CivilDate(days: start.addingMonths(3).days - 1).iso))")
      start = start.addingMonths(3)
    }
    for year in [today.year - 2, today.year - 1] {
      let y = "financial_year(\(year))"
      calls += ["reach.run(\(y))", "support_given.run(\(y))", "endings_summary.run(\(y))"]
    }
    calls.append("caseloads.run()")
    func render() throws -> [String] {
      try calls.map { call in
        guard case .host(let h)? = try p.session.run(call, file: "test"), let r = h as? ReportValue else {
          throw TestFailure("\(call) gave no report")
        }
        return JSONRenderer().render(r.result)
      }
    }
    let before = try render()
    let closed = try p.store.read { try $0.find(.mother, where: "status", equals: .text("closed")) }.prefix(
      30)
    #expect(closed.count == 30)
    try p.run("for m in [\(closed.map(\.code).joined(separator: ", "))] { anonymise(m, \"test\") }")
    let after = try render()
    for (i, call) in calls.enumerated() { #expect(before[i] == after[i], "\(call)") }
  }
}
