/// The columns of a SELECT over one kind of record (`t0`) and the LEFT JOINs that reach fields
/// through references: each reference followed once, however many columns go through it. Both
/// `ScanSQL` (rows) and `GroupedSQL` (groups) read their columns through it.
package struct JoinedColumns {
  package let kind: RecordKind
  package let dialect: SQLDialect
  package private(set) var joins: [String] = []
  private var aliases: [[String]: (alias: String, kind: RecordKind)]
  /// The columns of each kind the login may not read (its role's `reads`): read as empty, as
  /// whole records read them.
  private let hidden: [RecordKind: Set<String>]

  package init(_ kind: RecordKind, dialect: SQLDialect, hidden: [RecordKind: Set<String>] = [:]) {
    self.kind = kind
    self.dialect = dialect
    self.hidden = hidden
    aliases = [[]: ("t0", kind)]
  }

  /// The qualified column a path leads to (`t2.site`) and its field type: a core field, or
  /// reference fields and then a core field of the record they lead to. `["id"]` is the
  /// record's own id, `["extra"]` its own fields.
  package mutating func column(_ path: [String]) throws -> (sql: String, type: FieldType) {
    guard let last = path.last else { throw StoreError("an empty column path") }
    if path == ["id"] { return ("t0.id", .int) }
    if path == ["extra"] { return (hidden[kind]?.contains("extra") == true ? "'{}'" : "t0.extra", .text) }
    // On the server, a match's, visit's or ending's mother's site is a column of its own.
    if dialect == .postgres, let copy = CopiedColumn.standingFor(path, on: kind),
      let spec = copy.sourceKind.field(last)
    {
      if hidden[kind]?.contains(copy.column) == true { return (dialect.null(spec.type), spec.type) }
      return ("t0.\(copy.column)", spec.type)
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
    if last == "id" { return ("\(alias).id", .int) }
    guard let spec = current.field(last) else {
      throw StoreError("\(current.rawValue) has no field \"\(last)\"")
    }
    if hidden[current]?.contains(spec.column) == true { return (dialect.null(spec.type), spec.type) }
    return ("\(alias).\(spec.column)", spec.type)
  }

  /// The alias of the table a path of references from `t0` leads to, if the query joins it
  /// already (for a column).
  package func alias(of references: [String]) -> String? { aliases[references]?.alias }

  /// `FROM table t0` and the joins, for after the SELECT's columns.
  package var from: String {
    var sql = "FROM \(kind.table) t0"
    if !joins.isEmpty { sql += " " + joins.joined(separator: " ") }
    return sql
  }
}
