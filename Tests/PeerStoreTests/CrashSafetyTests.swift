import Foundation
import Testing

@testable import PeerStore

#if canImport(Glibc)
  import Glibc
#endif

/// Killing a process at any moment leaves the database as it was before its transaction or as
/// after it, never between. The writer here is the sqlite3 shell (the same SQLite, journal and
/// locking as peer's), because a test cannot SIGKILL itself; what is proven is the file-level
/// guarantee peer relies on: WAL mode + one transaction per command means a killed writer's
/// pages, even those already spilled into the -wal file, are never seen by the next opener, the
/// file passes `PRAGMA integrity_check`, and the kernel releases the dead writer's lock so the
/// next write does not wait for it.
@Suite("Crash safety", .enabled(if: haveSQLite3))
struct CrashSafetyTests {
  /// Ten committed services and their audit entry (one for the run of ids 1-10): the "before".
  func storeWithTenServices() throws -> SQLiteStore {
    let store = try newStore()
    _ = try store.write { w in
      try w.insertMany((0..<10).map { StoredRecord(kind: .service, fields: ["name": .text("before \($0)")]) })
    }
    return store
  }

  func walSize(_ path: String) -> Int {
    var st = stat()
    return stat(path + "-wal", &st) == 0 ? Int(st.st_size) : 0
  }

  func verify(_ path: String, services: Int, audit: Int) throws {
    let store = try SQLiteStore(path: path, user: "after")
    #expect(try store.query("PRAGMA integrity_check") == [[.text("ok")]])
    #expect(try store.query("PRAGMA foreign_key_check").isEmpty)
    #expect(try store.read { try $0.count(.service) } == services)
    #expect(try store.query("SELECT count(*) FROM audit") == [[.int(audit)]])
    // The dead writer's lock is gone: a write goes through at once.
    _ = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("next")])) }
  }

  @Test func killedMidTransactionLeavesTheBefore() throws {
    let store = try storeWithTenServices()
    let walBefore = walSize(store.path)
    let child = try SQLiteChild(store.path)
    // A tiny page cache makes SQLite write the transaction's pages into the -wal file before
    // the commit, so the kill finds uncommitted data on disk, the hard case.
    child.send("PRAGMA cache_size = 8;")
    child.send("BEGIN IMMEDIATE;")
    child.send(
      """
      WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 20000)
        INSERT INTO services (name, area, extra) SELECT 'partial ' || x, printf('%.200c', 'x'), '{}' FROM n;
      INSERT INTO audit (at, user, kind, record_id, action, before, after)
        SELECT '2026-01-01T00:00:00Z', 'crash', 'service', id, 'create', '', '{}' FROM services WHERE id > 10;
      """)
    #expect(child.wait(for: "half-way").reached)
    #expect(walSize(store.path) > walBefore + 1_000_000, "the partial transaction reached the -wal file")
    // Meanwhile peer still reads the committed state (WAL: readers do not wait for the writer).
    #expect(try store.read { try $0.count(.service) } == 10)
    child.kill9()
    try verify(store.path, services: 10, audit: 1)
    #expect(try store.query("SELECT count(*) FROM services WHERE name LIKE 'partial %'") == [[.int(0)]])
  }

  @Test func killedAfterCommitKeepsTheAfter() throws {
    let store = try storeWithTenServices()
    let child = try SQLiteChild(store.path)
    // No checkpoint: the committed transaction lives only in the -wal file when the kill comes.
    child.send("PRAGMA wal_autocheckpoint = 0;")
    child.send("BEGIN IMMEDIATE;")
    child.send(
      """
      WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000)
        INSERT INTO services (name, extra) SELECT 'committed ' || x, '{}' FROM n;
      INSERT INTO audit (at, user, kind, record_id, action, before, after)
        SELECT '2026-01-01T00:00:00Z', 'crash', 'service', id, 'create', '', '{}' FROM services WHERE id > 10;
      COMMIT;
      """)
    #expect(child.wait(for: "committed").reached)
    child.kill9()
    try verify(store.path, services: 1010, audit: 1001)
  }

  /// peer's own transaction, refused half-way by the database (a bad reference in the last row
  /// of a bulk insert), is rolled back in the file too: a new opener sees none of it.
  @Test func aFailedWriteLeavesNothingInTheFile() throws {
    let store = try storeWithTenServices()
    let message = storeError {
      _ = try store.write { w in
        _ = try w.insertMany(
          (0..<5000).map { StoredRecord(kind: .service, fields: ["name": .text("half \($0)")]) })
        _ = try w.insert(
          StoredRecord(kind: .visit, fields: ["match": .int(77), "date": .date(0), "kind": .text("home")]))
      }
    }
    #expect(message != nil)
    try verify(store.path, services: 10, audit: 1)
  }
}
