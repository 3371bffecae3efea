import GRDB
import GRDBSQLite

/// The audit trail of records created in bulk: one "create" entry per run of consecutive ids
/// (`record_id` the first, `last_id` the last; a run of one has no `last_id`), with who and
/// when and no after-values. `history` gives a record in a run its creation with the values it
/// was first stored with: every later change of the record is audited with its before-values,
/// so those are the before-values of its next entry, or the record as it is now.
package struct AuditRuns {
  package let kind: RecordKind
  package private(set) var runs: [(first: Int64, last: Int64)] = []

  package init(kind: RecordKind) { self.kind = kind }

  package mutating func add(_ id: Int64) {
    if let last = runs.last?.last, id == last + 1 {
      runs[runs.count - 1].last = id
    } else {
      runs.append((id, id))
    }
  }

  package mutating func removeAll() { runs.removeAll() }

  /// Appends the entries; the runs are then empty.
  mutating func write(_ db: Database, user: String) throws {
    if runs.isEmpty { return }
    let statement = try db.cachedStatement(
      sql:
        "INSERT INTO audit (at, user, kind, record_id, last_id, action, before, after) VALUES (?, ?, ?, ?, ?, 'create', '', '')"
    )
    let now = SQLiteAccess.timestamp()
    for run in runs {
      try statement.execute(arguments: [
        now, user, kind.rawValue, run.first, run.first == run.last ? nil : run.last,
      ])
    }
    runs.removeAll()
  }
}

/// `BulkInsert` on SQLite: one prepared INSERT bound with SQLite's own calls, texts bound
/// without copying (they stay valid until the row is stepped).
final class SQLiteBulkInsert: BulkInsert {
  let db: Database
  let user: String
  let kind: RecordKind
  private let statement: Statement
  private let sql: SQLiteStatement
  private let fieldCount: Int
  private var extraSet = false
  private var runs: AuditRuns
  private var recordIDs: RecordIDs
  /// The indexes dropped until `finish`, as the SQL that makes them.
  private var dropped: [String] = []
  private var finished = false

  init(db: Database, user: String, kind: RecordKind, rebuildIndexes: Bool) throws {
    self.db = db
    self.user = user
    self.kind = kind
    let columns = ["id"] + kind.fields.map(\.column) + ["extra"]
    statement = try db.makeStatement(
      sql:
        "INSERT INTO \(kind.table) (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
    )
    sql = statement.sqliteStatement
    fieldCount = kind.fields.count
    runs = AuditRuns(kind: kind)
    recordIDs = RecordIDs(db: db, kind: kind)
    if rebuildIndexes {
      let indexes = try Row.fetchAll(
        db,
        sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        arguments: [kind.table])
      for row in indexes {
        let name: String = row[0]
        dropped.append(row[1])
        try db.execute(sql: "DROP INDEX \"\(name)\"")
      }
    }
  }

  private static let emptyObject: StaticString = "{}"

  func set(_ index: Int, _ value: BulkValue) {
    let i = Int32(index + 2)
    if index == fieldCount { extraSet = true }
    switch value {
    case .null: sqlite3_bind_null(sql, i)
    case .int(let n): sqlite3_bind_int64(sql, i, n)
    case .double(let d): sqlite3_bind_double(sql, i, d)
    case .text(let bytes):
      // SQLITE_STATIC: the bytes outlive the step.
      let base =
        bytes.baseAddress.map { UnsafeRawPointer($0) }
        ?? UnsafeRawPointer(SQLiteBulkInsert.emptyObject.utf8Start)
      sqlite3_bind_text(sql, i, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
    }
  }

  func insertRow(id: Int64) throws -> Int64 {
    sqlite3_bind_int64(sql, 1, try recordIDs.assign(id))
    if !extraSet {
      sqlite3_bind_text(
        sql, Int32(fieldCount + 2),
        UnsafeRawPointer(SQLiteBulkInsert.emptyObject.utf8Start).assumingMemoryBound(
          to: CChar.self), 2, nil)
    }
    let code = sqlite3_step(sql)
    sqlite3_reset(sql)
    sqlite3_clear_bindings(sql)
    extraSet = false
    guard code == SQLITE_DONE else {
      throw DatabaseError(
        resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }
    let newID = sqlite3_last_insert_rowid(db.sqliteConnection)
    runs.add(newID)
    return newID
  }

  func insert(_ record: StoredRecord) throws -> Int64 {
    guard record.kind == kind else { throw StoreError("a bulk insert takes records of one kind") }
    for (i, spec) in kind.fields.enumerated() {
      if let v = record.fields[spec.name], v != .null { SQLiteAccess.bind(v, to: sql, at: Int32(i + 2)) }
    }
    if !record.extra.isEmpty {
      SQLiteAccess.bind(
        .text(JSONText.encode(record.extra.filter { $0.value != .null })), to: sql, at: Int32(fieldCount + 2))
      extraSet = true
    }
    return try insertRow(id: record.id)
  }

  func finish() throws {
    guard !finished else { return }
    finished = true
    try runs.write(db, user: user)
    for create in dropped { try db.execute(sql: create) }
    dropped = []
  }
}
