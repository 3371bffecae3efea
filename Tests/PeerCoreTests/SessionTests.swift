import PeerCalendar
import PeerCore
import PeerScript
import PeerStore
import PeerTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A session on a fresh project database, with today fixed and output collected.
final class TestProject {
  let store: any RecordStore
  let session: Session
  var output: [String] = []
  /// The database file, on SQLite (for another program to change behind peer's back).
  let path: String

  init(on backing: StoreUnderTest = .sqlite) throws {
    store = try backing.makeStore()
    path = (store as? SQLiteStore)?.path ?? ""
    var options = InterpreterOptions()
    options.today = CivilDate(year: 2026, month: 11, day: 26)
    let sink = Sink()
    options.output = { sink.lines.append($0) }
    session = Session(store: store, options: options)
    self.sink = sink
  }

  final class Sink { var lines: [String] = [] }
  let sink: Sink

  @discardableResult
  func run(_ source: String) throws -> Value? { try session.run(source, file: "test.peer") }

  func count(_ kind: RecordKind) throws -> Int { try store.read { try $0.count(kind) } }

  /// A project holding the scale-1 demo made on the project's today, from `seed`.
  static func demo(on backing: StoreUnderTest = .sqlite, seed: UInt64) throws -> TestProject {
    let p = try TestProject(on: backing)
    try DemoProject.generate(into: p.store, scale: 1, today: p.session.interpreter.today, seed: seed)
    return p
  }
}

@Suite("Records in scripts")
struct SessionTests {
  @Test func theDailyOperations() throws {
    let p = try TestProject()
    try p.run(
      """
      let v = create("volunteer", {name: "Vera", status: "active", capacity: 1, languages: ["English", "Polish"]})
      let m = refer({name: "Maria", due_date: 2027-02-01, language: "Polish"})
      let x = match(m, v, "both speak Polish")
      log_visit(m, {kind: "home", minutes: 60, support: ["listening"]})
      log_visit(x, {kind: "phone", minutes: 15, date: 2026-11-26})
      print(m.status, x.volunteer.name, len(m.visits), v.open_matches, M-0001.name)
      end_match(x, "planned", {planned: true, final_visit: true})
      print(m.status, x.status, V-0001.open_matches)
      """)
    #expect(p.sink.lines == ["matched Vera 2 1 Maria", "closed ended 0"])
    #expect(try p.count(.visit) == 2)
    #expect(try p.count(.ending) == 1)
  }

  @Test func aFailingScriptLeavesNothingBehind() throws {
    let p = try TestProject()
    #expect(throws: RuntimeError.self) {
      try p.run(
        """
        refer({name: "A", due_date: 2027-01-01})
        refer({name: "B", due_date: 2027-01-01})
        error("stop here")
        """)
    }
    #expect(try p.count(.mother) == 0)
  }

  @Test func capacityAndOneActiveMatch() throws {
    let p = try TestProject()
    try p.run(
      """
      create("volunteer", {name: "Vera", status: "active", capacity: 1})
      create("volunteer", {name: "Wendy", status: "active", capacity: 2})
      create("volunteer", {name: "Pat", status: "paused", capacity: 2})
      refer({name: "Maria"})
      refer({name: "Nadia"})
      match(M-0001, V-0001)
      """)
    func error(_ source: String) -> String {
      do {
        try p.run(source)
        return "no error"
      } catch let e as RuntimeError {
        return e.message
      } catch { return "\(error)" }
    }
    #expect(
      error("match(M-0002, V-0001)") == "Vera (V-0001) is at capacity: 1 open match for a capacity of 1")
    #expect(error("match(M-0001, V-0002)") == "Maria (M-0001) already has an active match, X-0001")
    #expect(
      error("match(M-0002, V-0003)").hasPrefix("Pat (V-0003) cannot take a match: her status is paused"))
    #expect(
      error("log_visit(X-0001, {kind: \"home\", date: 2026-11-01})")
        == "X-0001 started on 2026-11-26; a visit on 2026-11-01 is before it")
    #expect(error("log_visit(X-0001, {kind: \"party\"})").hasPrefix("visit.kind cannot be \"party\""))
    #expect(error("end_match(X-0001, \"bored\")").hasPrefix("ending.reason cannot be \"bored\""))
    try p.run("end_match(X-0001, \"moved away\", {date: 2026-11-26})")
    #expect(error("log_visit(X-0001, {kind: \"home\", date: 2026-11-27})").contains("takes no more visits"))
    #expect(error("end_match(X-0001, \"planned\")") == "X-0001 has already ended")
    #expect(error("M-0001.nme").hasPrefix("mother has no field \"nme\""))
    #expect(error("M-0001.status = \"asleep\"").hasPrefix("mother.status cannot be \"asleep\""))
    #expect(error("print(M-0099)") == "there is no mother M-0099")
  }

  @Test func fieldsAndHistory() throws {
    let p = try TestProject()
    try p.run(
      """
      let m = refer({name: "Maria", due_date: 2027-02-01})
      m.status = "waiting"
      m.allergies = "nuts"
      """)
    try p.run(
      """
      print(M-0001.status, M-0001.allergies)
      let h = history(M-0001)
      print(len(h), h | map .action | join(","))
      print(mothers | where .status == "waiting" | count)
      """)
    #expect(p.sink.lines == ["waiting nuts", "3 create,update,update", "1"])
    // Printed, the own fields come after the core ones; the hidden slot itself never shows.
    let shown = try #require(try p.run("M-0001")).repr
    #expect(shown.hasPrefix(#"mother(id: "M-0001", name: "Maria""#))
    #expect(shown.hasSuffix(#"status: "waiting", allergies: "nuts")"#))
    #expect(!shown.contains("extra"))
  }
}
