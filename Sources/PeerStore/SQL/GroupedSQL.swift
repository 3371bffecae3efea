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
    // The keys that are a reference (`.match.id`), by their place among the keys.
    var references: [Int: [String]] = [:]
    for key in grouping.keys {
      switch key {
      case .column(let path):
        let (column, type) = try joined.column(path)
        guard type != .list, type != .double else {
          throw StoreError("cannot group by \(path.joined(separator: "."))")
        }
        if path.count == 1, case .reference? = kind.field(path[0])?.type { references[keys.count] = path }
        keys.append(column)
      case .period(let period, let path):
        let (column, type) = try joined.column(path)
        guard type == .date else { throw StoreError("\(path.joined(separator: ".")) is not a date") }
        keys.append(Self.periodStart(period, column))
      case .choice(let branches, let otherwise):
        keys.append(try Self.choice(branches, otherwise, kind, dialect))
      }
    }
    var selected: [String] = []
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
    let condition = try condition.map {
      try ConditionSQL($0, kind, alias: "t0", dialect: dialect, joined: joined)
    }
    // Grouped by a reference whose record the condition joins and requires: the joined
    // record's id is the same value, and under that name the server knows it is a key of
    // the joined table, so it expects as many groups as there are such records (not a
    // guess from the column), and chooses a parallel hash aggregate where it would not.
    // Under row-level security a LEFT JOIN can come back empty, hence only when required.
    for (i, path) in references {
      if let present = condition?.joinedRowsPresent, present.contains(path),
        let alias = joined.alias(of: path)
      {
        keys[i] = "\(alias).id"
      }
    }
    selected = keys + ["min(t0.id)"] + selected
    sql = "SELECT \(selected.joined(separator: ", ")) \(joined.from)"
    arguments = []
    if let c = condition {
      sql += " WHERE \(c.sql)"
      arguments = c.arguments
    }
    if !keys.isEmpty {
      sql += " GROUP BY \((1...keys.count).map(String.init).joined(separator: ", "))"
    }
  }

  /// `CASE WHEN ... THEN ... ELSE ... END`, its values written into it (as a policy's are):
  /// the key comes before the condition's arguments, which are numbered from 1.
  static func choice(
    _ branches: [GroupedScan.Branch], _ otherwise: FieldValue, _ kind: RecordKind, _ dialect: SQLDialect
  ) throws -> String {
    let values = branches.map(\.value) + [otherwise]
    let types = Set(values.compactMap(\.type))
    guard types.count <= 1 else { throw StoreError("a grouping's values are of different types") }
    let type = types.first ?? .text
    var sql = "CASE"
    for branch in branches {
      let condition = try ConditionSQL(
        branch.condition, kind, alias: "t0", dialect: dialect, inlineValues: true)
      sql += " WHEN \(condition.sql) THEN \(SQLLiteral.text(of: branch.value, type, dialect))"
    }
    return sql + " ELSE \(SQLLiteral.text(of: otherwise, type, dialect)) END"
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
