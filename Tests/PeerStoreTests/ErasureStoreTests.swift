import Foundation
import GRDB
import PeerCalendar
import PeerTestSupport
import Testing

@testable import PeerPostgres
@testable import PeerStore

/// Erasure's store layer: audit values blanked and nothing else of an entry changed, tasks
/// deleted with an audit entry, ids never given again, space reclaimed.
@Suite("Erasure in the stores")
struct ErasureStoreTests {
  /// `forgetHistory` empties the before- and after-values of a record's entries; every entry
  /// stays with its time, user, kind, id and action.
  @Test(arguments: StoreUnderTest.allCases) func forgettingHistoryBlanksValuesOnly(_ backing: StoreUnderTest)
    throws
  {
    let store = try backing.make(user: "ann")
    let (a, b) = try store.write { w in
      (
        try w.insert(StoredRecord(kind: .service, fields: ["name": .text("Quillfeather Pantry")])),
        try w.insert(StoredRecord(kind: .service, fields: ["name": .text("Other")]))
      )
    }
    try store.write { w in
      var r = try w.get(.service, id: a)!
      r.fields["area"] = .text("Hackney")
      try w.update(r)
    }
    let before = try store.read { try $0.history(.service, id: a) }
    try store.write { w in
      try w.forgetHistory("service", ids: [a])
      try w.auditEvent("service", id: a, action: "erase", after: #"{"reason":"test"}"#)
    }
    let after = try store.read { try $0.history(.service, id: a) }
    #expect(after.map(\.action) == ["create", "update", "erase"])
    #expect(after.dropLast().map(\.sequence) == before.map(\.sequence))
    #expect(after.dropLast().map(\.at) == before.map(\.at))
    #expect(after.map(\.user) == ["ann", "ann", "ann"])
    // The creation's after-values come from the record as it is now (`history`), not the trail.
    #expect(after[1].before == "" && after[1].after == "")
    #expect(after[2].after == #"{"reason":"test"}"#)
    let raw = try store.query(
      "SELECT count(*) FROM audit WHERE before LIKE '%Quillfeather%' OR after LIKE '%Quillfeather%'")
    #expect(raw == [[.int(0)]])
    // The other record's history is untouched.
    #expect(try store.read { try $0.history(.service, id: b) }[0].after.contains("Other"))
    #expect(try store.read { try $0.auditedIDs("service", action: "erase") } == [a])
    #expect(try store.read { try $0.auditedIDs("service", action: "anonymise") } == [])
  }

  /// The one change the databases allow to an entry is emptying both values; any other
  /// update, and any delete, is refused, as before.
  @Test func sqliteRefusesEveryOtherChangeOfAnEntry() throws {
    let store = try newStore()
    _ = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("x")])) }
    for sql in [
      "UPDATE audit SET user = 'mallory'", "UPDATE audit SET before = '', after = '', user = 'mallory'",
      "UPDATE audit SET before = '', after = '', action = 'update'",
      "UPDATE audit SET before = '', after = '', at = '2020-01-01T00:00:00Z'",
      "UPDATE audit SET before = '', after = '', record_id = 7", "UPDATE audit SET after = 'forged'",
      "UPDATE audit SET before = '', after = '', seq = 99", "DELETE FROM audit",
    ] {
      #expect(throws: DatabaseError.self, "\(sql)") { try store.pool.write { try $0.execute(sql: sql) } }
    }
    try store.pool.write { try $0.execute(sql: "UPDATE audit SET before = '', after = ''") }
    let trail = try store.query("SELECT user, action, after FROM audit")
    #expect(trail == [[.text("tester"), .text("create"), .text("")]])
  }

  @Test func theServerRefusesEveryOtherChangeOfAnEntry() throws {
    let address = try TestServer.newDatabase()
    let store = try PostgresStore(address: address, user: "tester", create: true)
    _ = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("x")])) }
    let owner = try ServerConnection(address)
    for sql in [
      #"UPDATE audit SET "user" = 'mallory'"#,
      #"UPDATE audit SET before = '', after = '', "user" = 'mallory'"#,
      "UPDATE audit SET before = '', after = '', action = 'update'",
      "UPDATE audit SET before = '', after = '', at = now() - interval '1 day'",
      "UPDATE audit SET before = '', after = '', record_id = 7", "UPDATE audit SET after = 'forged'",
      "UPDATE audit SET before = '', after = '', last_id = 9", "DELETE FROM audit", "TRUNCATE audit",
    ] {
      let message = storeError { try owner.query(sql) }
      #expect(message == "the audit trail cannot be changed", "\(sql)")
    }
    try owner.query("UPDATE audit SET before = '', after = ''")
    #expect(
      try store.query(#"SELECT "user", action, after FROM audit"#) == [
        [.text("tester"), .text("create"), .text("")]
      ])
    // A login of no role that may erase cannot run the function that blanks values.
    let login = "clerk_\(address.database)"
    try owner.query("CREATE ROLE \(login) LOGIN PASSWORD 'secret-\(address.database)'")
    var asClerk = address
    asClerk.user = login
    let clerk = try ServerConnection(asClerk, password: "secret-\(address.database)")
    let message = storeError { try clerk.query("SELECT peer_forget_history('service', ARRAY[1]::bigint[])") }
    #expect(
      message?.contains("may not") == true || message?.contains("permission") == true,
      "\(message ?? "allowed")")
    // Which ids have an entry of an action, any login may ask (no values are read).
    #expect(
      try clerk.query("SELECT count(*) FROM peer_audited_ids('service', 'create')").first?.first.map {
        "\($0)"
      } == "int(1)")
  }

  /// A deleted task or flag is in the audit trail with what it was, and its id is never
  /// given to another (whose history would otherwise show the deleted one's).
  @Test(arguments: StoreUnderTest.allCases) func deletedTasksAreAuditedAndTheirIDsNeverReused(
    _ backing: StoreUnderTest
  ) throws {
    let store = try backing.make(user: "ann")
    let day = CivilDate(year: 2026, month: 11, day: 26).days
    let (first, second) = try store.write { w in
      let items = w as! any WorkItemStore
      let a = try items.insert(
        WorkItem(kind: .task, rule: "r", record: "M-0001", title: "t1", due: day, createdOn: day))
      let b = try items.insert(
        WorkItem(kind: .flag, rule: "r", record: "M-0002", title: "t2", due: day, createdOn: day))
      return (a, b)
    }
    try store.write { w in try (w as! any WorkItemStore).delete(id: second) }
    let third = try store.write { w in
      try (w as! any WorkItemStore).insert(
        WorkItem(kind: .task, rule: "r", record: "M-0003", title: "t3", due: day, createdOn: day))
    }
    #expect(third > second && second > first)
    let rows = try store.query(
      "SELECT action, before, after FROM audit WHERE kind = 'task' AND record_id = \(second) ORDER BY seq")
    #expect(rows.count == 2)
    #expect(rows.last?.first == .text("delete"))
    if case .text(let before)? = rows.last?[1] {
      #expect(before.contains("\"t2\""))
    } else {
      Issue.record("no before")
    }
    #expect(try store.read { try ($0 as! any WorkItemStore).item(id: second) } == nil)
  }

  /// Ids are never given again after an erasure: the highest record deleted, a new one gets
  /// the next id, on both stores.
  @Test(arguments: StoreUnderTest.allCases) func idsAreNeverReusedAfterAnErasure(_ backing: StoreUnderTest)
    throws
  {
    let store = try backing.make()
    let ids = try store.write { w in
      try (0..<3).map { try w.insert(StoredRecord(kind: .service, fields: ["name": .text("S\($0)")])) }
    }
    try store.write { w in
      try w.delete(.service, id: ids[2])
      try w.forgetHistory("service", ids: [ids[2]])
      try w.auditEvent("service", id: ids[2], action: "erase", after: "{}")
    }
    let next = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("new")])) }
    #expect(next == ids[2] + 1)
    #expect(try store.read { try $0.history(.service, id: next) }.map(\.action) == ["create"])
    #expect(
      try store.read { try $0.history(.service, id: ids[2]) }.map(\.action) == ["create", "delete", "erase"])
  }

  /// An erasure by a person's login leaves the server's dead rows for the owner: the owner's
  /// `peer batch` rewrites the tables once, then not again until something else is erased.
  @Test func theOwnersBatchReclaimsWhatAnErasureLeftOnTheServer() throws {
    let address = try TestServer.newDatabase()
    let store = try PostgresStore(address: address, user: "tester", create: true)
    let secret = "Zephyrine Quillfeather"
    let id = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text(secret)])) }
    try store.write { w in
      try w.delete(.service, id: id)
      try w.forgetHistory("service", ids: [id])
      try w.auditEvent("service", id: id, action: "erase", after: "{}")
    }
    func files() throws -> [UInt8] {
      let (status, output) = try TestServer.psql("CHECKPOINT", login: "postgres", on: address)
      #expect(status == 0, "\(output)")
      guard
        case .int(let oid)? = try store.query(
          "SELECT oid::bigint FROM pg_database WHERE datname = current_database()"
        ).first?.first
      else { return [] }
      let folder = try TestServer.dataFolder() + "/base/\(oid)"
      return try FileManager.default.contentsOfDirectory(atPath: folder).flatMap {
        readBytes(folder + "/" + $0)
      }
    }
    let before = contains(try files(), Array(secret.utf8))
    #expect(before, "the dead rows are still on disk before the reclaim")
    try store.reclaimIfErasedSince()
    let after = contains(try files(), Array(secret.utf8))
    #expect(!after)
    try store.reclaimIfErasedSince()
    #expect(try store.query("SELECT count(*) FROM audit WHERE action = 'reclaim'") == [[.int(1)]])
  }

  /// After the reclaim, a value deleted with secure delete on is in neither the file nor its WAL.
  @Test func reclaimingLeavesNoCopyInTheSQLiteFiles() throws {
    let store = try newStore()
    let secret = "Zephyrine Quillfeather"
    let id = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text(secret)])) }
    // Enough other rows that the file has several pages.
    _ = try store.write { w in
      try w.insertMany(
        (0..<300).map { StoredRecord(kind: .service, fields: ["name": .text("Service number \($0)")]) })
    }
    try store.write { w in
      try w.delete(.service, id: id)
      try w.forgetHistory("service", ids: [id])
    }
    try store.reclaimErasedSpace()
    for suffix in ["", "-wal", "-shm"] {
      let bytes = readBytes(store.path + suffix)
      let found = contains(bytes, Array(secret.utf8))
      #expect(!found, "peer.db\(suffix)")
    }
    #expect(try store.read { try $0.count(.service) } == 300)
  }
}
