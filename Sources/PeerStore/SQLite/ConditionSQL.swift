import GRDB

/// A `RecordCondition` as an SQL expression with its arguments. Each piece gives 0 or 1,
/// never NULL (`IS` rather than `=`, `AND x IS NOT NULL` beside orderings), so NOT keeps
/// its meaning.
/// Columns are qualified with the table's name or alias, so the condition can sit in a
/// query that joins other tables (`AggregateScan`) or nests a subquery (`related`).
struct ConditionSQL {
  var sql = ""
  var arguments: [DatabaseValue] = []
  /// Aliases given to the tables of nested subqueries so far.
  private var subqueries = 0

  init(_ condition: RecordCondition, _ kind: RecordKind, alias: String? = nil) throws {
    sql = try expression(condition, kind, alias ?? kind.table)
  }

  mutating func expression(_ c: RecordCondition, _ kind: RecordKind, _ alias: String) throws -> String {
    switch c {
    case .compare(let field, let op, let value):
      let column = try self.column(field, kind, alias)
      arguments.append(SQLiteAccess.databaseValue(value))
      switch op {
      case .equal: return "\(column) IS ?"
      case .notEqual: return "\(column) IS NOT ?"
      // `x > ? AND x IS NOT NULL` rather than COALESCE(...): 0 or 1 all the same, and the
      // database can still use an index on the column.
      default: return "(\(column) \(op.rawValue) ? AND \(column) IS NOT NULL)"
      }
    case .between(let field, let lower, let upper):
      let column = try self.column(field, kind, alias)
      arguments.append(SQLiteAccess.databaseValue(lower))
      arguments.append(SQLiteAccess.databaseValue(upper))
      return "(\(column) BETWEEN ? AND ? AND \(column) IS NOT NULL)"
    case .oneOf(let field, let values):
      let column = try self.column(field, kind, alias)
      if values.isEmpty { return "0" }
      arguments.append(contentsOf: values.map(SQLiteAccess.databaseValue))
      return
        "(\(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", "))) AND \(column) IS NOT NULL)"
    case .related(let other, let via, let condition, let op, let n):
      subqueries += 1
      let inner = "r\(subqueries)"
      let reference = try self.column(via, other, inner)
      let filter = try condition.map { try expression($0, other, inner) } ?? "1"
      let from = "FROM \(other.table) \(inner)"
      // "none" and "some" are asked most (no visit lately): a set the database builds once
      // beats counting per record.
      switch (op, n) {
      case (.equal, 0), (.lessOrEqual, 0), (.less, 1):
        return
          "(\(alias).id NOT IN (SELECT \(reference) \(from) WHERE \(reference) IS NOT NULL AND \(filter)))"
      case (.notEqual, 0), (.greater, 0), (.greaterOrEqual, 1):
        return "(\(alias).id IN (SELECT \(reference) \(from) WHERE \(reference) IS NOT NULL AND \(filter)))"
      default:
        arguments.append(n.databaseValue)
        return "((SELECT count(*) \(from) WHERE \(reference) = \(alias).id AND \(filter)) \(op.rawValue) ?)"
      }
    case .through(let field, let target, let condition):
      let column = try self.column(field, kind, alias)
      subqueries += 1
      let inner = "r\(subqueries)"
      let filter = try expression(condition, target, inner)
      // Not correlated: the database works out the set of targets once, and can then look
      // the records up by the reference's index.
      return
        "(\(column) IN (SELECT \(inner).id FROM \(target.table) \(inner) WHERE \(filter)) AND \(column) IS NOT NULL)"
    case .and(let a, let b):
      return "(\(try expression(a, kind, alias)) AND \(try expression(b, kind, alias)))"
    case .or(let a, let b):
      return "(\(try expression(a, kind, alias)) OR \(try expression(b, kind, alias)))"
    case .not(let a): return "(NOT \(try expression(a, kind, alias)))"
    }
  }

  func column(_ field: String, _ kind: RecordKind, _ alias: String) throws -> String {
    guard let spec = kind.field(field) else { throw StoreError("\(kind.rawValue) has no field \"\(field)\"") }
    return "\(alias).\(Schema.column(spec))"
  }
}
