import PeerStore
import PeerTestSupport
import Testing

/// Every kind, every field type and the project's own fields come back as they went in.
@Suite("Records round trip")
struct RoundTripTests {
  /// A value of the right type for each core field; references point at `refs`.
  static func sample(_ kind: RecordKind, refs: [RecordKind: Int64], n: Int) -> StoredRecord {
    var r = StoredRecord(kind: kind)
    for spec in kind.fields {
      switch spec.type {
      case .text:
        r.fields[spec.name] = .text(
          spec.choices.isEmpty ? "\(spec.name) \(n) – “ü” 👶" : spec.choices[n % spec.choices.count])
      case .int: r.fields[spec.name] = .int(n * 7 - 3)
      case .double: r.fields[spec.name] = .double(Double(n) + 0.25)
      case .bool: r.fields[spec.name] = .bool(n % 2 == 0)
      case .date: r.fields[spec.name] = .date(Int32(20_000 + n))
      case .list: r.fields[spec.name] = .list(["a, b", "quote \" and \\ backslash", "line\nbreak", ""])
      case .reference(let target): r.fields[spec.name] = .int(Int(refs[target]!))
      }
    }
    r.extra = [
      "shoe_size": .int(5), "score": .double(-1.5e-7), "likes": .list(["tea", "cake"]), "empty": .list([]),
      "note": .text("tab\there\u{1}control"), "ok": .bool(false), "seen_on": .date(-400),
      "big": .int(Int.max),
    ]
    return r
  }

  @Test(arguments: StoreUnderTest.allCases) func everyKindAndFieldTypeComesBack(_ backing: StoreUnderTest)
    throws
  {
    let store = try backing.make()
    var refs: [RecordKind: Int64] = [:]
    var written: [StoredRecord] = []
    // Referenced kinds first, so that each reference points at a record that exists.
    for kind in [RecordKind.volunteer, .mother, .service, .match, .visit, .ending] {
      var r = Self.sample(kind, refs: refs, n: written.count)
      r.id = try store.write { try $0.insert(r) }
      refs[kind] = r.id
      written.append(r)
    }
    for r in written {
      let back = try store.read { try $0.get(r.kind, id: r.id) }
      #expect(back == r, "\(r.kind)")
      #expect(try store.read { try $0.all(r.kind) } == [r])
    }
  }

  /// Many records at once (on a server they go in COPY's text format, where a tab, a newline,
  /// a backslash or `\N` in a text would end a column or mean nothing if not escaped) come
  /// back exactly, with nulls, lists and own fields.
  @Test(arguments: StoreUnderTest.allCases) func manyAtOnceComeBackExactly(_ backing: StoreUnderTest) throws {
    let store = try backing.make()
    let awkward = ["a\tb", "line\nbreak\r\n", "back\\slash \\N", "\\N", "\\.", "", "“ü” 👶", "\u{1}\u{7f}"]
    var refs: [RecordKind: Int64] = [:]
    for kind in [RecordKind.volunteer, .mother, .service, .match, .visit, .ending] {
      var records: [StoredRecord] = []
      for n in 0..<40 {
        var r = Self.sample(kind, refs: refs, n: n)
        for spec in kind.fields where spec.type == .text && spec.choices.isEmpty {
          r.fields[spec.name] = n % 5 == 0 ? .null : .text(awkward[n % awkward.count])
        }
        r.extra["note"] = .text(awkward[(n + 3) % awkward.count])
        r.extra["tags"] = .list(awkward)
        records.append(r)
      }
      let ids = try store.write { try $0.insertMany(records) }
      for i in records.indices { records[i].id = ids[i] }
      refs[kind] = ids[0]
      let back = try store.read { try $0.all(kind) }
      #expect(back == records, "\(kind)")
    }
  }

  @Test(arguments: StoreUnderTest.allCases) func absentFieldsAreNullAndNullExtrasAreDropped(
    _ backing: StoreUnderTest
  ) throws {
    let store = try backing.make()
    let id = try store.write {
      try $0.insert(
        StoredRecord(kind: .service, fields: ["name": .text("Food bank")], extra: ["gone": .null]))
    }
    let back = try #require(try store.read { try $0.get(.service, id: id) })
    #expect(back.fields == ["name": .text("Food bank"), "category": .null, "area": .null])
    #expect(back.extra.isEmpty)
    #expect(back["category"] == .null && back["gone"] == .null)
  }

  @Test(arguments: StoreUnderTest.allCases) func idsCountUpAndBulkInsertsKeepGivenIds(
    _ backing: StoreUnderTest
  ) throws {
    let store = try backing.make()
    let first = try store.write { w in
      try (1...3).map { try w.insert(StoredRecord(kind: .service, fields: ["name": .text("S\($0)")])) }
    }
    #expect(first == [1, 2, 3])
    #expect(try store.read { try $0.get(.service, id: 2) }?.code == "S-0002")
    let bulk = try store.write { w in
      try w.insertMany([
        StoredRecord(kind: .service, id: 40, fields: ["name": .text("kept id")]),
        StoredRecord(kind: .service, fields: ["name": .text("next id")]),
      ])
    }
    #expect(bulk == [40, 41])
    #expect(try store.read { try $0.count(.service) } == 5)
    #expect(try store.read { try $0.get(.service, id: 7) } == nil)
    #expect(try store.write { try $0.insertMany([]) } == [])
  }

  @Test(arguments: StoreUnderTest.allCases) func findUpdateAndDelete(_ backing: StoreUnderTest) throws {
    let store = try backing.make()
    let (v, m) = try store.write { w in
      let v = try w.insert(Self.sample(.volunteer, refs: [:], n: 1))
      let m = try w.insert(Self.sample(.mother, refs: [:], n: 2))
      return (v, m)
    }
    let x = try store.write { try $0.insert(Self.sample(.match, refs: [.volunteer: v, .mother: m], n: 3)) }
    #expect(try store.read { try $0.find(.match, where: "mother", equals: .int(Int(m))) }.map(\.id) == [x])
    #expect(try store.read { try $0.find(.mother, where: "status", equals: .text("nobody")) }.isEmpty)
    #expect(
      storeError { _ = try store.read { try $0.find(.mother, where: "due_dat", equals: .null) } } != nil)
    try store.write { w in
      var r = try #require(try w.get(.mother, id: m))
      r.fields["status"] = .text("closed")
      r.extra["own"] = .text("added")
      try w.update(r)
    }
    let after = try #require(try store.read { try $0.get(.mother, id: m) })
    #expect(after["status"] == .text("closed") && after["own"] == .text("added"))
    try store.write { try $0.delete(.match, id: x) }
    #expect(try store.read { try $0.get(.match, id: x) } == nil)
    #expect(storeError { try store.write { try $0.delete(.match, id: x) } } == "there is no match X-0001")
  }

  @Test(arguments: StoreUnderTest.allCases) func aReferencedRecordCannotBeDeletedAndBadReferencesAreRefused(
    _ backing: StoreUnderTest
  ) throws {
    let store = try backing.make()
    let (v, m) = try store.write { w in
      (
        try w.insert(Self.sample(.volunteer, refs: [:], n: 1)),
        try w.insert(Self.sample(.mother, refs: [:], n: 2))
      )
    }
    _ = try store.write { try $0.insert(Self.sample(.match, refs: [.volunteer: v, .mother: m], n: 3)) }
    let refused = storeError { try store.write { try $0.delete(.mother, id: m) } }
    #expect(refused == "cannot delete mother M-0001: match X-0001 refers to it")
    let dangling = storeError {
      _ = try store.write { try $0.insert(Self.sample(.visit, refs: [.match: 99], n: 4)) }
    }
    #expect(dangling?.hasPrefix("a record refers to another that does not exist") == true)
  }

  @Test(arguments: StoreUnderTest.allCases) func readOnlySQLForReports(_ backing: StoreUnderTest) throws {
    let store = try backing.make()
    _ = try store.write { w in
      try w.insert(
        StoredRecord(kind: .service, fields: ["name": .text("Food bank"), "category": .text("food")]))
    }
    let rows = try store.query(
      backing == .sqlite
        ? "SELECT name, count(*), max(json_extract(extra, '$.x')) FROM services WHERE category = ? GROUP BY name"
        : "SELECT name, count(*), max(extra->>'x') FROM services WHERE category = $1 GROUP BY name",
      arguments: [.text("food")])
    #expect(rows == [[.text("Food bank"), .int(1), .null]])
    #expect(storeError { _ = try store.query("DELETE FROM services") } != nil)
    #expect(try store.read { try $0.count(.service) } == 1)
  }
}
