/// The SELECT of `StoreReader.scan` in either dialect: one LEFT JOIN per reference followed
/// (each once, however many columns go through it), the condition on the scanned table (`t0`),
/// and the rows in id order when asked.
package struct ScanSQL {
  package var sql: String
  package var arguments: [FieldValue]

  package init(
    _ kind: RecordKind, where condition: RecordCondition?, columns: [[String]], inIDOrder: Bool,
    dialect: SQLDialect
  ) throws {
    var joins: [String] = []
    var aliases: [[String]: (alias: String, kind: RecordKind)] = [[]: ("t0", kind)]
    var selected: [String] = []
    for path in columns {
      guard let last = path.last else { throw StoreError("an empty column path") }
      if path == ["id"] || path == ["extra"] {
        selected.append(dialect.read("t0.\(last)", last == "extra" ? .text : .int, json: last == "extra"))
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
      selected.append(dialect.read("\(alias).\(spec.column)", spec.type))
    }
    sql = "SELECT \(selected.isEmpty ? "1" : selected.joined(separator: ", ")) FROM \(kind.table) t0"
    if !joins.isEmpty { sql += " " + joins.joined(separator: " ") }
    arguments = []
    if let condition {
      let c = try ConditionSQL(condition, kind, alias: "t0", dialect: dialect)
      sql += " WHERE \(c.sql)"
      arguments = c.arguments
    }
    if inIDOrder { sql += " ORDER BY t0.id" }
  }
}
