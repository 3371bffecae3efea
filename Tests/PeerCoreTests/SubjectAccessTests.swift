import Foundation
import PeerCalendar
import PeerStore
import PeerTestSupport
import Testing

@testable import PeerCore

/// `peer subject-access`: everything held about one person, and nothing of anyone else's.
@Suite("Subject access")
struct SubjectAccessTests {
  /// A mother with a visit, an ending, an own field, a rectified phone, a task and a flag; another
  /// mother and their shared volunteer, each with names and phones found nowhere else.
  static func project(on backing: StoreUnderTest) throws -> TestProject {
    let p = try TestProject(on: backing)
    try p.run(
      """
      let v = create("volunteer", {name: "Zofia Wisniewska", phone: "07700 911111", email: "zofia@example.org", postcode: "E8 1ZZ", status: "active", capacity: 2})
      let m = refer({name: "Harriet Quenby", phone: "07700 922222", due_date: 2027-01-10})
      let other = refer({name: "Octavia Brennan", phone: "07700 933333", due_date: 2027-02-01})
      let x = match(m, v, "both walk; Zofia Wisniewska lives near")
      let y = match(other, v, "close by")
      log_visit(x, {kind: "home", minutes: 60, notes: "Talked about feeding <script>alert(1)</script>; Zofia brought leaflets"})
      log_visit(y, {kind: "home", minutes: 30, notes: "Octavia's private worries"})
      m.phone = "07700 944444"
      m.housing = "temporary flat"
      end_match(x, "planned", {planned: true, final_visit: true})
      """)
    try p.store.write { w in
      let items = try #require(w as? any WorkItemStore)
      let day = CivilDate(year: 2026, month: 11, day: 26).days
      _ = try items.insert(
        WorkItem(
          kind: .task, rule: "first_contact", record: "X-0001", title: "No first contact with Harriet Quenby",
          due: day, createdOn: day))
      let flag = try items.insert(
        WorkItem(
          kind: .flag, rule: "consent", record: "M-0001", title: "Consent to check", due: day, createdOn: day)
      )
      try items.close(id: flag, on: day, how: "done")
      _ = try items.insert(
        WorkItem(
          kind: .flag, rule: "consent", record: "M-0002", title: "Octavia Brennan has not given consent",
          due: day,
          createdOn: day))
    }
    return p
  }

  static func export(_ code: String, _ p: TestProject) throws -> (
    html: String, json: String, held: SubjectAccess
  ) {
    let held = try p.store.readingOnly {
      try SubjectAccess.gather(code, from: $0, producedOn: CivilDate(year: 2026, month: 11, day: 27))
    }
    let scratch = makeTempFolder()
    defer { removeTree(scratch) }
    let folder = scratch + "/answer"
    try held.write(into: folder)
    for name in [SubjectAccess.fileNames.page, SubjectAccess.fileNames.data] {
      var st = stat()
      #expect(stat(folder + "/" + name, &st) == 0 && st.st_mode & 0o777 == 0o600, "\(name) is owner-only")
    }
    return (
      try FileSystem.read(folder + "/" + SubjectAccess.fileNames.page),
      try FileSystem.read(folder + "/" + SubjectAccess.fileNames.data), held
    )
  }

  @Test(arguments: StoreUnderTest.allCases) func aMothersCopyHoldsAllOfHersAndNothingOfOthers(
    _ backing: StoreUnderTest
  ) throws {
    let p = try Self.project(on: backing)
    let (html, json, held) = try Self.export("M-0001", p)
    #expect(held.records.map(\.code) == ["M-0001", "X-0001", "C-0001", "E-0001"])
    for file in [html, json] {
      for hers in [
        "Harriet Quenby", "07700 944444", "07700 922222", "temporary flat", "Talked about feeding", "X-0001",
        "C-0001", "E-0001", "No first contact with Harriet Quenby", "Consent to check", "V-0001",
      ] {
        #expect(file.contains(hers), "\(hers) is in her copy")
      }
      for others in [
        "Zofia", "Wisniewska", "07700 911111", "zofia@example.org", "E8 1ZZ", "Octavia", "Brennan",
        "07700 933333", "M-0002", "X-0002", "C-0002",
      ] {
        #expect(!file.contains(others), "\(others) is not in her copy")
      }
    }
    // The rectification is an audited change, before and after.
    let phone = held.changes.first { c in
      c.record == "M-0001" && c.fields.contains { $0.name == "phone" } && c.action == "update"
    }
    let change = try #require(phone?.fields.first { $0.name == "phone" })
    #expect(change.before == .text("07700 922222") && change.after == .text("07700 944444"))
    // Every record's history is in, and nothing else's.
    #expect(Set(held.changes.map(\.record)) == ["M-0001", "X-0001", "C-0001", "E-0001"])
    let count = try p.store.read { r in
      try ["M-0001", "X-0001", "C-0001", "E-0001"].reduce(0) { n, code in
        let kind = try #require(RecordKind.allCases.first { code.hasPrefix($0.idPrefix + "-") })
        return n + (try r.history(kind, id: kind.id(fromCode: code)!).count)
      }
    }
    #expect(held.changes.count == count)
    #expect(held.workItems.map(\.record).sorted() == ["M-0001", "X-0001"])
    try Self.checkPage(html, json)
  }

  @Test(arguments: StoreUnderTest.allCases) func aVolunteersCopyShowsHerMothersByIdOnly(
    _ backing: StoreUnderTest
  )
    throws
  {
    let p = try Self.project(on: backing)
    let (html, json, held) = try Self.export("V-0001", p)
    #expect(held.records.map(\.code) == ["V-0001", "X-0001", "X-0002", "C-0001", "C-0002", "E-0001"])
    for file in [html, json] {
      for hers in [
        "Zofia Wisniewska", "07700 911111", "zofia@example.org", "M-0001", "M-0002", "C-0002",
        "[mother M-0001]",
      ] {
        #expect(file.contains(hers), "\(hers) is in her copy")
      }
      for others in [
        "Harriet", "Quenby", "07700 922222", "07700 944444", "temporary flat", "Talked about feeding",
        "Octavia",
        "Brennan", "07700 933333", "private worries",
      ] {
        #expect(!file.contains(others), "\(others) is not in her copy")
      }
    }
    #expect(held.records.first { $0.code == "C-0001" }?.withheld.contains("notes") == true)
    try Self.checkPage(html, json)
  }

  /// The page has no script and shows markup in the records as text; the JSON parses.
  static func checkPage(_ html: String, _ json: String) throws {
    #expect(!html.lowercased().contains("<script"))
    #expect(!html.contains("src=") && !html.contains("href=") && !html.contains("url("))
    #expect(try JSONSerialization.jsonObject(with: Data(json.utf8)) is [String: Any])
  }

  @Test func unknownCodesAreOneSentence() throws {
    let p = try Self.project(on: .sqlite)
    #expect(throws: ProjectError.self) { try Self.export("X-0001", p) }
    do {
      _ = try p.store.read {
        try SubjectAccess.gather("M-0099", from: $0, producedOn: CivilDate(year: 2026, month: 1, day: 1))
      }
      Issue.record("an unknown mother was exported")
    } catch let e as ProjectError {
      #expect(e.message == "there is no mother M-0099")
    }
  }

  @Test func aFolderThatHoldsFilesIsRefused() throws {
    let p = try Self.project(on: .sqlite)
    let held = try p.store.read {
      try SubjectAccess.gather("M-0001", from: $0, producedOn: CivilDate(year: 2026, month: 1, day: 1))
    }
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    try OutputFile.write("someone else's", to: folder + "/other.txt")
    #expect(throws: ProjectError.self) { try held.write(into: folder) }
    #expect(FileSystem.list(folder) == ["other.txt"])
  }

  @Test func thePageOpensInABrowser() throws {
    let p = try Self.project(on: .sqlite)
    let scratch = makeTempFolder()
    defer { removeTree(scratch) }
    let folder = scratch + "/answer"
    try p.store.read {
      try SubjectAccess.gather("M-0001", from: $0, producedOn: CivilDate(year: 2026, month: 11, day: 27))
    }
    .write(into: folder)
    let page = try ReportBrowserTests.open(folder + "/" + SubjectAccess.fileNames.page)
    #expect(page.console == [])
    #expect(page.dom.contains("Talked about feeding &lt;script&gt;"))
    #expect(!page.dom.contains("<script"))
  }
}
