import GRDB
import GRDBSQLite

extension SQLiteAccess {
  /// `ScanSQL`'s one SELECT, stepped with SQLite's own calls: each row read in place.
  func scan(
    _ kind: RecordKind, where condition: RecordCondition?, columns: [[String]], inIDOrder: Bool,
    _ body: (ScanRow) throws -> Void
  ) throws {
    try scan(kind, where: condition, columns: columns, inIDOrder: inIDOrder, hidden: [:], body)
  }

  /// `scan` with the columns a role does not read (RolePreview) read as empty.
  func scan(
    _ kind: RecordKind, where condition: RecordCondition?, columns: [[String]], inIDOrder: Bool,
    hidden: [RecordKind: Set<String>], _ body: (ScanRow) throws -> Void
  ) throws {
    let query = try ScanSQL(
      kind, where: condition, columns: columns, inIDOrder: inIDOrder, dialect: .sqlite, hidden: hidden)
    let arguments = query.arguments.map(SQLiteAccess.databaseValue)
    let sql = query.sql
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
