import PeerStore
import Testing

#if canImport(Glibc)
  import Glibc
#endif

/// A fresh folder under /tmp for one test.
func temporaryFolder() -> String {
  var template = Array("/tmp/peer-store-test-XXXXXX".utf8CString)
  return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
}

@Suite("SQLite store")
struct SQLiteStoreTests {
  func newStore() throws -> SQLiteStore {
    try SQLiteStore(path: temporaryFolder() + "/peer.db", user: "tester", create: true)
  }

  @Test func roundTripsEveryFieldType() throws {
    let store = try newStore()
    let v = StoredRecord(
      kind: .volunteer,
      fields: [
        "name": .text("Ann \"Annie\" O'Neil"), "languages": .list(["English", "Polish"]),
        "status": .text("active"),
        "capacity": .int(2), "dbs_checked_on": .date(20_000),
      ],
      extra: ["shoe_size": .int(5), "likes": .list(["tea"]), "note": .text("line\nbreak"), "ok": .bool(true)])
    let id = try store.write { try $0.insert(v) }
    let back = try store.read { try $0.get(.volunteer, id: id) }
    var expected = v
    expected.id = id
    #expect(back?.fields.filter { $0.value != .null } == expected.fields)
    #expect(back?.extra == expected.extra)
    #expect(back?.code == "V-0001")
  }

  @Test func aFailedWriteLeavesNothing() throws {
    let store = try newStore()
    struct Boom: Error {}
    #expect(throws: Boom.self) {
      try store.write { w in
        _ = try w.insert(StoredRecord(kind: .service, fields: ["name": .text("Food bank")]))
        throw Boom()
      }
    }
    #expect(try store.read { try $0.count(.service) } == 0)
    #expect(try store.query("SELECT count(*) FROM audit")[0][0] == .int(0))
  }

  @Test func everyChangeIsAuditedAndTheTrailCannotBeChanged() throws {
    let store = try newStore()
    let id = try store.write {
      try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("Food bank")]))
    }
    try store.write { w in
      var r = try w.get(.service, id: id)!
      r.fields["area"] = .text("Hackney")
      try w.update(r)
      try w.delete(.service, id: id)
    }
    let trail = try store.read { try $0.history(.service, id: id) }
    #expect(trail.map(\.action) == ["create", "update", "delete"])
    #expect(trail[1].before.contains("Food bank") && trail[1].after.contains("Hackney"))
    #expect(trail.allSatisfy { $0.user == "tester" })
    // Not even SQL typed by hand can change it (the triggers refuse).
    let attempt =
      "/usr/bin/sqlite3 \(store.path) 'DELETE FROM audit' 2>&1 | grep -q 'the audit trail cannot be changed'"
    if access("/usr/bin/sqlite3", X_OK) == 0 { #expect(system(attempt) == 0) }
    #expect(try store.read { try $0.history(.service, id: id) }.count == 3)
  }

  @Test func theFileIsReadableByItsOwnerOnly() throws {
    let path = temporaryFolder() + "/peer.db"
    _ = try SQLiteStore(path: path, user: "t", create: true)
    var st = stat()
    #expect(stat(path, &st) == 0)
    #expect(st.st_mode & 0o077 == 0)
  }

  @Test func clearSentencesForBadFiles() throws {
    let folder = temporaryFolder()
    #expect(throws: StoreError.self) { _ = try SQLiteStore(path: folder + "/missing.db", user: "t") }
    let junk = folder + "/junk.db"
    let f = fopen(junk, "w")!
    fputs(String(repeating: "this is not a database ", count: 100), f)
    fclose(f)
    do {
      _ = try SQLiteStore(path: junk, user: "t")
      Issue.record("a junk file opened")
    } catch let e as StoreError {
      #expect(e.message.contains("is not a peer database"))
    }
  }

  @Test func aNewerDatabaseIsRefused() throws {
    let path = temporaryFolder() + "/peer.db"
    _ = try SQLiteStore(path: path, user: "t", create: true)
    // A migration from the future, as a newer peer would have recorded it.
    let sqlite = "/usr/bin/sqlite3"
    if access(sqlite, X_OK) == 0 {
      #expect(
        system("\(sqlite) \(path) \"INSERT INTO grdb_migrations VALUES ('v99: from the future')\"") == 0)
      do {
        _ = try SQLiteStore(path: path, user: "t")
        Issue.record("a newer database opened")
      } catch let e as StoreError {
        #expect(e.message.contains("newer version of peer"))
      }
    }
  }

  @Test func twoStoresOnOneFileLoseNothing() throws {
    let path = temporaryFolder() + "/peer.db"
    let a = try SQLiteStore(path: path, user: "a", create: true)
    let b = try SQLiteStore(path: path, user: "b")
    for i in 0..<50 {
      let store = i % 2 == 0 ? a : b
      _ = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("S\(i)")])) }
    }
    #expect(try a.read { try $0.count(.service) } == 50)
    #expect(try b.read { try $0.count(.service) } == 50)
  }
}
