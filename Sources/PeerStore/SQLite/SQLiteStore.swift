import GRDB

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The embedded store: one SQLite file in WAL mode (readers never wait for the writer), with a
/// busy timeout so two coordinators and a nightly job can share it. Every `write` is one
/// transaction; a throw inside it rolls everything back.
public final class SQLiteStore: RecordStore {
  public var user: String
  public let path: String
  let pool: DatabasePool

  /// Opens (or, with `create`, makes) the project database at `path`.
  public init(path: String, user: String, create: Bool = false) throws {
    self.path = path
    self.user = user
    let existed = access(path, F_OK) == 0
    if !existed && !create {
      throw StoreError("there is no project database at \(path)")
    }
    if existed && access(path, R_OK) != 0 {
      throw StoreError("cannot read \(path): permission denied")
    }
    if !existed {
      // Created readable and writable by its owner only: these are health and social-care data.
      let fd = open(path, O_CREAT | O_EXCL | O_WRONLY, 0o600)
      if fd < 0 {
        throw StoreError("cannot create \(path): \(String(cString: strerror(errno)))")
      }
      close(fd)
    }
    var config = Configuration()
    config.busyMode = .timeout(5)
    config.foreignKeysEnabled = true
    config.label = "peer"
    do {
      pool = try DatabasePool(path: path, configuration: config)
      let migrator = Schema.migrator
      let superseded = try pool.read { db in try migrator.hasBeenSuperseded(db) }
      if superseded {
        throw StoreError("\(path) was made by a newer version of peer; update peer to open it")
      }
      try migrator.migrate(pool)
    } catch let e as StoreError {
      throw e
    } catch let e as DatabaseError {
      throw SQLiteStore.explain(e, path: path)
    }
  }

  public func read<T>(_ body: (any StoreReader) throws -> T) throws -> T {
    do {
      return try pool.read { db in try body(SQLiteAccess(db: db, user: user)) }
    } catch let e as DatabaseError {
      throw SQLiteStore.explain(e, path: path)
    }
  }

  public func write<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
    do {
      return try pool.write { db in try body(SQLiteAccess(db: db, user: user)) }
    } catch let e as DatabaseError {
      throw SQLiteStore.explain(e, path: path)
    }
  }

  /// Runs read-only SQL (reports, checks); each row as field values.
  public func query(_ sql: String, arguments: [FieldValue] = []) throws -> [[FieldValue]] {
    try read { access in try (access as! SQLiteAccess).rows(sql, arguments) }
  }

  /// One sentence for a database error, naming the file.
  static func explain(_ e: DatabaseError, path: String) -> StoreError {
    switch e.resultCode {
    case .SQLITE_NOTADB, .SQLITE_CORRUPT:
      return StoreError("\(path) is not a peer database, or it is damaged (\(e.message ?? "not a database"))")
    case .SQLITE_READONLY:
      return StoreError("cannot write to \(path): the file or its folder is read-only")
    case .SQLITE_CANTOPEN:
      return StoreError("cannot open \(path): check the folder exists and can be written")
    case .SQLITE_BUSY, .SQLITE_LOCKED:
      return StoreError("\(path) is busy: another peer has held it for more than 5 seconds; try again")
    case .SQLITE_FULL:
      return StoreError("the disk holding \(path) is full")
    default:
      return StoreError("database error in \(path): \(e.message ?? "\(e.resultCode)")")
    }
  }
}
