import GRDB
import PeerTestSupport
import Testing

@testable import PeerStore

/// A deleted record's id is never given to another: the new person's history cannot show the
/// deleted person's name, phone or notes.
@Suite("Record ids are never reused")
struct RecordIDTests {
  func mother(_ name: String, phone: String) -> StoredRecord {
    StoredRecord(
      kind: .mother,
      fields: ["name": .text(name), "phone": .text(phone), "status": .text("referred")])
  }

  @Test(arguments: StoreUnderTest.allCases) func theLastRecordDeletedKeepsItsIdToItself(
    _ backing: StoreUnderTest
  ) throws {
    let store = try backing.make(user: "ann")
    let first = try store.write { try $0.insert(mother("Ama", phone: "07700 900001")) }
    let second = try store.write { try $0.insert(mother("Bea", phone: "07700 900002")) }
    try store.write { try $0.delete(.mother, id: second) }
    let third = try store.write { try $0.insert(mother("Cy", phone: "07700 900003")) }
    #expect(third == second + 1)
    #expect(third != first)
    let history = try store.read { try $0.history(.mother, id: third) }
    #expect(history.map(\.action) == ["create"])
    #expect(!history.contains { $0.before.contains("Bea") || $0.after.contains("Bea") })
  }

  @Test(arguments: StoreUnderTest.allCases) func bulkInsertsAndManyAtOnceSkipDeletedIds(
    _ backing: StoreUnderTest
  ) throws {
    let store = try backing.make(user: "ann")
    let ids = try store.write { try $0.insertMany([mother("A", phone: "1"), mother("B", phone: "2")]) }
    try store.write { try $0.delete(.mother, id: ids[1]) }
    let more = try store.write { try $0.insertMany([mother("C", phone: "3")]) }
    #expect(more == [ids[1] + 1])
    try store.write { try $0.delete(.mother, id: more[0]) }
    let bulk = try store.write { w -> Int64 in
      let insert = try w.bulkInsert(.mother, rebuildIndexes: false)
      let id = try insert.insert(
        StoredRecord(kind: .mother, fields: ["name": .text("D"), "status": .text("referred")]))
      try insert.finish()
      return id
    }
    #expect(bulk == more[0] + 1)
  }

  @Test(arguments: StoreUnderTest.allCases) func anImportNamingADeletedIdIsRefused(_ backing: StoreUnderTest)
    throws
  {
    let store = try backing.make(user: "ann")
    let id = try store.write { try $0.insert(mother("Ama", phone: "07700 900001")) }
    try store.write { try $0.delete(.mother, id: id) }
    var again = mother("Someone else", phone: "07700 900009")
    again.id = id
    #expect(throws: StoreError.self) { try store.write { try $0.insert(again) } }
  }

  /// A file from before this rule, where SQLite gave a deleted id again: the history of the
  /// record now holding it starts after the deletion.
  @Test func historyOfAnIdGivenAgainStartsAfterTheDeletion() throws {
    let store = try newStore(user: "ann")
    let id = try store.write { try $0.insert(mother("Bea", phone: "07700 900002")) }
    try store.write { try $0.delete(.mother, id: id) }
    // What an older peer did: insert with SQLite choosing the id (the deleted one).
    try store.write { w in
      let access = w as! SQLiteAccess
      try access.db.execute(
        sql: "INSERT INTO mothers (id, name, status) VALUES (?, 'Cy', 'referred')", arguments: [id])
      try access.db.execute(
        sql:
          "INSERT INTO audit (at, user, kind, record_id, action, before, after) VALUES ('2026-01-01T00:00:00Z', 'old', 'mother', ?, 'create', '', '{\"name\":\"Cy\"}')",
        arguments: [id])
    }
    let history = try store.read { try $0.history(.mother, id: id) }
    #expect(history.map(\.action) == ["create"])
    #expect(!history.contains { $0.before.contains("Bea") || $0.after.contains("Bea") })
  }
}
