import GRDB
import GRDBSQLite
import PeerCalendar

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reading and writing records inside one GRDB transaction.
struct SQLiteAccess: StoreWriter {
  let db: Database

  /// SQLite's own count of the rows this connection has changed.
  var changeCount: Int { db.totalChangesCount }
  let user: String

  // MARK: - Rows and values

  static func selectList(_ kind: RecordKind) -> String {
    (["id"] + kind.fields.map(\.column) + ["extra"]).joined(separator: ", ")
  }

  func decode(_ row: Row, _ kind: RecordKind) throws -> StoredRecord {
    var record = StoredRecord(kind: kind, id: row[0])
    for (i, spec) in kind.fields.enumerated() {
      let dbValue: DatabaseValue = row[i + 1]
      record.fields[spec.name] = SQLiteAccess.field(dbValue, spec.type)
    }
    let extra: String = row[kind.fields.count + 1] ?? "{}"
    if extra != "{}" {
      // Refuse rather than read it as empty: the next update would write the loss back.
      guard let fields = JSONText.decodeObject(extra) else {
        throw StoreError(StoredRecord.unreadableOwnFields(kind, record.code))
      }
      record.extra = fields
    }
    return record
  }

  static func field(_ v: DatabaseValue, _ type: FieldType) -> FieldValue {
    switch v.storage {
    case .null: return .null
    case .int64(let i):
      switch type {
      case .bool: return .bool(i != 0)
      case .double: return .double(Double(i))
      default: return .int(Int(i))
      }
    case .double(let d): return .double(d)
    case .string(let s):
      switch type {
      case .date: return ISODate.days(s).map { .date($0) } ?? .text(s)
      case .list: return .list(JSONText.decodeList(s) ?? [s])
      default: return .text(s)
      }
    case .blob: return .null
    }
  }

  static func databaseValue(_ v: FieldValue) -> DatabaseValue {
    switch v {
    case .null: return .null
    case .bool(let b): return (b ? 1 : 0).databaseValue
    case .int(let i): return i.databaseValue
    case .double(let d): return d.databaseValue
    case .text(let s): return s.databaseValue
    case .date(let d): return ISODate.text(d).databaseValue
    case .list(let items): return JSONText.encodeList(items).databaseValue
    }
  }

  func values(_ record: StoredRecord) -> [DatabaseValue] {
    var out = record.kind.fields.map { SQLiteAccess.databaseValue(record.fields[$0.name] ?? .null) }
    // Most imported rows have no own fields: skip building an empty object for them.
    out.append(
      record.extra.isEmpty
        ? SQLiteAccess.emptyObject : JSONText.encode(record.extra.filter { $0.value != .null }).databaseValue)
    return out
  }

  static let emptyObject = "{}".databaseValue

  func rows(_ sql: String, _ arguments: [FieldValue]) throws -> [[FieldValue]] {
    let args = StatementArguments(arguments.map(SQLiteAccess.databaseValue))
    return try Row.fetchAll(db, sql: sql, arguments: args).map { row in
      (0..<row.count).map { i in
        let v: DatabaseValue = row[i]
        return SQLiteAccess.field(v, .text)
      }
    }
  }

  // MARK: - StoreReader

  func get(_ kind: RecordKind, id: Int64) throws -> StoredRecord? {
    let sql = "SELECT \(SQLiteAccess.selectList(kind)) FROM \(kind.table) WHERE id = ?"
    return try Row.fetchOne(try db.cachedStatement(sql: sql), arguments: [id]).map { try decode($0, kind) }
  }

  func all(_ kind: RecordKind) throws -> [StoredRecord] {
    let sql = "SELECT \(SQLiteAccess.selectList(kind)) FROM \(kind.table) ORDER BY id"
    return try Row.fetchAll(try db.cachedStatement(sql: sql)).map { try decode($0, kind) }
  }

  func find(_ kind: RecordKind, where field: String, equals value: FieldValue) throws -> [StoredRecord] {
    guard let spec = kind.field(field) else { throw StoreError("\(kind.rawValue) has no field \"\(field)\"") }
    let sql =
      "SELECT \(SQLiteAccess.selectList(kind)) FROM \(kind.table) WHERE \(spec.column) = ? ORDER BY id"
    return try Row.fetchAll(try db.cachedStatement(sql: sql), arguments: [SQLiteAccess.databaseValue(value)])
      .map { try decode($0, kind) }
  }

  func ownFieldNames(_ kind: RecordKind) throws -> [String] {
    // SQLite reads the JSON: the records need not be decoded. (A record whose `extra` is not an
    // object is reported when it is read.)
    try String.fetchAll(
      db,
      sql: """
        SELECT DISTINCT j.key FROM \(kind.table) AS r, json_each(r.extra) AS j
        WHERE r.extra != '{}' AND json_valid(r.extra) AND json_type(r.extra) = 'object'
        """)
  }

  func select(_ kind: RecordKind, where condition: RecordCondition) throws -> [StoredRecord] {
    let c = try ConditionSQL(condition, kind)
    let sql = "SELECT \(SQLiteAccess.selectList(kind)) FROM \(kind.table) WHERE \(c.sql) ORDER BY id"
    return try Row.fetchAll(
      try db.cachedStatement(sql: sql),
      arguments: StatementArguments(c.arguments.map(SQLiteAccess.databaseValue))
    )
    .map { try decode($0, kind) }
  }

  func count(_ kind: RecordKind, where condition: RecordCondition) throws -> Int {
    let c = try ConditionSQL(condition, kind)
    let sql = "SELECT count(*) FROM \(kind.table) WHERE \(c.sql)"
    return try Int.fetchOne(
      try db.cachedStatement(sql: sql),
      arguments: StatementArguments(c.arguments.map(SQLiteAccess.databaseValue))) ?? 0
  }

  func count(_ kind: RecordKind) throws -> Int {
    try Int.fetchOne(db, sql: "SELECT count(*) FROM \(kind.table)") ?? 0
  }

  /// The entries naming the record, and the bulk creations whose id range holds it. A creation
  /// written as a range keeps no after-values: they are the record as first stored, which is
  /// the before-values of the record's next entry or, if it has none, the record as it is now.
  func history(_ kind: RecordKind, id: Int64) throws -> [AuditEntry] {
    let entries = try Row.fetchAll(
      db,
      sql: """
        SELECT seq, at, user, action, before, after FROM audit WHERE kind = ?1 AND record_id = ?2
        UNION ALL
        SELECT seq, at, user, action, before, after FROM audit
          WHERE kind = ?1 AND last_id IS NOT NULL AND last_id >= ?2 AND record_id < ?2
        ORDER BY seq
        """,
      arguments: [kind.rawValue, id]
    ).map { row in
      // Read leniently: rows appended by hand with odd types must not crash `history`.
      func text(_ i: Int) -> String { String.fromDatabaseValue(row[i] as DatabaseValue) ?? "" }
      return AuditEntry(
        sequence: row[0] as Int64? ?? 0, at: text(1), user: text(2), kind: kind, recordID: id,
        action: text(3),
        before: text(4), after: text(5))
    }
    return try AuditEntry.history(entries) { try get(kind, id: id) }
  }

  func forEach(
    _ kind: RecordKind, fields names: [String]?, batchSize: Int, _ body: ([StoredRecord]) throws -> Bool
  ) throws {
    let specs = try kind.fields(named: names)
    let columns = (["id"] + specs.map(\.column) + (names == nil ? ["extra"] : [])).joined(
      separator: ", ")
    let rows = try Row.fetchCursor(
      try db.makeStatement(sql: "SELECT \(columns) FROM \(kind.table) ORDER BY id"))
    var batch: [StoredRecord] = []
    let size = max(1, batchSize)
    batch.reserveCapacity(size)
    while let row = try rows.next() {
      if names == nil {
        batch.append(try decode(row, kind))
      } else {
        var record = StoredRecord(kind: kind, id: row[0])
        for (i, spec) in specs.enumerated() {
          let dbValue: DatabaseValue = row[i + 1]
          record.fields[spec.name] = SQLiteAccess.field(dbValue, spec.type)
        }
        batch.append(record)
      }
      if batch.count == size {
        if try !body(batch) { return }
        batch.removeAll(keepingCapacity: true)
      }
    }
    if !batch.isEmpty { _ = try body(batch) }
  }

  // MARK: - StoreWriter

  /// Inserts one record; its audit entry keeps its after-values.
  func insert(_ record: StoredRecord) throws -> Int64 {
    var runs = AuditRuns(kind: record.kind)
    let id = try insertRows([record], runs: &runs)[0]
    var stored = record
    stored.id = id
    try auditStatement().execute(arguments: [
      SQLiteAccess.timestamp(), user, record.kind.rawValue, id, "create", "", StoredRecord.json(stored),
    ])
    return id
  }

  /// Inserts records with one prepared statement for the rows; the audit trail gets one entry
  /// per run of consecutive ids (see `AuditRuns`).
  func insertMany(_ records: [StoredRecord]) throws -> [Int64] {
    guard let kind = records.first?.kind else { return [] }
    var runs = AuditRuns(kind: kind)
    let ids = try insertRows(records, runs: &runs)
    try runs.write(db, user: user)
    return ids
  }

  private func insertRows(_ records: [StoredRecord], runs: inout AuditRuns) throws -> [Int64] {
    guard let kind = records.first?.kind else { return [] }
    let columns = kind.fields.map(\.column) + ["extra"]
    let placeholders = Array(repeating: "?", count: columns.count).joined(separator: ", ")
    // Prepared once per connection (a form creating records one by one reuses it) and bound
    // by hand below, every parameter each row; nothing else binds it. Ids come from
    // RecordIDs (never one a deleted record had).
    let insert = try db.cachedStatement(
      sql: "INSERT INTO \(kind.table) (id, \(columns.joined(separator: ", "))) VALUES (?, \(placeholders))")
    var ids: [Int64] = []
    ids.reserveCapacity(records.count)
    // Rows are bound and stepped with SQLite's own calls: GRDB's general argument handling
    // cost more than SQLite itself on large imports.
    let fields = kind.fields
    let sql = insert.sqliteStatement
    var recordIDs = RecordIDs(db: db, kind: kind)
    for record in records {
      guard record.kind == kind else { throw StoreError("insertMany takes records of one kind") }
      try record.refuseNUL()
      sqlite3_bind_int64(sql, 1, try recordIDs.assign(record.id))
      var index: Int32 = 2
      for spec in fields {
        SQLiteAccess.bind(record.fields[spec.name] ?? .null, to: sql, at: index)
        index += 1
      }
      let extra = record.extra.isEmpty ? "{}" : JSONText.encode(record.extra.filter { $0.value != .null })
      SQLiteAccess.bind(.text(extra), to: sql, at: index)
      try step(sql)
      let id = db.lastInsertedRowID
      ids.append(id)
      runs.add(id)
    }
    return ids
  }

  func bulkInsert(_ kind: RecordKind, rebuildIndexes: Bool) throws -> any BulkInsert {
    try SQLiteBulkInsert(db: db, user: user, kind: kind, rebuildIndexes: rebuildIndexes)
  }

  /// Runs a bound statement once and makes it ready for the next row.
  func step(_ statement: SQLiteStatement) throws {
    let code = sqlite3_step(statement)
    sqlite3_reset(statement)
    guard code == SQLITE_DONE else {
      throw DatabaseError(
        resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
    }
  }

  private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

  static func bind(_ v: FieldValue, to statement: SQLiteStatement, at i: Int32) {
    switch v {
    case .null: sqlite3_bind_null(statement, i)
    case .bool(let b): sqlite3_bind_int64(statement, i, b ? 1 : 0)
    case .int(let n): sqlite3_bind_int64(statement, i, Int64(n))
    case .double(let d): sqlite3_bind_double(statement, i, d)
    // By byte count, not up to a NUL: a text holding one is stored whole, never cut short.
    case .text(let s): sqlite3_bind_text(statement, i, s, Int32(s.utf8.count), transient)
    case .date(let d): sqlite3_bind_text(statement, i, ISODate.text(d), -1, transient)
    case .list(let items): sqlite3_bind_text(statement, i, JSONText.encodeList(items), -1, transient)
    }
  }

  func update(_ record: StoredRecord) throws {
    try record.refuseNUL()
    guard let before = try get(record.kind, id: record.id) else {
      throw StoreError("there is no \(record.kind.rawValue) \(record.code)")
    }
    let kind = record.kind
    let assignments = (kind.fields.map(\.column) + ["extra"]).map { "\($0) = ?" }.joined(separator: ", ")
    let statement = try db.cachedStatement(sql: "UPDATE \(kind.table) SET \(assignments) WHERE id = ?")
    try statement.execute(arguments: StatementArguments(values(record) + [record.id.databaseValue]))
    try auditStatement().execute(arguments: [
      SQLiteAccess.timestamp(), user, kind.rawValue, record.id, "update", StoredRecord.json(before),
      StoredRecord.json(record),
    ])
  }

  func delete(_ kind: RecordKind, id: Int64) throws {
    guard let before = try get(kind, id: id) else {
      throw StoreError("there is no \(kind.rawValue) \(kind.code(for: id))")
    }
    try refuseIfReferenced(kind, id: id)
    try db.execute(sql: "DELETE FROM \(kind.table) WHERE id = ?", arguments: [id])
    try auditStatement().execute(arguments: [
      SQLiteAccess.timestamp(), user, kind.rawValue, id, "delete", StoredRecord.json(before), "",
    ])
  }

  /// The foreign keys would refuse the delete anyway; this names the record in the way, which
  /// SQLite's "FOREIGN KEY constraint failed" does not. (Every reference column is indexed.)
  func refuseIfReferenced(_ kind: RecordKind, id: Int64) throws {
    for other in RecordKind.allCases {
      for spec in other.fields where spec.type == .reference(kind) {
        let sql = "SELECT id FROM \(other.table) WHERE \(spec.column) = ? ORDER BY id LIMIT 1"
        if let holder = try Int64.fetchOne(try db.cachedStatement(sql: sql), arguments: [id]) {
          throw StoreError(
            "cannot delete \(kind.rawValue) \(kind.code(for: id)): \(other.rawValue) \(other.code(for: holder)) refers to it"
          )
        }
      }
    }
  }

  func forgetHistory(_ kind: String, ids: [Int64]) throws {
    var start = 0
    while start < ids.count {
      let chunk = ids[start..<min(ids.count, start + 500)]
      let marks = Array(repeating: "?", count: chunk.count).joined(separator: ", ")
      try db.execute(
        sql: """
          UPDATE audit SET before = '', after = ''
          WHERE kind = ? AND record_id IN (\(marks)) AND (before != '' OR after != '')
          """,
        arguments: StatementArguments([kind] + chunk.map { $0 as any DatabaseValueConvertible }))
      start += chunk.count
    }
  }

  func auditEvent(_ kind: String, id: Int64, action: String, after: String) throws {
    try auditStatement().execute(arguments: [SQLiteAccess.timestamp(), user, kind, id, action, "", after])
  }

  func auditedIDs(_ kind: String, action: String) throws -> Set<Int64> {
    Set(
      try Int64.fetchAll(
        db, sql: "SELECT DISTINCT record_id FROM audit WHERE kind = ? AND action = ?",
        arguments: [kind, action]))
  }

  func auditStatement() throws -> Statement {
    try db.cachedStatement(
      sql: "INSERT INTO audit (at, user, kind, record_id, action, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)"
    )
  }

  /// Now, in UTC, as ISO 8601 (`2026-11-26T17:24:22Z`).
  package static func timestamp() -> String {
    var t = time(nil)
    var parts = tm()
    gmtime_r(&t, &parts)
    func pad(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
    return
      "\(parts.tm_year + 1900)-\(pad(parts.tm_mon + 1))-\(pad(parts.tm_mday))T\(pad(parts.tm_hour)):\(pad(parts.tm_min)):\(pad(parts.tm_sec))Z"
  }
}

extension SQLiteAccess: ProjectTransfer {
  func auditRows(batchSize: Int, _ body: ([AuditRow]) throws -> Void) throws {
    let rows = try Row.fetchCursor(
      db, sql: "SELECT seq, at, user, kind, record_id, last_id, action, before, after FROM audit ORDER BY seq"
    )
    var batch: [AuditRow] = []
    while let row = try rows.next() {
      func text(_ i: Int) -> String { String.fromDatabaseValue(row[i] as DatabaseValue) ?? "" }
      batch.append(
        AuditRow(
          sequence: row[0], at: text(1), user: text(2), kind: text(3), recordID: row[4] as Int64? ?? 0,
          lastID: row[5], action: text(6), before: text(7), after: text(8)))
      if batch.count == batchSize {
        try body(batch)
        batch.removeAll(keepingCapacity: true)
      }
    }
    if !batch.isEmpty { try body(batch) }
  }

  func allWorkItems() throws -> [WorkItem] {
    try Row.fetchAll(db, sql: "SELECT \(Self.itemColumns) FROM tasks ORDER BY id").map(decodeItem)
  }

  func insertUnaudited(_ records: [StoredRecord]) throws {
    guard let kind = records.first?.kind else { return }
    let columns = ["id"] + kind.fields.map(\.column) + ["extra"]
    let statement = try db.cachedStatement(
      sql:
        "INSERT INTO \(kind.table) (\(columns.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))"
    )
    for record in records {
      try record.refuseNUL()
      try statement.execute(arguments: StatementArguments([record.id.databaseValue] + values(record)))
    }
  }

  func appendAudit(_ rows: [AuditRow]) throws {
    let statement = try db.cachedStatement(
      sql:
        "INSERT INTO audit (seq, at, user, kind, record_id, last_id, action, before, after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    for r in rows {
      try statement.execute(arguments: [
        r.sequence, r.at, r.user, r.kind, r.recordID, r.lastID, r.action, r.before, r.after,
      ])
    }
  }

  func insertUnaudited(_ item: WorkItem) throws {
    try db.execute(
      sql: "INSERT INTO tasks (\(Self.itemColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      arguments: [
        item.id, item.kind.rawValue, item.rule, item.record, item.title, ISODate.text(item.due),
        ISODate.text(item.createdOn), item.closedOn.map(ISODate.text), item.closedHow,
      ])
  }

  /// SQLite gives the next id from the table's and the audit trail's highest (RecordIDs):
  /// nothing to move forward.
  func finishTransfer() throws {}
}
