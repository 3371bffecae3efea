/// The SELECT of `StoreReader.scan` in either dialect: the columns asked for (through
/// `JoinedColumns`), the condition on the scanned table (`t0`), and the rows in id order when
/// asked.
package struct ScanSQL {
  package var sql: String
  package var arguments: [FieldValue]

  package init(
    _ kind: RecordKind, where condition: RecordCondition?, columns: [[String]], inIDOrder: Bool,
    dialect: SQLDialect, hidden: [RecordKind: Set<String>] = [:]
  ) throws {
    var joined = JoinedColumns(kind, dialect: dialect, hidden: hidden)
    var selected: [String] = []
    for path in columns {
      let (column, type) = try joined.column(path)
      selected.append(dialect.read(column, type, json: path == ["extra"]))
    }
    sql = "SELECT \(selected.isEmpty ? "1" : selected.joined(separator: ", ")) \(joined.from)"
    arguments = []
    if let condition {
      let c = try ConditionSQL(condition, kind, alias: "t0", dialect: dialect)
      sql += " WHERE \(c.sql)"
      arguments = c.arguments
    }
    if inIDOrder { sql += " ORDER BY t0.id" }
  }
}
