import Dispatch
import PeerCalendar
import PeerStore
import PostgresNIO

/// One connection to the server, used synchronously: peer's stores answer on the caller's
/// thread (the interpreter is not async), so each query waits for its result here. Rows come
/// back as `ScanCell`s, read the way SQLite would give them.
final class ServerConnection {
  let address: ServerAddress
  private var connection: PostgresConnection?
  private let logger: Logger
  /// A password given directly (tests); otherwise `ServerAddress.password()` finds it.
  private let givenPassword: String?
  /// The COPY the server may still be taking in: `copy` returns once it has started, so that
  /// peer makes the next rows while the server stores these (an import's two halves then run
  /// on two cores, not by turns). Every other use of the connection waits for it first.
  private var copying: CopyOutcome?

  init(_ address: ServerAddress, password: String? = nil) throws {
    self.address = address
    givenPassword = password
    var logger = Logger(label: "peer.postgres")
    // Nothing about a record may reach a log: PostgresNIO logs queries at debug level.
    logger.logLevel = .critical
    self.logger = logger
    try connect()
  }

  deinit {
    try? finishCopy()
    try? connection?.close().wait()
  }

  private func connect() throws {
    let password = try givenPassword ?? address.password()
    var configuration: PostgresConnection.Configuration
    if address.host.hasPrefix("/") {
      configuration = .init(
        unixSocketPath: address.host + "/.s.PGSQL.\(address.port)", username: address.user,
        password: password,
        database: address.database)
    } else {
      var tls = PostgresConnection.Configuration.TLS.disable
      if address.requiresTLS {
        do {
          tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        } catch {
          throw StoreError("cannot set up TLS for \(address): \(error)")
        }
      }
      configuration = .init(
        host: address.host, port: address.port, username: address.user, password: password,
        database: address.database, tls: tls)
    }
    configuration.options.connectTimeout = .seconds(10)
    // peer reads its cursors to the end (a report's scan of a million visits): plan them for
    // every row, not for the first tenth as PostgreSQL assumes. Set as the connection starts,
    // not by a statement after: one round trip fewer for every command.
    configuration.options.additionalStartupParameters = [("cursor_tuple_fraction", "1.0")]
    do {
      connection = try PostgresConnection.connect(
        on: PostgresConnection.defaultEventLoopGroup.next(), configuration: configuration, id: 1,
        logger: logger
      ).wait()
    } catch {
      throw ServerErrors.explain(error, address: address, connecting: true)
    }
  }

  /// Closes the connection if it broke (a server restart), so the next command connects again.
  func reconnectIfClosed() throws {
    if connection == nil || connection!.isClosed {
      try? finishCopy()  // lost with the connection, as the rest of its transaction
      connection = nil
      hidden = nil
      ownsTables = nil
      try connect()
    }
  }

  /// The columns of each kind's table this login may not read (none for the owner): learned
  /// at a transaction's first read of records, since a person's role may change between two.
  private var hidden: [RecordKind: Set<String>]?
  /// Whether this login owns the tables (reads every column, whatever any role says).
  private var ownsTables: Bool?

  /// Forgets the hidden columns, so the next transaction asks again (a person's role may have
  /// changed); the owner's never change.
  func forgetHiddenColumns() {
    if ownsTables != true { hidden = nil }
  }

  func hiddenColumns() throws -> [RecordKind: Set<String>] {
    if let hidden { return hidden }
    if ownsTables == nil {
      let rows = try query(
        "SELECT pg_has_role(relowner, 'USAGE') FROM pg_class WHERE relname = 'mothers' AND relnamespace = current_schema()::regnamespace"
      )
      if case .int(let owns)? = rows.first?.first { ownsTables = owns != 0 } else { ownsTables = false }
      if ownsTables == true {
        hidden = [:]
        return [:]
      }
    }
    var found: [RecordKind: Set<String>] = [:]
    let rows = try query(
      """
      SELECT c.relname::text, a.attname::text FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND a.attnum > 0 AND NOT a.attisdropped
        AND c.relname = ANY (string_to_array($1, ','))
        AND NOT has_column_privilege(c.oid, a.attnum, 'SELECT')
      """, [.text(RecordKind.allCases.map(\.table).joined(separator: ","))])
    for row in rows {
      guard case .text(let table) = row[0], case .text(let column) = row[1],
        let kind = RecordKind.allCases.first(where: { $0.table == table })
      else { continue }
      found[kind, default: []].insert(column)
    }
    hidden = found
    return found
  }

  var isOpen: Bool { connection.map { !$0.isClosed } ?? false }

  /// Runs one statement and returns its rows.
  @discardableResult
  func query(_ sql: String, _ arguments: [ServerValue] = []) throws -> [[ScanCell]] {
    try finishCopy()
    guard let connection, !connection.isClosed else {
      throw StoreError(
        "the connection to the server at \(address) was lost: nothing of the command was saved; run it again")
    }
    var binds = PostgresBindings(capacity: arguments.count)
    for a in arguments {
      switch a {
      case .null: binds.appendNull()
      case .int(let i): binds.append(i)
      case .double(let d): binds.append(d)
      case .bool(let b): binds.append(b)
      case .text(let s): binds.append(s)
      case .ints(let list): binds.append(list)
      }
    }
    do {
      let result = try connection.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger).wait()
      return result.rows.map { row in row.map(Self.cell) }
    } catch {
      throw ServerErrors.explain(error, address: address, connecting: false)
    }
  }

  /// Sends rows in COPY's text format (`CopyRows`) into `table` as one `COPY ... FROM STDIN`.
  /// PostgresNIO offers COPY only as an async call: it runs as a task on a queue of its own
  /// (never on the concurrency pool's few threads, which a caller blocked here may be holding).
  /// Returns once it has begun: its outcome (an error too) comes with the connection's next use
  /// (`finishCopy`), which a transaction always has (its COMMIT).
  func copy(_ rows: CopyRows) throws {
    try finishCopy()
    guard let connection, !connection.isClosed else {
      throw StoreError(
        "the connection to the server at \(address) was lost: nothing of the command was saved; run it again")
    }
    let outcome = CopyOutcome()
    let logger = self.logger
    let buffer = ByteBuffer(bytes: rows.bytes)
    let table = rows.kind.table
    let columns = rows.columns
    Task(executorPreference: CopyExecutor.shared) {
      do {
        try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
          try await writer.write(buffer)
        }
      } catch {
        outcome.error = error
      }
      outcome.done.signal()
    }
    copying = outcome
  }

  /// Waits for the COPY under way, if any, and throws what went wrong with it.
  private func finishCopy() throws {
    guard let outcome = copying else { return }
    copying = nil
    outcome.done.wait()
    if let error = outcome.error { throw ServerErrors.explain(error, address: address, connecting: false) }
  }

  /// A cell as SQLite would have given it: yes/no as 0 or 1, dates as days, JSON as its text.
  static func cell(_ c: PostgresCell) -> ScanCell {
    guard var bytes = c.bytes else { return .null }
    if c.format == .text {
      let s = bytes.readString(length: bytes.readableBytes) ?? ""
      switch c.dataType {
      case .int2, .int4, .int8: return Int64(s).map { .int($0) } ?? .text(s)
      case .float4, .float8, .numeric: return Double(s).map { .double($0) } ?? .text(s)
      case .bool: return .int(s == "t" ? 1 : 0)
      case .date: return ISODate.days(s).map { .day($0) } ?? .text(s)
      default: return .text(s)
      }
    }
    switch c.dataType {
    case .int2: return bytes.readInteger(as: Int16.self).map { .int(Int64($0)) } ?? .null
    case .int4: return bytes.readInteger(as: Int32.self).map { .int(Int64($0)) } ?? .null
    case .int8: return bytes.readInteger(as: Int64.self).map { .int($0) } ?? .null
    case .float8: return bytes.readInteger(as: UInt64.self).map { .double(Double(bitPattern: $0)) } ?? .null
    case .float4:
      return bytes.readInteger(as: UInt32.self).map { .double(Double(Float(bitPattern: $0))) } ?? .null
    case .bool: return bytes.readInteger(as: UInt8.self).map { .int($0 == 0 ? 0 : 1) } ?? .null
    // Days since 2000-01-01 on the wire; peer counts from 1970-01-01.
    case .date: return bytes.readInteger(as: Int32.self).map { .day($0 &+ 10957) } ?? .null
    case .jsonb:
      _ = bytes.readInteger(as: UInt8.self)  // the format's version byte
      return .text(bytes.readString(length: bytes.readableBytes) ?? "")
    case .numeric:
      if let d = try? c.decode(Double.self) { return .double(d) }
      return .null
    default: return .text(bytes.readString(length: bytes.readableBytes) ?? "")
    }
  }
}

/// A parameter sent to the server; the SQL casts it to the column's type.
enum ServerValue {
  case null
  case int(Int64)
  case double(Double)
  case bool(Bool)
  case text(String)
  case ints([Int64])

  /// A field as a parameter: dates as ISO text (cast `::date`), lists as JSON text (`::jsonb`).
  init(_ v: FieldValue) {
    switch v {
    case .null: self = .null
    case .bool(let b): self = .bool(b)
    case .int(let i): self = .int(Int64(i))
    case .double(let d): self = .double(d)
    case .text(let s): self = .text(s)
    case .date(let d): self = .text(ISODate.text(d))
    case .list(let items): self = .text(JSONText.encodeList(items))
    }
  }
}

/// How a COPY's task ended, read by the thread that waited for it (after `done`).
private final class CopyOutcome: @unchecked Sendable {
  var error: (any Error)?
  let done = DispatchSemaphore(value: 0)
}

/// Runs COPY's tasks on a serial queue of their own rather than the concurrency pool, so a
/// caller that blocks a pool thread (a test, say) never starves the task it waits for.
private final class CopyExecutor: TaskExecutor {
  static let shared = CopyExecutor()
  private let queue = DispatchQueue(label: "peer.postgres.copy")

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    let executor = asUnownedTaskExecutor()
    queue.async { job.runSynchronously(on: executor) }
  }
}
