import Foundation
import Testing

@testable import PeerStore

/// Two coordinators and a nightly job share one file: writers queue under the busy timeout
/// (no "database is locked"), no write is lost, and readers never wait for a writer.
@Suite("Sharing one file")
struct ConcurrencyTests {
  /// Adds one to a counter kept in a record's own fields, reading it first: the read-modify-write
  /// that loses updates unless write transactions exclude each other from their start.
  static func bump(_ store: SQLiteStore, counter: Int64, note: String) throws {
    try store.write { w in
      var r = try w.get(.service, id: counter)!
      guard case .int(let n) = r["count"] else { throw StoreError("no count") }
      r.extra["count"] = .int(n + 1)
      try w.update(r)
      _ = try w.insert(StoredRecord(kind: .service, fields: ["name": .text(note)]))
    }
  }

  static func newCounter() throws -> (path: String, id: Int64) {
    let store = try newStore()
    let id = try store.write {
      try $0.insert(
        StoredRecord(kind: .service, fields: ["name": .text("counter")], extra: ["count": .int(0)]))
    }
    return (store.path, id)
  }

  /// Two stores (two connection pools, as two processes would have) on two threads.
  @Test func twoStoresWritingAtOnceLoseNothing() throws {
    let (path, counter) = try Self.newCounter()
    let rounds = 150
    let failures = Box<[String]>()
    failures.value = []
    let done = DispatchGroup()
    for name in ["ann", "bob"] {
      done.enter()
      Thread {
        defer { done.leave() }
        do {
          let store = try SQLiteStore(path: path, user: name)
          for i in 0..<rounds { try Self.bump(store, counter: counter, note: "\(name) \(i)") }
        } catch {
          failures.value!.append("\(name): \(error)")
        }
      }.start()
    }
    done.wait()
    #expect(failures.value == [])
    let store = try SQLiteStore(path: path, user: "check")
    #expect(try store.read { try $0.get(.service, id: counter) }?["count"] == .int(2 * rounds))
    #expect(try store.read { try $0.count(.service) } == 1 + 2 * rounds)
    #expect(
      try store.query("SELECT user, count(*) FROM audit WHERE action = 'update' GROUP BY user ORDER BY user")
        == [[.text("ann"), .int(rounds)], [.text("bob"), .int(rounds)]])
  }

  /// One transaction of the shell: it holds the write lock while it counts to 100,000 (some
  /// milliseconds), then pauses. (SQLite's locks are not fair: a process that takes the lock
  /// again at once keeps the other waiting, sleeping and retrying, until it stops.)
  static func shellTransaction(_ i: Int, counter: Int64) -> String {
    """
    BEGIN IMMEDIATE;
    INSERT INTO services (name, extra) VALUES ('shell \(i)', '{}');
    UPDATE services SET extra = json_set(extra, '$.count', json_extract(extra, '$.count') + 1) WHERE id = \(counter);
    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000) SELECT count(*) FROM n;
    COMMIT;
    .shell sleep 0.02
    """
  }

  /// A second OS process (the sqlite3 shell) writes in slow transactions while peer writes too:
  /// both wait their turn and every write of both arrives.
  @Test(.enabled(if: haveSQLite3)) func anotherProcessWritingAtTheSameTime() throws {
    let (path, counter) = try Self.newCounter()
    let rounds = 30
    let store = try SQLiteStore(path: path, user: "peer")
    let child = try SQLiteChild(path)
    child.send(Self.shellTransaction(0, counter: counter))
    // Once the shell is under way, peer writes while it goes on.
    #expect(child.wait(for: "shell started").reached)
    for i in 1..<rounds { child.send(Self.shellTransaction(i, counter: counter)) }
    var failures: [String] = []
    for i in 0..<rounds {
      do { try Self.bump(store, counter: counter, note: "peer \(i)") } catch { failures.append("\(error)") }
      usleep(10_000)
    }
    let shell = child.wait(for: "shell done")
    #expect(shell.reached)
    #expect(!shell.output.contains("Error"), "\(shell.output.prefix(300))")
    #expect(child.finish() == 0)
    #expect(failures == [])
    #expect(try store.read { try $0.get(.service, id: counter) }?["count"] == .int(2 * rounds))
    #expect(try store.read { try $0.count(.service) } == 1 + 2 * rounds)
    // The two really wrote at the same time: in id order, their records alternate.
    let writers = try store.query("SELECT substr(name, 1, 4) FROM services WHERE id > 1 ORDER BY id")
    let switches = zip(writers, writers.dropFirst()).filter { $0 != $1 }.count
    #expect(switches >= 4, "the writers did not overlap: \(switches) switches")
  }

  /// While another process holds a write transaction open, peer still reads (the committed
  /// state) at once, and a peer write waits for the other to commit rather than failing.
  @Test(.enabled(if: haveSQLite3)) func aWriterWaitsAndReadersDoNot() throws {
    let (path, _) = try Self.newCounter()
    // peer is open first, as it would be: opening needs a moment of write access when the
    // -wal file is empty (GRDB writes to it so that readers can start), which would wait on
    // the other process's transaction.
    let store = try SQLiteStore(path: path, user: "peer")
    let child = try SQLiteChild(path)
    child.send("BEGIN IMMEDIATE; INSERT INTO services (name, extra) VALUES ('uncommitted', '{}');")
    #expect(child.wait(for: "holding").reached)
    #expect(try store.read { try $0.count(.service) } == 1)
    // Commit in the other process half a second into peer's write.
    let committer = Thread {
      usleep(500_000)
      child.send("COMMIT;")
    }
    let start = Date()
    committer.start()
    _ = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("waited")])) }
    #expect(Date().timeIntervalSince(start) > 0.3)
    #expect(try store.read { try $0.count(.service) } == 3)
    #expect(child.finish() == 0)
  }

  /// A writer that holds the file longer than the busy timeout gets one sentence, not a crash.
  @Test(.enabled(if: haveSQLite3)) func aWriterHeldTooLongGetsASentence() throws {
    let (path, _) = try Self.newCounter()
    // peer is open first, as it would be: opening needs a moment of write access when the
    // -wal file is empty (GRDB writes to it so that readers can start), which would wait on
    // the other process's transaction.
    let store = try SQLiteStore(path: path, user: "peer")
    let child = try SQLiteChild(path)
    child.send("BEGIN IMMEDIATE; INSERT INTO services (name, extra) VALUES ('held', '{}');")
    #expect(child.wait(for: "holding").reached)
    let message = storeError {
      _ = try store.write { try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("late")])) }
    }
    #expect(
      message == "\(path) is busy: another peer has been writing to it for more than 5 seconds; try again")
    child.kill9()
    #expect(try store.read { try $0.count(.service) } == 1)
  }

  /// `writeOnFirstChange` reads while another process holds the write lock, without waiting;
  /// a change after another process committed is a `StoreConflict` and keeps nothing.
  @Test(.enabled(if: haveSQLite3)) func aTransactionThatWritesLateReadsAtOnceOrConflicts() throws {
    let (path, _) = try Self.newCounter()
    let store = try SQLiteStore(path: path, user: "peer")
    let child = try SQLiteChild(path)
    child.send("BEGIN IMMEDIATE; INSERT INTO services (name, extra) VALUES ('held', '{}');")
    #expect(child.wait(for: "holding").reached)
    // Waiting would end in the busy timeout's error, so reading at all shows it did not wait.
    #expect(try store.writeOnFirstChange { try $0.count(.service) } == 1)

    var conflict: Error?
    do {
      try store.writeOnFirstChange { w in
        _ = try w.count(.service)
        child.send("COMMIT;")
        #expect(child.wait(for: "committed").reached)
        _ = try w.insert(StoredRecord(kind: .service, fields: ["name": .text("late")]))
      }
    } catch {
      conflict = error
    }
    #expect(conflict is StoreConflict, "\(String(describing: conflict))")
    #expect(try store.read { try $0.find(.service, where: "name", equals: .text("late")) }.isEmpty)
    // With nobody else writing, the same transaction keeps its change.
    try store.writeOnFirstChange { w in
      _ = try w.count(.service)
      _ = try w.insert(StoredRecord(kind: .service, fields: ["name": .text("late")]))
    }
    #expect(try store.read { try $0.count(.service) } == 3)
    #expect(child.finish() == 0)
  }
}
