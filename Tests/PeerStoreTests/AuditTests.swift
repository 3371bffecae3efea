import GRDB
import Testing

@testable import PeerStore

/// Every change appends who, when, which record and the before/after values; the trail itself
/// cannot be changed, not even by SQL typed by hand.
@Suite("Audit trail")
struct AuditTests {
  @Test func createUpdateAndDeleteAreRecorded() throws {
    let store = try newStore(user: "ann")
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

  @Test func bulkInsertsAreAuditedOnePerRecord() throws {
    let store = try newStore()
    let ids = try store.write { w in
      try w.insertMany((0..<10).map { StoredRecord(kind: .service, fields: ["name": .text("S\($0)")]) })
    }
    for id in ids {
      let trail = try store.read { try $0.history(.service, id: id) }
      #expect(trail.count == 1 && trail[0].after.contains("\"S\(id - 1)\""))
    }
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
}
