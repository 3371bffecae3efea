import PeerCalendar
import PeerStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The shared store: a project's records in a PostgreSQL database, used by several
/// coordinators and sites at once. The same `RecordStore` as SQLite's: one transaction per
/// `write`, all or nothing; writers take turns (on the lock of one row every write updates
/// first), readers never wait; a lost connection ends the command with nothing half-written,
/// and the next command connects again.
public final class PostgresStore: RecordStore {
  public var user: String
  public let address: ServerAddress
  let connection: ServerConnection
  /// Whether opening made the project's tables (false: they were there already).
  public let madeTables: Bool

  /// How long a write waits for another writer before giving up, as on SQLite.
  public static let busyTimeout: Double = 5

  /// Connects to the project's database at `address`; with `create`, makes its tables if the
  /// database is empty. Every failure is one sentence naming the server.
  public init(address: ServerAddress, user: String, create: Bool = false) throws {
    self.address = address
    self.user = user
    connection = try ServerConnection(address)
    madeTables = try ServerSchema.prepare(connection, create: create)
  }

  public func read<T>(_ body: (any StoreReader) throws -> T) throws -> T {
    try transaction(.readingOnly, body)
  }

  public func readingOnly<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
    try transaction(.readingOnly, body)
  }

  public func write<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
    try transaction(.writing, body)
  }

  public func writeOnFirstChange<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
    try transaction(.writingOnFirstChange, body)
  }

  /// The server checks every reference as rows go in (its checks are cheap enough).
  public func writeCheckingReferencesItself<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
    try transaction(.writing, body)
  }

  func transaction<T>(_ kind: TransactionKind, _ body: (ServerAccess) throws -> T) throws -> T {
    try connection.reconnectIfClosed()
    connection.forgetHiddenColumns()
    let transaction = ServerTransaction(kind)
    try transaction.begin(connection)
    do {
      let result = try body(ServerAccess(connection: connection, user: user, transaction: transaction))
      try connection.query("COMMIT")
      return result
    } catch {
      // On a lost connection the server has rolled back already.
      if connection.isOpen { try? connection.query("ROLLBACK") }
      throw error
    }
  }

  /// After an erasure has committed: the tables that hold records, tasks and the audit trail
  /// are rewritten by VACUUM (FULL, ANALYZE), so the rows as they were before (dead tuples,
  /// which a plain VACUUM only marks free) are gone from the database's files, and the
  /// planner's statistics (which sample column values) are made again; then pg_statistic is
  /// rewritten too. Only the tables' owner may (another login's VACUUM is skipped by the
  /// server): for anyone else this does nothing and `peer batch`, run by the owner, does it
  /// (docs/data-protection.md). The server's WAL and backups keep old data until they age out.
  public func reclaimErasedSpace() throws {
    try connection.reconnectIfClosed()
    let may = try mayVacuum()
    guard may.tables else { return }
    // VACUUM keeps a deleted row while any transaction that began before the deletion may
    // still see it: wait (a while) for those to end, so that the rewrite leaves the rows out.
    var waited = try waitForOlderTransactions()
    // VACUUM FULL locks a table against every reader while it rewrites it, and a request for
    // that lock makes everyone who comes after it wait too: each table is asked for in turn,
    // giving up after a moment if others are using it (the next batch tries again), so that
    // coordinators at work are never held up for more than that moment and the rewrite.
    var whole = true
    for table in RecordKind.allCases.map(\.table) + ["tasks", "audit"] {
      whole = try vacuumPolitely(table, analyze: true) && whole
    }
    // ANALYZE replaced the statistics (whose samples may hold erased values, from an earlier
    // ANALYZE): the old rows of pg_statistic go once the transactions that could see them end.
    if may.statistics {
      waited = try waitForOlderTransactions() && waited
      whole = try vacuumPolitely("pg_catalog.pg_statistic", analyze: false) && whole
    }
    waited = waited && whole
    // Noted, so that `reclaimIfErasedSince` knows which erasures are cleared (not when a
    // transaction older than the erasure outlasted the wait: the next batch tries again).
    if waited { try transaction(.writing) { try $0.audit("store", 0, "reclaim", before: "", after: "") } }
  }

  /// `VACUUM (FULL)` of one table, waiting at most a second for its lock, three times; false
  /// if the table was always busy.
  func vacuumPolitely(_ table: String, analyze: Bool) throws -> Bool {
    try connection.query("SET lock_timeout = '1s'")
    defer { _ = try? connection.query("RESET lock_timeout") }
    for attempt in 1...3 {
      do {
        try connection.query("VACUUM (FULL\(analyze ? ", ANALYZE" : "")) \(table)")
        return true
      } catch {
        // 55P03: the lock was not had in time (explained as "busy" once it reaches peer).
        guard ServerErrors.state(error) == "55P03" || "\(error)".contains("is busy") else { throw error }
        if attempt < 3 { usleep(500_000) }
      }
    }
    return false
  }

  private static func seconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
  }

  /// How long a reclaim waits for the transactions that began before it to end.
  public static let reclaimWait: Double = 30

  /// Waits until no other session of the server holds a snapshot taken before now (a session
  /// of another database may too hold back what VACUUM may remove, as the tests found); false
  /// if one still does after `reclaimWait` seconds.
  func waitForOlderTransactions() throws -> Bool {
    let rows = try connection.query("SELECT txid_snapshot_xmax(txid_current_snapshot()) % 4294967296")
    guard case .int(let horizon)? = rows.first?.first else { return false }
    let deadline = Self.seconds() + Self.reclaimWait
    while true {
      let older = try connection.query(
        """
        SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid <> pg_backend_pid()
          AND (age(backend_xmin) > age($1::text::xid) OR age(backend_xid) > age($1::text::xid)))
        """, [.text(String(horizon))])
      guard case .int(1)? = older.first?.first else { return true }
      if Self.seconds() > deadline { return false }
      usleep(50_000)
    }
  }

  /// What `peer batch` runs as the owner: `reclaimErasedSpace` if anything was erased,
  /// anonymised or cleared since the last reclaim (by a person's login, whose VACUUM the
  /// server skips). Does nothing for a login that does not own the tables.
  public func reclaimIfErasedSince() throws {
    try connection.reconnectIfClosed()
    guard try mayVacuum().tables else { return }
    let rows = try connection.query(
      """
      SELECT EXISTS (SELECT 1 FROM audit WHERE action IN ('erase', 'anonymise', 'clear') AND seq >
        coalesce((SELECT max(seq) FROM audit WHERE kind = 'store' AND action = 'reclaim'), 0))
      """)
    guard case .int(1)? = rows.first?.first else { return }
    try reclaimErasedSpace()
  }

  /// Whether this login owns the project's tables (or is a superuser), whose VACUUM FULL runs;
  /// and whether it owns the database, whose owner may vacuum its catalogs.
  public func mayVacuum() throws -> (tables: Bool, statistics: Bool) {
    let rows = try connection.query(
      """
      SELECT pg_has_role(current_user, c.relowner, 'USAGE'),
        r.rolsuper OR pg_has_role(current_user, d.datdba, 'USAGE')
      FROM pg_class c, pg_roles r, pg_database d
      WHERE c.oid = 'audit'::regclass AND r.rolname = current_user AND d.datname = current_database()
      """)
    guard let row = rows.first, row.count == 2 else { return (false, false) }
    func yes(_ cell: ScanCell) -> Bool { if case .int(1) = cell { return true } else { return false } }
    return (yes(row[0]), yes(row[1]))
  }

  /// Makes an empty database `name` on the server `admin` names (whose user may create
  /// databases) and returns its address. `name` must be a plain identifier. `password`: the
  /// admin's, when not in the usual places.
  public static func createDatabase(_ name: String, at admin: ServerAddress, password: String? = nil) throws
    -> ServerAddress
  {
    guard let first = name.first, first.isLetter || first == "_",
      name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }), name.count < 64
    else {
      throw StoreError("\(name) is not a database name peer makes (letters, digits and _, up to 63)")
    }
    try ServerConnection(admin, password: password).query("CREATE DATABASE \(name)")
    var address = admin
    address.database = name
    return address
  }

  /// The key of the server's advisory lock that one `peer batch` at a time holds (the server
  /// keeps such locks per database, so each project has its own).
  static let batchLockKey: Int64 = 0x7065_6572_6261_7463  // "peerbatc"

  /// Takes the project's batch lock for as long as this store's connection lasts (a crashed
  /// job's lock goes with its connection); false when another job holds it.
  public func holdBatchLock() throws -> Bool {
    try connection.reconnectIfClosed()
    let rows = try connection.query("SELECT pg_try_advisory_lock($1)", [.int(Self.batchLockKey)])
    if case .int(1)? = rows.first?.first { return true }
    return false
  }

  /// Runs read-only SQL (tests, checks); each row as field values (dates as ISO text, as
  /// SQLite gives them).
  public func query(_ sql: String, arguments: [FieldValue] = []) throws -> [[FieldValue]] {
    try transaction(.readingOnly) { access in
      try access.query(sql, arguments.map(ServerValue.init)).map { row in
        row.map { cell -> FieldValue in
          switch cell {
          case .null: return .null
          case .int(let i): return .int(Int(i))
          case .double(let d): return .double(d)
          case .text(let s): return .text(s)
          case .day(let d): return .text(ISODate.text(d))
          }
        }
      }
    }
  }

  /// `query(_:arguments:)` under the name reports use.
  public func query(sql: String, arguments: [FieldValue] = []) throws -> [[FieldValue]] {
    try query(sql, arguments: arguments)
  }
}

/// How one server transaction begins and what it does before its first change.
final class ServerTransaction {
  let kind: TransactionKind
  private var writing = false
  private var cursors = 0
  /// Every write asked for so far (`willWrite`): `StoreWriter.changeCount`.
  private(set) var changes = 0

  init(_ kind: TransactionKind) { self.kind = kind }

  func begin(_ c: ServerConnection) throws {
    switch kind {
    case .writing:
      try c.query("BEGIN")
      try takeTurn(c)
    case .readingOnly:
      try c.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    case .writingOnFirstChange:
      // One snapshot for the whole script, as on SQLite: a change after another program's
      // commit is a conflict, never a write based on what is no longer true.
      try c.query("BEGIN ISOLATION LEVEL REPEATABLE READ")
    }
  }

  /// Waits (up to the busy timeout) for the other writers, then holds the turn until commit.
  private func takeTurn(_ c: ServerConnection) throws {
    try c.query("SET LOCAL lock_timeout = '\(Int(PostgresStore.busyTimeout * 1000))ms'")
    try c.query("UPDATE peer_writes SET n = n + 1")
    writing = true
  }

  func willWrite(_ c: ServerConnection) throws {
    changes += 1
    guard !writing, kind == .writingOnFirstChange else { return }
    // Another writer holding the turn, or one that wrote since this snapshot: a conflict.
    do {
      try c.query("SELECT n FROM peer_writes FOR UPDATE NOWAIT")
    } catch let e as StoreError where e.message.contains("is busy") {
      throw StoreConflict()
    }
    try c.query("UPDATE peer_writes SET n = n + 1")
    writing = true
  }

  /// Runs `sql` through a cursor, handing `body` `batch` rows at a time until it returns false.
  func withCursor(
    _ c: ServerConnection, _ sql: String, _ arguments: [ServerValue], batch: Int,
    _ body: ([[ScanCell]]) throws -> Bool
  ) throws {
    cursors += 1
    let name = "peer_cursor_\(cursors)"
    try c.query("DECLARE \(name) NO SCROLL CURSOR FOR \(sql)", arguments)
    while true {
      let rows = try c.query("FETCH FORWARD \(batch) FROM \(name)")
      if rows.isEmpty { break }
      if try !body(rows) { break }
      if rows.count < batch { break }
    }
    try c.query("CLOSE \(name)")
  }
}
