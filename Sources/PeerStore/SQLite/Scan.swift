import GRDB
import GRDBSQLite

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
        joins.append("LEFT JOIN \(target.table) \(next) ON \(next).id = \(alias).\(spec.column)")
        aliases[prefix] = (next, target)
        (alias, current) = (next, target)
      }
      guard let spec = current.field(last) else {
        throw StoreError("\(current.rawValue) has no field \"\(last)\"")
      }
      selected.append("\(alias).\(spec.column)")
    }
    var sql = "SELECT \(selected.isEmpty ? "1" : selected.joined(separator: ", ")) FROM \(kind.table) t0"
    if !joins.isEmpty { sql += " " + joins.joined(separator: " ") }
    var arguments: [DatabaseValue] = []
    if let condition {
      let c = try ConditionSQL(condition, kind, alias: "t0")
      sql += " WHERE \(c.sql)"
      arguments = c.arguments.map(SQLiteAccess.databaseValue)
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
