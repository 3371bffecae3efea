import PeerCalendar
import PeerScript
import PeerStore
import Testing

@testable import PeerCore

@Suite("CSV import and export")
struct ImportExportTests {
  static let order: [RecordKind] = [.service, .volunteer, .mother, .match, .visit, .ending]

  @Test func exportThenImportIntoANewProjectGivesTheSameExport() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    let first = try makeStore()
    try DemoProject.generate(into: first, scale: 1, today: CivilDate(year: 2026, month: 11, day: 20), seed: 7)
    // A project's own fields with awkward values travel too.
    try first.write { w in
      var m = try w.get(.mother, id: 1)!
      m.extra["notes"] = .text("Said: \"call after 5, not before\"\nprefers text")
      m.extra["weeks_at_referral"] = .int(12)
      m.extra["score"] = .double(2.5)
      m.extra["code"] = .text("007")
      try w.update(m)
    }
    let second = try makeStore()
    for kind in Self.order {
      let path = "\(folder)/\(kind.plural).csv"
      let out = try TextOutput.file(path)
      try Exporter.csv(kind: kind, store: first, to: out)
      try out.close()
      let report = try Importer.importCSV(kind: kind, path: path, store: second)
      #expect(report.imported == (try first.read { try $0.count(kind) }))
    }
    for kind in Self.order {
      #expect(
        try Exporter.csvText(kind: kind, store: second) == (try Exporter.csvText(kind: kind, store: first)),
        "\(kind.plural) CSV differs")
      #expect(
        try Exporter.jsonText(kind: kind, store: second) == (try Exporter.jsonText(kind: kind, store: first)),
        "\(kind.plural) JSON differs")
    }
    // The visits (tens of thousands: the typed path, indexes rebuilt after the rows) leave the
    // table's indexes, the database's reference checks and a creation in each visit's history.
    let sqlite = try #require(second as? SQLiteStore)
    #expect(
      try sqlite.query(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'visits' ORDER BY name")
        == [[.text("visits_date")], [.text("visits_match_id")]])
    #expect(try sqlite.query("PRAGMA foreign_keys") == [[.int(1)]])
    #expect(throws: (any Error).self) {
      try second.write { w in
        try w.insertMany([
          StoredRecord(
            kind: .visit, fields: ["match": .int(999_999), "date": .date(0), "kind": .text("home")])
        ])
      }
    }
    let visitCount = try second.read { try $0.count(.visit) }
    #expect(visitCount > 20_000)
    for id in [Int64(1), Int64(visitCount / 2), Int64(visitCount)] {
      let trail = try second.read { try $0.history(.visit, id: id) }
      let visit = try #require(try second.read { try $0.get(.visit, id: id) })
      #expect(trail.map(\.action) == ["create"] && trail[0].user == "tester")
      #expect(trail[0].after.hasPrefix(#"{"match":\#(visit["match"].int!),"date":""#))
    }
    let header = try Exporter.csvText(kind: .mother, store: first).split(separator: "\n").first.map(
      String.init)
    #expect(
      header
        == "id,name,phone,email,postcode,area,site,language,interpreter,due_date,birth_date,referral_date,referrer,vulnerabilities,consent,status,code,first_baby,notes,score,weeks_at_referral"
    )
  }

  /// The export reads a kind a batch at a time: own fields that only late records have still
  /// make columns, and every record comes out once, in id order.
  @Test func exportPagesThroughTheRecords() throws {
    let store = try makeStore()
    let count = Exporter.batchSize * 2 + 7
    _ = try store.write { w in
      try w.insertMany(
        (1...count).map { n in
          StoredRecord(
            kind: .service, fields: ["name": .text("S\(n)")],
            extra: n == count
              ? ["zeta": .int(1), "alpha": .text("a,b")] : n == 3 ? ["mid": .bool(true)] : [:])
        })
    }
    let lines = try Exporter.csvText(kind: .service, store: store).split(separator: "\n")
    #expect(lines.first == "id,name,category,area,alpha,mid,zeta")
    #expect(lines.count == count + 1)
    #expect(lines[3] == "S-0003,S3,,,,yes,")
    #expect(lines.last == "S-\(count),S\(count),,,\"a,b\",,1")
    #expect(lines.dropFirst().map { $0.split(separator: ",")[1] } == (1...count).map { "S\($0)"[...] })
    let json = try Exporter.jsonText(kind: .service, store: store)
    #expect(json.split(separator: "\n").count == count + 2)
    #expect(
      json.hasSuffix(
        #"  {"id": "S-\#(count)", "name": "S\#(count)", "category": null, "area": null, "alpha": "a,b", "zeta": 1}"#
          + "\n]\n"))
  }

  @Test func jsonExportIsAnArrayOfObjects() throws {
    let store = try makeStore()
    try store.write { w in
      _ = try w.insert(
        StoredRecord(
          kind: .volunteer,
          fields: [
            "name": .text("Ann \"Nan\" Lee"), "status": .text("active"), "capacity": .int(2),
            "languages": .list(["English", "Polish"]),
            "trained_on": .date(CivilDate(year: 2026, month: 1, day: 5).days),
          ], extra: ["drives": .bool(true)]))
    }
    #expect(
      try Exporter.jsonText(kind: .volunteer, store: store) == """
        [
          {"id": "V-0001", "name": "Ann \\"Nan\\" Lee", "phone": null, "email": null, "postcode": null, "area": null, "site": null, "languages": ["English", "Polish"], "experiences": null, "status": "active", "trained_on": "2026-01-05", "dbs_checked_on": null, "capacity": 2, "joined_on": null, "drives": true}
        ]

        """)
    #expect(try Exporter.jsonText(kind: .visit, store: store) == "[]\n")
  }

  @Test func byteOrderMarkQuotedCommasAndNewlinesAndUKDates() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    let path = folder + "/referrals.csv"
    writeBytes(
      path,
      [0xEF, 0xBB, 0xBF]
        + Array(
          ("name,Referral Date,status,due_date,notes,vulnerabilities,interpreter\r\n"
            + "\"Smith, Jane\",14/03/2026,Waiting,2026-08-01,\"Line one\r\nline two \"\"quoted\"\"\",isolation; housing ;,Y\r\n"
            + "Ayşe Yılmaz,1/4/2026,referred,,,,no\r\n"
            + "\n"
            + "Bad Date,31/02/2026,waiting,,,,\r\n").utf8))
    let store = try makeStore()
    #expect(throws: ImportError.self) { try Importer.importCSV(kind: .mother, path: path, store: store) }
    do {
      _ = try Importer.importCSV(kind: .mother, path: path, store: store)
    } catch let e as ImportError {
      // The quoted field spans lines 2 and 3, and line 5 is blank: the bad row is on line 6.
      #expect(
        e.problems == [
          "referrals.csv:6:Referral Date: \"31/02/2026\" is not a date (like 2027-03-14 or 14/03/2027)"
        ])
      #expect(e.badRows == 1)
    }
    #expect(try store.read { try $0.count(.mother) } == 0)

    let report = try Importer.importCSV(kind: .mother, path: path, store: store, skipBad: true)
    #expect(report.imported == 2 && report.rejected == 1)
    let mothers = try store.read { try $0.all(.mother) }
    #expect(mothers[0]["name"] == .text("Smith, Jane"))
    #expect(mothers[0]["referral_date"] == .date(CivilDate(year: 2026, month: 3, day: 14).days))
    #expect(mothers[0]["status"] == .text("waiting"))
    #expect(mothers[0]["notes"] == .text("Line one\r\nline two \"quoted\""))
    #expect(mothers[0]["vulnerabilities"] == .list(["isolation", "housing"]))
    #expect(mothers[0]["interpreter"] == .bool(true))
    #expect(mothers[1]["name"] == .text("Ayşe Yılmaz"))
    #expect(mothers[1]["referral_date"] == .date(CivilDate(year: 2026, month: 4, day: 1).days))
    #expect(mothers[1]["interpreter"] == .bool(false))
    #expect(mothers[1]["due_date"] == .null)
    #expect(
      readFile(folder + "/referrals-rejects.csv")
        == "name,Referral Date,status,due_date,notes,vulnerabilities,interpreter,error\nBad Date,31/02/2026,waiting,,,,,"
        + "\"Referral Date: \"\"31/02/2026\"\" is not a date (like 2027-03-14 or 14/03/2027)\"\n")
  }

  /// A small project: V-0001 (capacity 1) matched with M-0001 in X-0001 from 10 January;
  /// X-0002 (V-0002, M-0002) ended on 1 February.
  func smallProject() throws -> RecordStore {
    let store = try makeStore()
    func day(_ m: Int, _ d: Int) -> FieldValue { .date(CivilDate(year: 2026, month: m, day: d).days) }
    try store.write { w in
      for name in ["Ann Example", "Bea Example"] {
        _ = try w.insert(
          StoredRecord(
            kind: .volunteer, fields: ["name": .text(name), "status": .text("active"), "capacity": .int(1)]))
      }
      for name in ["Cat Mother", "Dee Mother", "Eve Mother"] {
        _ = try w.insert(
          StoredRecord(
            kind: .mother,
            fields: ["name": .text(name), "referral_date": day(1, 2), "status": .text("waiting")]))
      }
      _ = try w.insert(
        StoredRecord(
          kind: .match,
          fields: [
            "mother": .int(1), "volunteer": .int(1), "started_on": day(1, 10), "status": .text("active"),
          ]))
      _ = try w.insert(
        StoredRecord(
          kind: .match,
          fields: [
            "mother": .int(2), "volunteer": .int(2), "started_on": day(1, 10), "status": .text("ended"),
          ]))
      _ = try w.insert(
        StoredRecord(
          kind: .ending, fields: ["match": .int(2), "date": day(2, 1), "reason": .text("moved away")]))
    }
    return store
  }

  static let badVisits = """
    id,match,date,kind,minutes,concern,colour
    C-0001,X-0001,2026-01-15,home,60,no,blue
    C-0002,X-0009,2026-01-15,home,60,no,
    C-0003,X-0001,31/02/2026,home,60,no,
    C-0004,X-0001,2026-01-16,house,sixty,maybe,
    C-0005,X-0001,2026-01-05,phone,10,no,
    C-0006,X-0002,2026-03-01,phone,10,no,
    C-0001,X-0001,2026-01-20,text,5,no,
    ,,2026-01-20,text,5,no,
    M-0001,X-0001,2026-01-20,text,5,no,
    C-0010,M-0001,2026-01-20,text,5,no,
    C-0011,X-0001,2026-01-20,text,2000,no,
    C-0012,X-0001,,,5,no,
    C-0013,X-0001,2026-01-21,text,5,no,,extra

    """

  static let badVisitProblems = [
    "visits.csv:3:match: visit.match: there is no match X-0009",
    "visits.csv:4:date: \"31/02/2026\" is not a date (like 2027-03-14 or 14/03/2027)",
    "visits.csv:5:kind: visit.kind cannot be \"house\"; it must be one of: \"home\", \"phone\", \"text\", \"video\", \"group\", \"accompanied appointment\"",
    "visits.csv:5:minutes: \"sixty\" is not a whole number",
    "visits.csv:5:concern: \"maybe\" is not yes or no",
    "visits.csv:6:date: X-0001 started on 2026-01-10; a visit on 2026-01-05 is before it",
    "visits.csv:7:date: X-0002 ended on 2026-02-01 and takes no more visits (this one is on 2026-03-01)",
    "visits.csv:8:id: C-0001 is on line 2 too",
    "visits.csv:9:match: visit.match is required",
    "visits.csv:10:id: \"M-0001\" is not a visit id (like C-0042)",
    "visits.csv:11:match: \"M-0001\" is not a match id (like X-0042)",
    "visits.csv:12:minutes: a visit's minutes must be between 0 and 1440, got 2000",
    "visits.csv:13:date: visit.date is required",
    "visits.csv:13:kind: visit.kind is required",
    "visits.csv:14:column 8: the header has 7 columns; this row has 8 cells",
  ]

  @Test func everyBadCellIsReportedAndNothingIsImported() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    let path = folder + "/visits.csv"
    writeFile(path, Self.badVisits)
    let store = try smallProject()
    let before = try Exporter.csvText(kind: .visit, store: store)
    do {
      _ = try Importer.importCSV(kind: .visit, path: path, store: store)
      Issue.record("the import should have failed")
    } catch let e as ImportError {
      #expect(e.problems == Self.badVisitProblems)
      #expect(e.badRows == 12)
      #expect(
        e.description.hasSuffix(
          "nothing was imported: 12 bad rows (fix them, or import the good rows with --skip-bad)"))
    }
    #expect(try store.read { try $0.count(.visit) } == 0)
    #expect(try Exporter.csvText(kind: .visit, store: store) == before)
    #expect(readFile(folder + "/visits-rejects.csv") == nil)
  }

  @Test func importedRecordsMustStartInAStatusOfTheWorkflow() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    let path = folder + "/mothers.csv"
    writeFile(path, "name,status,referral_date\nAmina,waiting,2026-10-01\nBeth,closed,2026-10-02\n")
    let store = try makeStore()
    let statuses = WorkflowStatuses(workflow: "intake", names: ["referred", "waiting", "declined"])
    do {
      _ = try Importer.importCSV(kind: .mother, path: path, store: store, statuses: statuses)
      Issue.record("the import should have failed")
    } catch let e as ImportError {
      #expect(
        e.problems == [
          "mothers.csv:3:status: \"closed\" is not a status of workflow intake; its statuses are referred, waiting, declined"
        ])
    }
    #expect(try store.read { try $0.count(.mother) } == 0)
    // Without a workflow the store's own list of statuses is the only rule.
    let report = try Importer.importCSV(kind: .mother, path: path, store: store)
    #expect(report.imported == 2)
  }

  @Test func skipBadImportsTheGoodRowsAndWritesTheRejects() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    let path = folder + "/visits.csv"
    writeFile(path, Self.badVisits)
    let store = try smallProject()
    let report = try Importer.importCSV(
      kind: .visit, path: path, store: store, skipBad: true, rejectPath: folder + "/bad.csv")
    #expect(report.imported == 1 && report.rejected == 12)
    #expect(report.problems == Self.badVisitProblems)
    #expect(report.rejectPath == folder + "/bad.csv")
    let visits = try store.read { try $0.all(.visit) }
    #expect(visits.map(\.id) == [1])
    #expect(visits[0]["colour"] == .text("blue"))
    let rejects = readFile(folder + "/bad.csv")!.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(rejects.count == 14)
    #expect(rejects[0] == "id,match,date,kind,minutes,concern,colour,error")
    #expect(
      rejects[3]
        == "C-0004,X-0001,2026-01-16,house,sixty,maybe,,\"kind: visit.kind cannot be \"\"house\"\"; it must be one of: \"\"home\"\", \"\"phone\"\", \"\"text\"\", \"\"video\"\", \"\"group\"\", \"\"accompanied appointment\"\"; minutes: \"\"sixty\"\" is not a whole number; concern: \"\"maybe\"\" is not yes or no\""
    )
    // The rejects, once fixed, import like any file (the error column becomes a field unless mapped away).
    let again = try Importer.importCSV(
      kind: .visit, path: folder + "/bad.csv", store: store, mapping: ["error": ""], skipBad: true,
      rejectPath: folder + "/bad2.csv")
    #expect(again.imported == 0 && again.rejected == 12)
  }

  @Test func matchAndEndingRulesAreReportedAgainstTheirColumns() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    let store = try smallProject()
    writeFile(
      folder + "/matches.csv",
      "mother,volunteer,started_on,status\nM-0003,V-0001,2026-02-01,active\n3,V-0002,2026-02-01,active\n")
    do {
      _ = try Importer.importCSV(kind: .match, path: folder + "/matches.csv", store: store)
      Issue.record("the import should have failed")
    } catch let e as ImportError {
      #expect(
        e.problems == [
          "matches.csv:2:volunteer: Ann Example (V-0001) is at capacity: 1 open match for a capacity of 1"
        ])
    }
    // The second row alone is fine, but not twice: the file's own rows count.
    writeFile(
      folder + "/matches.csv",
      "mother,volunteer,started_on,status\n3,V-0002,2026-02-01,active\nM-0003,V-0002,2026-02-02,active\n")
    do {
      _ = try Importer.importCSV(kind: .match, path: folder + "/matches.csv", store: store)
      Issue.record("the import should have failed")
    } catch let e as ImportError {
      #expect(
        e.problems == [
          "matches.csv:3:volunteer: Bea Example (V-0002) is at capacity: 1 open match for a capacity of 1"
        ])
    }
    writeFile(
      folder + "/endings.csv",
      "match,date,reason\nX-0001,2026-03-01,bored\nX-0002,2026-03-01,planned\nX-0001,2026-03-01,Planned\nX-0001,2026-03-02,planned\n"
    )
    do {
      _ = try Importer.importCSV(kind: .ending, path: folder + "/endings.csv", store: store)
      Issue.record("the import should have failed")
    } catch let e as ImportError {
      #expect(
        e.problems == [
          "endings.csv:2:reason: ending.reason cannot be \"bored\"; it must be one of: \"planned\", \"mother's choice\", \"moved away\", \"lost contact\", \"handed on to professional services\", \"volunteer left\", \"safeguarding\"",
          "endings.csv:3:match: X-0002 has already ended",
          "endings.csv:5:match: X-0001 has already ended",
        ])
    }
    #expect(try store.read { try $0.count(.ending) } == 1)
  }

  @Test func headerProblemsAndMappings() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    let store = try makeStore()
    let path = folder + "/list.csv"
    writeFile(path, "Mum's name,Referred,Status,Kind,kind\nAnn,2026-01-01,waiting,x,y\n")
    do {
      _ = try Importer.importCSV(kind: .visit, path: path, store: store, mapping: ["Nope": "match"])
      Issue.record("the import should have failed")
    } catch let e as ImportError {
      #expect(
        e.problems == [
          "list.csv:1: the mapping names a column \"Nope\" that the file does not have (its columns are: Mum's name, Referred, Status, Kind, kind)",
          "list.csv:1:kind: column 4 (Kind) already gives kind",
          "list.csv:1: no column gives the required field match",
          "list.csv:1: no column gives the required field date",
        ])
    }
    let report = try Importer.importCSV(
      kind: .mother, path: path, store: store,
      mapping: ["Mum's name": "name", "referred": "referral_date", "Kind": "", "kind": "type"])
    #expect(report.imported == 1)
    let m = try store.read { try $0.get(.mother, id: 1) }!
    #expect(
      m.fields.filter { $0.value != .null } == [
        "name": .text("Ann"), "referral_date": .date(CivilDate(year: 2026, month: 1, day: 1).days),
        "status": .text("waiting"),
      ])
    #expect(m.extra == ["type": .text("y")])
    writeFile(path, "")
    #expect(throws: ImportError.self) { try Importer.importCSV(kind: .mother, path: path, store: store) }
    #expect(throws: ImportError.self) {
      try Importer.importCSV(kind: .mother, path: folder + "/missing.csv", store: store)
    }
  }

  @Test func problemsAreCappedAndProgressIsReported() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    var text = "name,referral_date,status\n"
    for i in 0..<10_000 { text += i % 40 == 0 ? "M\(i),someday,waiting\n" : "M\(i),2026-01-01,waiting\n" }
    writeFile(folder + "/m.csv", text)
    let store = try makeStore()
    var calls: [(Int, Int, Int)] = []
    do {
      _ = try Importer.importCSV(
        kind: .mother, path: folder + "/m.csv", store: store, progress: { calls.append(($0, $1, $2)) })
    } catch let e as ImportError {
      #expect(e.problems.count == 100 && e.moreProblems == 150 && e.badRows == 250)
      #expect(e.description.contains("... and 150 more problems"))
    }
    #expect(calls.count == 3)
    #expect(calls.last! == (10_000, text.utf8.count, text.utf8.count))
    #expect(try store.read { try $0.count(.mother) } == 0)
  }

  @Test func notUTF8IsABadCell() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    // "Zoë" in Windows-1252, as an old spreadsheet saves it.
    writeBytes(
      folder + "/m.csv",
      Array("name,referral_date,status\n".utf8) + [0x5A, 0x6F, 0xEB] + Array(",2026-01-01,waiting\n".utf8))
    do {
      _ = try Importer.importCSV(kind: .mother, path: folder + "/m.csv", store: try makeStore())
      Issue.record("the import should have failed")
    } catch let e as ImportError {
      #expect(
        e.problems == ["m.csv:2:name: the cell is not UTF-8 text (save the spreadsheet as \"CSV UTF-8\")"])
    }
  }

  @Test func cellFormats() {
    func date(_ s: String) -> Int32? { Array(s.utf8).withUnsafeBufferPointer { CellFormat.date($0) } }
    func bool(_ s: String) -> Bool? { Array(s.utf8).withUnsafeBufferPointer { CellFormat.bool($0) } }
    #expect(date("2026-03-14") == CivilDate(year: 2026, month: 3, day: 14).days)
    #expect(date("14/03/2026") == CivilDate(year: 2026, month: 3, day: 14).days)
    #expect(date("4/3/2026") == CivilDate(year: 2026, month: 3, day: 4).days)
    for bad in ["2026-02-30", "29/02/2026", "14/03/26", "2026/03/14", "", "14-03-2026", "114/3/2026"] {
      #expect(date(bad) == nil, "\(bad)")
    }
    #expect(date("29/02/2028") != nil)
    for yes in ["yes", "YES", "Yes", "true", "TRUE", "y", "Y", "1"] { #expect(bool(yes) == true, "\(yes)") }
    for no in ["no", "No", "false", "FALSE", "n", "N", "0"] { #expect(bool(no) == false, "\(no)") }
    for bad in ["maybe", "yess", "2", "", "t"] { #expect(bool(bad) == nil, "\(bad)") }
    #expect(CellFormat.extra("12") == .int(12))
    #expect(CellFormat.extra("012") == .text("012"))
    #expect(CellFormat.extra("2.5") == .double(2.5))
    #expect(CellFormat.extra("2.50") == .text("2.50"))
    #expect(CellFormat.extra("2026-03-14") == .date(CivilDate(year: 2026, month: 3, day: 14).days))
    #expect(CellFormat.extra("14/03/2026") == .text("14/03/2026"))
    #expect(CellFormat.extra("07700 900123") == .text("07700 900123"))
    #expect(CellFormat.csvCell("a,b") == "\"a,b\"")
    #expect(CellFormat.csvCell("say \"hi\"") == "\"say \"\"hi\"\"\"")
    #expect(CellFormat.csvCell("plain") == "plain")
  }
}
