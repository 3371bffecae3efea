import GRDB
import GRDBSQLite

/// One row of `StoreReader.scan`, read in place from SQLite's statement: valid only inside
/// the scan's body.
public struct ScanRow {
  let statement: OpaquePointer

  public func isNull(_ column: Int) -> Bool { sqlite3_column_type(statement, Int32(column)) == SQLITE_NULL }

  public func int(_ column: Int) -> Int64 { sqlite3_column_int64(statement, Int32(column)) }

  public func text(_ column: Int) -> String {
    guard let bytes = sqlite3_column_text(statement, Int32(column)) else { return "" }
    let count = Int(sqlite3_column_bytes(statement, Int32(column)))
    return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
  }

  /// Days since 1970-01-01 of a `YYYY-MM-DD` text, or nil for anything else.
  public func date(_ column: Int) -> Int32? {
    guard sqlite3_column_type(statement, Int32(column)) == SQLITE_TEXT,
      let bytes = sqlite3_column_text(statement, Int32(column))
    else { return nil }
    let count = Int(sqlite3_column_bytes(statement, Int32(column)))
    return ISODate.days(bytes: UnsafeBufferPointer(start: bytes, count: count))
  }

  /// The column as a field of `type`, exactly as `StoreReader.select` reads it.
  public func field(_ column: Int, _ type: FieldType) -> FieldValue {
    let c = Int32(column)
    switch sqlite3_column_type(statement, c) {
    case SQLITE_NULL: return .null
    case SQLITE_INTEGER:
      let i = sqlite3_column_int64(statement, c)
      switch type {
      case .bool: return .bool(i != 0)
      case .double: return .double(Double(i))
      default: return .int(Int(i))
      }
    case SQLITE_FLOAT: return .double(sqlite3_column_double(statement, c))
    case SQLITE_TEXT:
      if type == .date, let d = date(column) { return .date(d) }
      let s = text(column)
      if type == .list { return .list(JSONText.decodeList(s) ?? [s]) }
      return .text(s)
    default: return .null
    }
  }

  /// The project's own fields of record `code` from the `extra` column, as `select` reads
  /// them (an error naming the record when they cannot be read).
  public func ownFields(_ column: Int, of kind: RecordKind, code: @autoclosure () -> String) throws
    -> [String: FieldValue]
  {
    guard isText(column) else { return [:] }
    let c = Int32(column)
    // "{}" (no own fields) is the common case: no String is made for it.
    if sqlite3_column_bytes(statement, c) == 2, let bytes = sqlite3_column_text(statement, c),
      bytes[0] == 123,
      bytes[1] == 125
    {
      return [:]
    }
    guard let fields = JSONText.decodeObject(text(column)) else {
      throw StoreError(SQLiteAccess.unreadableOwnFields(kind, code()))
    }
    return fields
  }

  /// Whether the column holds text (a date or a choice), as SQLite stored it.
  public func isText(_ column: Int) -> Bool { sqlite3_column_type(statement, Int32(column)) == SQLITE_TEXT }

  /// Whether the column holds a whole number (a count, a yes/no, a reference).
  public func isInteger(_ column: Int) -> Bool {
    sqlite3_column_type(statement, Int32(column)) == SQLITE_INTEGER
  }
}

extension SQLiteAccess {
  /// One SELECT with a LEFT JOIN per reference followed (each once, however many columns
  /// go through it) and the condition on the scanned table.
  func scan(
    _ kind: RecordKind, where condition: RecordCondition?, columns: [[String]], inIDOrder: Bool,
    _ body: (ScanRow) throws -> Void
  ) throws {
    var joins: [String] = []
    var aliases: [[String]: (alias: String, kind: RecordKind)] = [[]: ("t0", kind)]
    var selected: [String] = []
    for path in columns {
      guard let last = path.last else { throw StoreError("an empty column path") }
      if path == ["id"] || path == ["extra"] {
        selected.append("t0.\(last)")
        continue
      }
      var prefix: [String] = []
      var (alias, current) = aliases[[]]!
      for name in path.dropLast() {
        guard let spec = current.field(name), case .reference(let target) = spec.type else {
          throw StoreError("\(current.rawValue) has no reference \"\(name)\"")
        }
        prefix.append(name)
        if let known = aliases[prefix] {
          (alias, current) = known
          continue
        }
        let next = "t\(aliases.count)"
        joins.append("LEFT JOIN \(target.table) \(next) ON \(next).id = \(alias).\(Schema.column(spec))")
        aliases[prefix] = (next, target)
        (alias, current) = (next, target)
      }
      guard let spec = current.field(last) else {
        throw StoreError("\(current.rawValue) has no field \"\(last)\"")
      }
      selected.append("\(alias).\(Schema.column(spec))")
    }
    var sql = "SELECT \(selected.isEmpty ? "1" : selected.joined(separator: ", ")) FROM \(kind.table) t0"
    if !joins.isEmpty { sql += " " + joins.joined(separator: " ") }
    var arguments: [DatabaseValue] = []
    if let condition {
      let c = try ConditionSQL(condition, kind, alias: "t0")
      sql += " WHERE \(c.sql)"
      arguments = c.arguments
    }
    if inIDOrder { sql += " ORDER BY t0.id" }
    let statement = try db.cachedStatement(sql: sql)
    try statement.setArguments(StatementArguments(arguments))
    let raw = statement.sqliteStatement
    defer { sqlite3_reset(raw) }
    let row = ScanRow(statement: raw)
    while true {
      let code = sqlite3_step(raw)
      if code == SQLITE_DONE { break }
      guard code == SQLITE_ROW else {
        throw StoreError(
          "reading \(kind.plural) failed: \(String(cString: sqlite3_errmsg(db.sqliteConnection)))")
      }
      try body(row)
    }
  }
}
