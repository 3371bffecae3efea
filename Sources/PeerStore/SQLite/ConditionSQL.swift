import GRDB

/// A `RecordCondition` as an SQL expression with its arguments. Each piece gives 0 or 1,
/// never NULL (`IS` rather than `=`, COALESCE around ranges), so NOT keeps its meaning.
struct ConditionSQL {
  var sql = ""
  var arguments: [DatabaseValue] = []

  init(_ condition: RecordCondition, _ kind: RecordKind) throws {
    sql = try expression(condition, kind)
  }

  mutating func expression(_ c: RecordCondition, _ kind: RecordKind) throws -> String {
    switch c {
    case .compare(let field, let op, let value):
      let column = try self.column(field, kind)
      arguments.append(SQLiteAccess.databaseValue(value))
      switch op {
      case .equal: return "\(column) IS ?"
      case .notEqual: return "\(column) IS NOT ?"
      default: return "COALESCE(\(column) \(op.rawValue) ?, 0)"
      }
    case .between(let field, let lower, let upper):
      let column = try self.column(field, kind)
      arguments.append(SQLiteAccess.databaseValue(lower))
      arguments.append(SQLiteAccess.databaseValue(upper))
      return "COALESCE(\(column) BETWEEN ? AND ?, 0)"
    case .oneOf(let field, let values):
      let column = try self.column(field, kind)
      if values.isEmpty { return "0" }
      arguments.append(contentsOf: values.map(SQLiteAccess.databaseValue))
      return
        "COALESCE(\(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", "))), 0)"
    case .and(let a, let b): return "(\(try expression(a, kind)) AND \(try expression(b, kind)))"
    case .or(let a, let b): return "(\(try expression(a, kind)) OR \(try expression(b, kind)))"
    case .not(let a): return "(NOT \(try expression(a, kind)))"
    }
  }

  func column(_ field: String, _ kind: RecordKind) throws -> String {
    guard let spec = kind.field(field) else { throw StoreError("\(kind.rawValue) has no field \"\(field)\"") }
    return Schema.column(spec)
  }
}
