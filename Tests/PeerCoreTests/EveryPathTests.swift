import PeerCore
import PeerScript
import PeerStore
import Testing

/// A domain rule holds on every path: ending a match, a guard on a first status, a planned
/// ending, one workflow per kind.
@Suite("Rules on every path")
struct EveryPathTests {
  static let people = """
    create("volunteer", {name: "Vera", status: "active", capacity: 3, dbs_checked_on: 2020-01-01})
    create("volunteer", {name: "Wyn", status: "active", capacity: 3, dbs_checked_on: 2026-01-01})
    let m = refer({name: "Ama", due_date: 2027-02-01})
    let n = refer({name: "Bea", due_date: 2027-03-01})
    """

  func message(_ p: TestProject, _ source: String, file: String = "test.peer") -> String {
    do {
      try p.session.run(source, file: file)
      return "(no error)"
    } catch {
      return "\(error)"
    }
  }

  /// The ending form creates an ending: that ends the match as end_match does.
  @Test func anEndingCreatedAnyWayEndsItsMatch() throws {
    let p = try TestProject()
    try p.run(Self.people)
    try p.run(
      """
      let x = match(M-0001, V-0002)
      create("ending", {match: x, reason: "moved away"})
      print(x.status, M-0001.status)
      """)
    #expect(p.sink.lines == ["ended closed"])
    #expect(message(p, "end_match(X-0001, \"planned\")").contains("X-0001 has already ended"))
  }

  @Test func anImportedEndingEndsItsMatch() throws {
    let p = try TestProject()
    try p.run(Self.people + "\nmatch(M-0001, V-0002)\nmatch(M-0002, V-0002)\n")
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    let csv = folder + "/endings.csv"
    try FileSystem.write("match,date,reason\nX-0001,2026-11-20,lost contact\n", to: csv)
    _ = try Importer.importCSV(kind: .ending, path: csv, store: p.store)
    let matches = try p.store.read { try $0.all(.match) }
    #expect(matches.map { $0.fields["status"] } == [.text("ended"), .text("active")])
    #expect(try p.store.read { try $0.get(.mother, id: 1) }?.fields["status"] == .text("closed"))
    let ending = try p.store.read { try $0.all(.ending) }.first
    #expect(ending?.fields["planned"] == .bool(false))
  }

  /// planned follows from the reason unless given; "planned" with planned: no is refused.
  @Test func plannedIsOneRule() throws {
    let p = try TestProject()
    try p.run(Self.people)
    try p.run(
      """
      let x = match(M-0001, V-0002)
      let y = match(M-0002, V-0002)
      print(end_match(x, "planned").planned, end_match(y, "moved away").planned)
      """)
    #expect(p.sink.lines == ["true false"])
    try p.run(
      "create(\"volunteer\", {name: \"Xan\", status: \"active\", capacity: 1, dbs_checked_on: 2026-01-01})")
    try p.run("refer({name: \"Cy\"})\nmatch(M-0003, V-0003)")
    let e = message(p, "end_match(X-0003, \"planned\", {planned: false})")
    #expect(e.contains("an ending for the reason \"planned\" was planned: planned cannot be no"), "\(e)")
    #expect(try p.store.read { try $0.get(.match, id: 3) }?.fields["status"] == .text("active"))
  }

  /// A guard on a record's first status runs at creation, not only on later steps.
  @Test func aGuardOnTheFirstStatusRunsAtCreation() throws {
    let p = try TestProject()
    try p.run(
      """
      workflow pairing {
        of match
        active -> ended
        guard active(x) {
          require x.volunteer.dbs_checked_on > today - 3 years, "{x.volunteer.name}'s DBS check has expired"
        }
      }
      workflow intake {
        referred -> matched -> closed
        guard referred(m) {
          require m.consent == true, "{m.name} has not given her consent"
        }
      }
      """)
    try p.run(
      "create(\"volunteer\", {name: \"Vera\", status: \"active\", capacity: 3, dbs_checked_on: 2020-01-01})")
    try p.run(
      "create(\"volunteer\", {name: \"Wyn\", status: \"active\", capacity: 3, dbs_checked_on: 2026-01-01})")
    let refused = message(p, "refer({name: \"Ama\", consent: false})")
    #expect(refused.contains("Ama has not given her consent"), "\(refused)")
    #expect(try p.count(.mother) == 0)
    try p.run("refer({name: \"Ama\", consent: true})")
    let expired = message(p, "match(M-0001, V-0001)")
    #expect(expired.contains("Vera's DBS check has expired"), "\(expired)")
    #expect(try p.count(.match) == 0)
    try p.run("match(M-0001, V-0002)")
    #expect(try p.count(.match) == 1)

    // A plain import cannot run the guard: a record starting in a guarded status is refused.
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    let csv = folder + "/mothers.csv"
    try FileSystem.write("name,referral_date,status\nBea,2026-11-01,referred\n", to: csv)
    #expect(throws: ImportError.self) {
      _ = try Importer.importCSV(
        kind: .mother, path: csv, store: p.store, statuses: p.session.workflowStatuses(for: .mother))
    }
  }

  /// One workflow per kind: a second one from another file is an error naming both places;
  /// the same file loaded again replaces its own.
  @Test func twoWorkflowsForOneKindAreAnError() throws {
    let p = try TestProject()
    let first = "workflow support {\n  referred -> closed\n}\n"
    try p.session.run(first, file: "scripts/a.peer")
    try p.session.run(first, file: "scripts/a.peer")
    let e = message(p, "\n\nworkflow other {\n  referred -> waiting\n}\n", file: "scripts/b.peer")
    #expect(
      e.contains(
        "workflow other is a second workflow for mothers: workflow support at scripts/a.peer:1:1 already gives their steps"
      ), "\(e)")
    #expect(e.contains("scripts/b.peer:3:1"), "\(e)")
  }
}
