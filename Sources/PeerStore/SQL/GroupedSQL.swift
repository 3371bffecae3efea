/// The SELECT of `StoreReader.scanGroups`: one GROUP BY over the scanned kind and the
/// references its columns go through. Each row is a group: its keys, the smallest id in it,
/// then its aggregates (see `GroupedScan.width`). Written for PostgreSQL, whose typed columns
/// hold only values of their type; SQLite's columns can hold anything, so its store works
/// groups out row by row instead (where a wrong type is seen and the VM answers).
package struct GroupedSQL {
  package var sql: String
  package var arguments: [FieldValue]

  package init(
    _ kind: RecordKind, where condition: RecordCondition?, _ grouping: GroupedScan, dialect: SQLDialect,
    hidden: [RecordKind: Set<String>] = [:]
  ) throws {
    guard dialect == .postgres else { throw StoreError("grouping in the database needs typed columns") }
    var joined = JoinedColumns(kind, dialect: dialect, hidden: hidden)
    var keys: [String] = []
    for key in grouping.keys {
      switch key {
      case .column(let path):
        let (column, type) = try joined.column(path)
        guard type != .list, type != .double else {
          throw StoreError("cannot group by \(path.joined(separator: "."))")
        }
        keys.append(column)
      case .period(let period, let path):
        let (column, type) = try joined.column(path)
        guard type == .date else { throw StoreError("\(path.joined(separator: ".")) is not a date") }
        keys.append(Self.periodStart(period, column))
      }
    }
    var selected = keys + ["min(t0.id)"]
    for aggregate in grouping.aggregates {
      switch aggregate {
      case .count:
        selected.append("count(*)")
      case .sum(let path):
        let (column, _) = try joined.column(path)
        // As text: a sum past the largest whole number is still exact (numeric), and refused
        // by the reader rather than rounded.
        selected += ["sum(\(column))::text", "count(\(column))"]
      case .min(let path):
        selected.append("min(\(try joined.column(path).sql))")
      case .max(let path):
        selected.append("max(\(try joined.column(path).sql))")
      case .countDistinct(let path):
        selected.append("count(DISTINCT \(try joined.column(path).sql))")
      }
    }
    sql = "SELECT \(selected.joined(separator: ", ")) \(joined.from)"
    arguments = []
    if let condition {
      let c = try ConditionSQL(condition, kind, alias: "t0", dialect: dialect, joined: joined)
      sql += " WHERE \(c.sql)"
      arguments = c.arguments
    }
    if !keys.isEmpty {
      sql += " GROUP BY \((1...keys.count).map(String.init).joined(separator: ", "))"
    }
  }

  /// The first day of the period a date falls in, as a date.
  static func periodStart(_ period: GroupedScan.Period, _ column: String) -> String {
    switch period {
    case .month: return "date_trunc('month', \(column))::date"
    case .quarter: return "date_trunc('quarter', \(column))::date"
    case .financialYear:
      // 1 April: the year of the date three months earlier, moved on three months.
      return "(date_trunc('year', \(column) - interval '3 months') + interval '3 months')::date"
    }
  }
}
