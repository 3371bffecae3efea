import GRDB
import PeerTestSupport
import Testing

@testable import PeerPostgres
@testable import PeerStore

/// Every change appends who, when, which record and the before/after values; the trail itself
/// cannot be changed, not even by SQL typed by hand.
@Suite("Audit trail")
struct AuditTests {
  @Test(arguments: StoreUnderTest.allCases) func createUpdateAndDeleteAreRecorded(_ backing: StoreUnderTest)
    throws
  {
    let store = try backing.make(user: "ann")
    let id = try store.write {
      try $0.insert(
        StoredRecord(kind: .service, fields: ["name": .text("Food bank")], extra: ["hours": .int(3)]))
    }
    store.user = "bob"
    try store.write { w in
      var r = try w.get(.service, id: id)!
      r.fields["area"] = .text("Hackney")
      try w.update(r)
    }
    try store.write { try $0.delete(.service, id: id) }
    let trail = try store.read { try $0.history(.service, id: id) }
    #expect(trail.map(\.action) == ["create", "update", "delete"])
    #expect(trail.map(\.user) == ["ann", "bob", "bob"])
    #expect(trail.map(\.sequence) == trail.map(\.sequence).sorted())
    #expect(trail.allSatisfy { $0.kind == .service && $0.recordID == id })
    #expect(trail[0].before == "")
    // Core fields in column order, then the own fields.
    #expect(trail[0].after == #"{"name":"Food bank","hours":3}"#)
    #expect(trail[1].before == trail[0].after)
    #expect(trail[1].after == #"{"name":"Food bank","area":"Hackney","hours":3}"#)
    #expect(trail[2].before == trail[1].after && trail[2].after == "")
    // UTC, ISO 8601, to the second.
    let at = try #require(trail.first?.at)
    #expect(at.count == 20 && at.hasSuffix("Z") && at.dropFirst(10).first == "T")
    #expect(try store.read { try $0.history(.service, id: id + 1) }.isEmpty)
  }

  @Test(arguments: StoreUnderTest.allCases) func bulkInsertsAreAuditedOnePerRecord(_ backing: StoreUnderTest)
    throws
  {
    let store = try backing.make()
    let ids = try store.write { w in
      try w.insertMany((0..<10).map { StoredRecord(kind: .service, fields: ["name": .text("S\($0)")]) })
    }
    for id in ids {
      let trail = try store.read { try $0.history(.service, id: id) }
      #expect(trail.count == 1 && trail[0].after.contains("\"S\(id - 1)\""))
    }
  }

  /// A bulk creation is one entry per run of consecutive ids; each record's history still
  /// shows its creation with the values it was first stored with.
  @Test(arguments: StoreUnderTest.allCases) func bulkCreationsAreOneEntryPerRunOfIds(
    _ backing: StoreUnderTest
  ) throws {
    let store = try backing.make(user: "ann")
    let ids = try store.write { w in
      try w.insertMany(
        [1, 2, 3, 7, 8, 20].map { StoredRecord(kind: .service, id: $0, fields: ["name": .text("S\($0)")]) })
    }
    #expect(ids == [1, 2, 3, 7, 8, 20])
    let rows = try store.query("SELECT record_id, last_id, action, after FROM audit ORDER BY seq")
    #expect(
      rows == [
        [.int(1), .int(3), .text("create"), .text("")], [.int(7), .int(8), .text("create"), .text("")],
        [.int(20), .null, .text("create"), .text("")],
      ])
    store.user = "bob"
    try store.write { w in
      var r = try w.get(.service, id: 2)!
      r.fields["area"] = .text("Hackney")
      try w.update(r)
      try w.delete(.service, id: 8)
    }
    let two = try store.read { try $0.history(.service, id: 2) }
    #expect(two.map(\.action) == ["create", "update"])
    #expect(two.map(\.user) == ["ann", "bob"])
    #expect(two[0].after == #"{"name":"S2"}"# && two[1].before == two[0].after)
    #expect(two[1].after == #"{"name":"S2","area":"Hackney"}"#)
    let eight = try store.read { try $0.history(.service, id: 8) }
    #expect(eight.map(\.action) == ["create", "delete"] && eight[0].after == #"{"name":"S8"}"#)
    // Untouched records: the creation's after-values are the record as it is.
    for (id, name) in [(1, "S1"), (3, "S3"), (7, "S7"), (20, "S20")] {
      let trail = try store.read { try $0.history(.service, id: Int64(id)) }
      #expect(trail.count == 1 && trail[0].after == #"{"name":"\#(name)"}"#)
    }
    // Ids outside every run have no history; a deleted id is never made again.
    #expect(try store.read { try $0.history(.service, id: 5) }.isEmpty)
    #expect(throws: StoreError.self) {
      try store.write {
        try $0.insertMany([StoredRecord(kind: .service, id: 8, fields: ["name": .text("again")])])
      }
    }
    #expect(try store.read { try $0.history(.service, id: 8) }.map(\.action) == ["create", "delete"])
  }

  @Test(arguments: StoreUnderTest.allCases) func aBulkInsertWritesTypedRowsAndRebuildsTheIndexes(
    _ backing: StoreUnderTest
  ) throws {
    let store = try backing.make()
    let indexes =
      backing == .sqlite
      ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'mothers' ORDER BY name"
      : "SELECT indexname FROM pg_indexes WHERE tablename = 'mothers' AND indexname <> 'mothers_pkey' ORDER BY indexname"
    _ = try store.write { w in try w.insert(StoredRecord(kind: .mother, fields: ["name": .text("first")])) }
    let before = try store.query(indexes)
    // The server also indexes mothers' sites, which site coordinators' policies filter on.
    #expect(before.count == (backing == .sqlite ? 2 : 3))
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
    let name = bytes("Food bank")
    let extra = bytes(#"{"hours":3}"#)
    let ids = try store.write { w in
      let bulk = try w.bulkInsert(.mother, rebuildIndexes: true)
      var ids: [Int64] = []
      try name.withUnsafeBufferPointer { n in
        try extra.withUnsafeBufferPointer { e in
          bulk.set(0, .text(n))
          bulk.set(RecordKind.mother.fields.count, .text(e))
          ids.append(try bulk.insertRow(id: 0))
          bulk.set(0, .text(n))
          ids.append(try bulk.insertRow(id: 10))
        }
      }
      try bulk.finish()
      return ids
    }
    #expect(ids == [2, 10] || (backing == .postgres && ids[1] == 10 && ids[0] > 1))
    let read = try store.read { r in try ids.map { try r.get(.mother, id: $0)! } }
    #expect(read[0]["name"] == .text("Food bank") && read[0]["status"] == .null)
    #expect(read[0].extra == ["hours": .int(3)])
    #expect(read[1]["name"] == .text("Food bank") && read[1].extra.isEmpty)
    #expect(try store.query(indexes) == before)
    #expect(try store.query("SELECT count(*) FROM audit") == [[.int(3)]])
    // A bulk insert that fails leaves nothing, indexes included.
    struct Stop: Error {}
    #expect(throws: Stop.self) {
      try store.write { w in
        let bulk = try w.bulkInsert(.mother, rebuildIndexes: true)
        try name.withUnsafeBufferPointer { n in
          bulk.set(0, .text(n))
          _ = try bulk.insertRow(id: 0)
        }
        throw Stop()
      }
    }
    #expect(try store.query(indexes) == before && store.read { try $0.count(.mother) } == 3)
  }

  @Test(arguments: StoreUnderTest.allCases) func forEachPagesThroughAKindInIDOrder(_ backing: StoreUnderTest)
    throws
  {
    let store = try backing.make()
    _ = try store.write { w in
      try w.insertMany(
        (1...25).reversed().map {
          StoredRecord(kind: .service, id: Int64($0), fields: ["name": .text("S\($0)")])
        })
    }
    var batches: [[Int64]] = []
    try store.read { r in
      try r.forEach(.service, batchSize: 10) { batch in
        batches.append(batch.map(\.id))
        return true
      }
    }
    #expect(batches.map(\.count) == [10, 10, 5] && batches.joined().elementsEqual(1...25))
    var seen = 0
    try store.read { r in
      try r.forEach(.service, batchSize: 4) { batch in
        seen += batch.count
        return seen < 8
      }
    }
    #expect(seen == 8)
  }

  @Test func theTrailRefusesUpdateAndDelete() throws {
    let store = try newStore()
    _ = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("x")])) }
    for sql in ["UPDATE audit SET user = 'mallory'", "DELETE FROM audit"] {
      #expect(throws: DatabaseError.self) { try store.pool.write { try $0.execute(sql: sql) } }
      if haveSQLite3 {
        let result = try runSQLite3(store.path, sql + ";\n")
        #expect(result.output.contains("the audit trail cannot be changed"))
      }
    }
    let trail = try store.read { try $0.history(.service, id: 1) }
    #expect(trail.count == 1 && trail[0].user == "tester")
  }

  /// On the server the trail is append-only for everyone but its owner: a trigger refuses
  /// UPDATE, DELETE and TRUNCATE, and a login that only has peer's privileges cannot remove it.
  @Test func theTrailOnTheServerRefusesUpdateDeleteAndTruncate() throws {
    let address = try TestServer.newDatabase()
    let store = try PostgresStore(address: address, user: "tester", create: true)
    _ = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("x")])) }
    let owner = try ServerConnection(address)
    for sql in [#"UPDATE audit SET "user" = 'mallory'"#, "DELETE FROM audit", "TRUNCATE audit"] {
      let message = storeError { try owner.query(sql) }
      #expect(message == "the audit trail cannot be changed", "\(sql)")
    }
    // A coordinator's login, with the privileges a project grants its users.
    let login = "coordinator_\(address.database)"
    try owner.query("CREATE ROLE \(login) LOGIN PASSWORD 'secret-\(address.database)'")
    try owner.query("GRANT SELECT, INSERT ON audit TO \(login)")
    try owner.query("GRANT USAGE ON SEQUENCE audit_seq_seq TO \(login)")
    var asCoordinator = address
    asCoordinator.user = login
    let coordinator = try ServerConnection(asCoordinator, password: "secret-\(address.database)")
    for sql in [
      "DROP TRIGGER audit_no_change ON audit", "ALTER TABLE audit DISABLE TRIGGER ALL", "DROP TABLE audit",
    ] {
      let message = storeError { try coordinator.query(sql) }
      #expect(message?.contains("may not do that") == true, "\(sql): \(message ?? "allowed")")
    }
    #expect(try store.read { try $0.history(.service, id: 1) }.map(\.user) == ["tester"])
  }
}
