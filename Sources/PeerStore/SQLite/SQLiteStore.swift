import GRDB

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The embedded store: one SQLite file in WAL mode (readers never wait for the writer), with a
/// busy timeout so two coordinators and a nightly job can share it. Every `write` is one
/// transaction (GRDB begins it IMMEDIATE, so a waiting writer queues under the busy timeout
/// instead of failing at once); a throw inside it rolls everything back.
public final class SQLiteStore: RecordStore {
  public var user: String
  public let path: String
  let pool: DatabasePool
  /// The file opened (device and inode): a write into a file since removed or replaced would
  /// "succeed" into a ghost and be lost, so every transaction checks it is still the one.
  private let identity: (device: UInt64, inode: UInt64)
  /// False when the pool was opened read-only (a report; or a `writeOnFirstChange` command
  /// that found another program writing).
  private let opensForWriting: Bool

  /// How long a write waits for another process's write to finish before giving up.
  public static let busyTimeout: Double = 5

  /// Opens (or, with `create`, makes) the project database at `path`. Every failure is a
  /// `StoreError` of one sentence naming the file. `transactions`: the kind the command will
  /// use. A command that only reads, or that writes only at its first change, never waits for
  /// another program's write to open the file (opening a pool for writing may have to write, to
  /// set up WAL mode, and so wait for the lock).
  public init(path: String, user: String, create: Bool = false, transactions: TransactionKind = .writing)
    throws
  {
    self.path = path
    self.user = user
    let created = try DatabaseFile.prepare(path, create: create)
    var config = Configuration()
    config.busyMode = .timeout(SQLiteStore.busyTimeout)
    config.foreignKeysEnabled = true
    config.label = "peer"
    // What a change or a deletion frees is overwritten with zeros, not left in the file's free
    // space: an erased mother's name must not outlive her record (docs/data-protection.md).
    config.prepareDatabase { db in try db.execute(sql: "PRAGMA secure_delete = ON") }
    do {
      // An existing file is looked at read-only first: another program's database, or one from
      // a newer peer, is refused and left byte for byte as it was (opening the pool would
      // switch it to WAL mode).
      var needsMigration = true
      if !created {
        var look = Configuration()
        look.readonly = true
        look.busyMode = .timeout(SQLiteStore.busyTimeout)
        let queue = try DatabaseQueue(path: path, configuration: look)
        needsMigration = try queue.read { db in try SchemaCheck.verify(db, path: path) }
        try queue.close()
      }
      switch transactions {
      case .readingOnly where !needsMigration:
        config.readonly = true
        pool = try DatabasePool(path: path, configuration: config)
        opensForWriting = false
      case .writingOnFirstChange where !needsMigration:
        (pool, opensForWriting) = try Self.openWithoutWaiting(path, config)
      default:
        pool = try DatabasePool(path: path, configuration: config)
        opensForWriting = true
      }
      if needsMigration { try Schema.migrator.migrate(pool) }
      if created { DatabaseFile.restrictCompanions(of: path) }
      identity = try Self.identity(of: path)
    } catch let e as StoreError {
      throw e
    } catch let e as DatabaseError {
      throw SQLiteErrors.explain(e, path: path)
    }
  }

  /// A pool for writing if that needs no wait; else (another program holds the write lock
  /// while the -wal file is empty) a read-only pool, whose first change is a `StoreConflict`.
  private static func openWithoutWaiting(_ path: String, _ config: Configuration) throws -> (
    DatabasePool, Bool
  ) {
    var quick = config
    quick.busyMode = .immediateError
    do {
      let pool = try DatabasePool(path: path, configuration: quick)
      try pool.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA busy_timeout = \(Int(SQLiteStore.busyTimeout * 1000))")
      }
      return (pool, true)
    } catch let e as DatabaseError where e.resultCode == .SQLITE_BUSY {
      var reading = config
      reading.readonly = true
      return (try DatabasePool(path: path, configuration: reading), false)
    }
  }

  /// `SQLiteStore(path:user:create:)` with the operating system's user as the default author of
  /// changes.
  public static func open(path: String, create: Bool = false, user: String? = nil) throws -> SQLiteStore {
    try SQLiteStore(path: path, user: user ?? systemUser, create: create)
  }

  /// The operating system's name for whoever runs peer.
  public static var systemUser: String {
    if let name = getenv("USER") ?? getenv("LOGNAME") { return String(cString: name) }
    if let pw = getpwuid(getuid()) { return String(cString: pw.pointee.pw_name) }
    return "uid \(getuid())"
  }

  private static func identity(of path: String) throws -> (device: UInt64, inode: UInt64) {
    var st = stat()
    guard stat(path, &st) == 0 else { throw StoreError("no project database at \(path)") }
    return (UInt64(st.st_dev), UInt64(st.st_ino))
  }

  /// Throws unless `path` is still the file this store opened.
  func checkStillThere() throws {
    var st = stat()
    guard stat(path, &st) == 0 else {
      throw StoreError(
        "\(path) was removed while peer had it open: nothing more can be saved; restore the file and start peer again"
      )
    }
    guard UInt64(st.st_dev) == identity.device, UInt64(st.st_ino) == identity.inode else {
      throw StoreError(
        "\(path) was replaced by another file while peer had it open: nothing more was saved; start peer again to use the new file"
      )
    }
  }

  public func read<T>(_ body: (any StoreReader) throws -> T) throws -> T {
    try checkStillThere()
    do {
      return try pool.read { db in try body(SQLiteAccess(db: db, user: user)) }
    } catch let e as DatabaseError {
      throw SQLiteErrors.explain(e, path: path)
    }
  }

  /// On one of the pool's read-only connections: in WAL mode a reader never waits for a writer.
  public func readingOnly<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
    try checkStillThere()
    do {
      return try pool.read { db in try body(SQLiteAccess(db: db, user: user)) }
    } catch let e as DatabaseError where e.resultCode == .SQLITE_READONLY {
      throw StoreError("this command only reads the records; it cannot change them (\(path))")
    } catch let e as DatabaseError {
      throw SQLiteErrors.explain(e, path: path)
    }
  }

  /// A DEFERRED transaction on the writer connection: in WAL mode its reads see a snapshot and
  /// never wait; its first change asks for the write lock. SQLite cannot move a snapshot
  /// forward, so if another program holds the lock or has committed since, the change fails
  /// at once with SQLITE_BUSY (the busy timeout does not apply to that upgrade).
  public func writeOnFirstChange<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
    try checkStillThere()
    do {
      guard opensForWriting else {
        do {
          return try pool.read { db in try body(SQLiteAccess(db: db, user: user)) }
        } catch let e as DatabaseError where e.resultCode == .SQLITE_READONLY {
          throw StoreConflict()
        }
      }
      return try pool.writeWithoutTransaction { db in
        var result: T?
        try db.inTransaction(.deferred) {
          result = try body(SQLiteAccess(db: db, user: user))
          return .commit
        }
        return result!
      }
    } catch let e as DatabaseError where e.resultCode == .SQLITE_BUSY {
      throw StoreConflict()
    } catch let e as DatabaseError {
      throw SQLiteErrors.explain(e, path: path)
    }
  }

  public func write<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
    try checkStillThere()
    do {
      return try pool.write { db in try body(SQLiteAccess(db: db, user: user)) }
    } catch let e as DatabaseError {
      throw SQLiteErrors.explain(e, path: path)
    }
  }

  /// SQLite's foreign keys can only be switched off outside a transaction: this one runs with
  /// them off, and they are on again for the connection's next transaction.
  public func writeCheckingReferencesItself<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
    try checkStillThere()
    do {
      return try pool.writeWithoutTransaction { db in
        try db.execute(sql: "PRAGMA foreign_keys = OFF")
        var result: T?
        var failure: Error?
        do {
          try db.inTransaction(.immediate) {
            result = try body(SQLiteAccess(db: db, user: user))
            return .commit
          }
        } catch {
          failure = error
        }
        // The connection is pooled: it must never go back without its reference checks, and
        // if they cannot be switched on again that is the error to see.
        try db.execute(sql: "PRAGMA foreign_keys = ON")
        if let failure { throw failure }
        return result!
      }
    } catch let e as DatabaseError {
      throw SQLiteErrors.explain(e, path: path)
    }
  }

  /// After an erasure has committed: the WAL (which keeps the pages as they were before) is
  /// copied back and emptied, and the file rebuilt by VACUUM, so no old copy of an erased value
  /// is left in `peer.db` or `peer.db-wal`. Waits (the busy timeout) for other programs'
  /// readers; one still reading is an error that says the erasure itself is saved.
  public func reclaimErasedSpace() throws {
    try checkStillThere()
    do {
      try pool.writeWithoutTransaction { db in
        try Self.checkpoint(db, path: path)
        try db.execute(sql: "VACUUM")
        try Self.checkpoint(db, path: path)
      }
    } catch let e as DatabaseError {
      throw SQLiteErrors.explain(e, path: path)
    }
  }

  private static func checkpoint(_ db: Database, path: String) throws {
    let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
    if let busy: Int = row?[0], busy != 0 {
      throw StoreError(
        "the erasure is saved, but another program is reading \(path), so the old copies of what was erased are not cleared yet: when no one else has the project open, run peer erase --reclaim"
      )
    }
  }

  /// Runs read-only SQL (reports, checks); each row as field values (integers, reals, texts,
  /// nulls: dates and lists come back as their stored text). It runs on a read-only connection,
  /// so it cannot change anything.
  public func query(_ sql: String, arguments: [FieldValue] = []) throws -> [[FieldValue]] {
    try read { access in try (access as! SQLiteAccess).rows(sql, arguments) }
  }

  /// `query(_:arguments:)` under the name reports use.
  public func query(sql: String, arguments: [FieldValue] = []) throws -> [[FieldValue]] {
    try query(sql, arguments: arguments)
  }
}
