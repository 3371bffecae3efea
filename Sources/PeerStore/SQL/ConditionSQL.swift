import PeerCalendar

/// The two SQL dialects the stores speak. What differs is small and lives here: how a
/// parameter is written, how "is the same value, nulls included" is said, and how a column
/// is read back or compared (PostgreSQL keeps dates as `date` and lists as `jsonb`, SQLite
/// both as text).
package enum SQLDialect: Sendable {
  case sqlite
  case postgres

  /// The parameter numbered `n` (from 1) standing for a value of `type`.
  package func parameter(_ n: Int, _ type: FieldType) -> String {
    switch self {
    case .sqlite: return "?"
    case .postgres:
      switch type {
      case .date: return "$\(n)::date"
      case .list: return "$\(n)::jsonb"
      case .int, .reference: return "$\(n)::bigint"
      case .double: return "$\(n)::float8"
      case .bool: return "$\(n)::boolean"
      case .text: return "$\(n)::text"
      }
    }
  }

  /// An empty value of the type (PostgreSQL wants its type where nothing else gives it).
  package func null(_ type: FieldType) -> String {
    "NULL" + String(parameter(0, type).drop { $0 != ":" })
  }

  /// The SQL operator of a comparison (PostgreSQL has no `==`).
  package func comparison(_ op: RecordCondition.Comparison) -> String {
    switch op {
    case .equal: return "="
    case .notEqual: return "<>"
    default: return op.rawValue
    }
  }

  /// A column as a SELECT reads it back: on PostgreSQL lists and own fields (`jsonb`) as their
  /// JSON text, which is how SQLite keeps them.
  package func read(_ column: String, _ type: FieldType, json: Bool = false) -> String {
    guard self == .postgres, json || type == .list else { return column }
    return column + "::text"
  }

  /// `a IS b` (true when both are null) and its negation.
  package func same(_ negated: Bool) -> String {
    switch self {
    case .sqlite: return negated ? "IS NOT" : "IS"
    case .postgres: return negated ? "IS DISTINCT FROM" : "IS NOT DISTINCT FROM"
    }
  }
}

/// A `RecordCondition` as an SQL expression with its arguments, in either dialect. Each piece
/// is true or false, never NULL (`IS` rather than `=`, `AND x IS NOT NULL` beside orderings), so
/// NOT keeps its meaning. Columns are qualified with the table's name or alias, so the
/// condition can sit in a query that joins other tables (`AggregateScan`) or nests a subquery
/// (`related`).
package struct ConditionSQL {
  package let dialect: SQLDialect
  package var sql = ""
  package var arguments: [FieldValue] = []
  /// Where the first argument is numbered (PostgreSQL's `$n`), for a condition placed after
  /// other parameters.
  private let firstParameter: Int
  /// Aliases given to the tables of nested subqueries so far.
  private var subqueries = 0
  /// The tables the query joins already (GroupedSQL's, for its keys and aggregates): a
  /// condition through a reference whose record is joined reads the joined row rather than
  /// looking the record up again in a subquery.
  private let joined: JoinedColumns?
  /// The path of references from `t0` each joined alias stands for.
  private var joinedPaths: [String: [String]] = [:]
  /// The joined records (by their path of references from `t0`) that are there, visible to the
  /// login, on every row the whole condition keeps: a condition through them that is not
  /// under an `or`, a `not` or a subquery. A grouping can then group by the joined record's
  /// id, which tells the server how few groups to expect.
  package private(set) var joinedRowsPresent: Set<[String]> = []
  /// How deep the expression being written is under an `or`, a `not` or a subquery.
  private var optional = 0

  /// While a condition through references is written on copies (`copiedExpression`): the
  /// alias of the record that carries them, and the copy of each field.
  private var copies: (alias: String, columns: [String: String])?

  /// Values written into the SQL rather than passed as arguments: a row-level security
  /// policy is one stored expression, with no arguments to pass.
  private let inlineValues: Bool

  package init(
    _ condition: RecordCondition, _ kind: RecordKind, alias: String? = nil, dialect: SQLDialect = .sqlite,
    firstParameter: Int = 1, joined: JoinedColumns? = nil, inlineValues: Bool = false
  ) throws {
    self.dialect = dialect
    self.inlineValues = inlineValues
    self.firstParameter = firstParameter
    self.joined = joined
    if joined != nil { joinedPaths["t0"] = [] }
    sql = try expression(condition, kind, alias ?? kind.table)
  }

  /// Adds an argument and returns its parameter.
  private mutating func bind(_ value: FieldValue, _ type: FieldType) -> String {
    if inlineValues { return SQLLiteral.text(of: value, type, dialect) }
    arguments.append(value)
    return dialect.parameter(firstParameter + arguments.count - 1, type)
  }

  mutating func expression(_ c: RecordCondition, _ kind: RecordKind, _ alias: String) throws -> String {
    switch c {
    case .compare(let field, let op, let value):
      let (column, type) = try self.column(field, kind, alias)
      let p = bind(value, type)
      switch op {
      // PostgreSQL cannot use an index for IS NOT DISTINCT FROM: equal to a value, the plain
      // `=` can, with `IS NOT NULL` to be false rather than NULL on an empty field.
      case .equal where dialect == .postgres && value != .null:
        return "(\(column) = \(p) AND \(column) IS NOT NULL)"
      case .equal: return "\(column) \(dialect.same(false)) \(p)"
      case .notEqual: return "\(column) \(dialect.same(true)) \(p)"
      // `x > ? AND x IS NOT NULL` rather than COALESCE(...): true or false all the same, and
      // the database can still use an index on the column.
      default: return "(\(column) \(dialect.comparison(op)) \(p) AND \(column) IS NOT NULL)"
      }
    case .between(let field, let lower, let upper):
      let (column, type) = try self.column(field, kind, alias)
      let low = bind(lower, type)
      let high = bind(upper, type)
      return "(\(column) BETWEEN \(low) AND \(high) AND \(column) IS NOT NULL)"
    case .oneOf(let field, let values):
      let (column, type) = try self.column(field, kind, alias)
      if values.isEmpty { return "FALSE" }
      let list = values.map { bind($0, type) }.joined(separator: ", ")
      return "(\(column) IN (\(list)) AND \(column) IS NOT NULL)"
    case .related(let other, let via, let condition, let op, let n):
      subqueries += 1
      let inner = "r\(subqueries)"
      let (reference, _) = try self.column(via, other, inner)
      optional += 1
      let filter = try condition.map { try expression($0, other, inner) } ?? "TRUE"
      optional -= 1
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
        let p = bind(.int(n), .int)
        return
          "((SELECT count(*) \(from) WHERE \(reference) = \(alias).id AND \(filter)) \(dialect.comparison(op)) \(p))"
      }
    case .through(let field, let target, let condition):
      if dialect == .postgres, let copied = try copiedExpression(field, condition, kind, alias) {
        return copied
      }
      let (column, _) = try self.column(field, kind, alias)
      if let prefix = joinedPaths[alias], let row = joined?.alias(of: prefix + [field]) {
        joinedPaths[row] = prefix + [field]
        if optional == 0 { joinedRowsPresent.insert(prefix + [field]) }
        // The joined row (a LEFT JOIN on the id): `id IS NOT NULL` says the record is there.
        // One join for the condition and the columns, where a subquery was a second one.
        return
          "(\(column) IS NOT NULL AND \(row).id IS NOT NULL AND \(try expression(condition, target, row)))"
      }
      subqueries += 1
      let inner = "r\(subqueries)"
      optional += 1
      let filter = try expression(condition, target, inner)
      optional -= 1
      // Not correlated: the database works out the set of targets once, and can then look
      // the records up by the reference's index.
      return
        "(\(column) IN (SELECT \(inner).id FROM \(target.table) \(inner) WHERE \(filter)) AND \(column) IS NOT NULL)"
    case .person(let field, let attribute):
      // Only the server knows who is connected; anywhere else the condition is first
      // `applied(to:)` the person's values.
      guard dialect == .postgres else {
        throw StoreError("internal error: a condition on the person using peer reached SQLite unapplied")
      }
      let (column, _) = try self.column(field, kind, alias)
      // A scalar subquery: worked out once per query, not once per row. Written `column =
      // ANY (...)`, so an index on the column serves it, and never NULL (no line for the
      // login: no sites, volunteer id 0, which no record has), so `not` keeps its meaning.
      switch attribute {
      case .sites:
        return
          "(\(column) = ANY (COALESCE((SELECT sites FROM peer_people WHERE login = current_user), '{}')) AND \(column) IS NOT NULL)"
      case .volunteer:
        return
          "(\(column) = COALESCE((SELECT volunteer_id FROM peer_people WHERE login = current_user), 0) AND \(column) IS NOT NULL)"
      }
    case .and(let a, let b):
      return "(\(try expression(a, kind, alias)) AND \(try expression(b, kind, alias)))"
    case .or(let a, let b):
      optional += 1
      defer { optional -= 1 }
      return "(\(try expression(a, kind, alias)) OR \(try expression(b, kind, alias)))"
    case .not(let a):
      optional += 1
      defer { optional -= 1 }
      return "(NOT \(try expression(a, kind, alias)))"
    }
  }

  /// A condition through references that only reads fields the server keeps a copy of on
  /// the record (`.mother.site in me.sites` on a visit): the same condition on the copies,
  /// with no subquery. Nil when any field it reads has no copy. Every reference on the way is
  /// required, so the record referred to is there: the copy is empty only when the field is.
  private mutating func copiedExpression(
    _ field: String, _ condition: RecordCondition, _ kind: RecordKind, _ alias: String
  ) throws -> String? {
    var path = [field]
    var current = kind
    var leaf = condition
    while true {
      guard let spec = current.field(path.last!), spec.required, case .reference(let target) = spec.type
      else {
        return nil
      }
      current = target
      guard case .through(let next, _, let inner) = leaf else { break }
      path.append(next)
      leaf = inner
    }
    guard let fields = Self.fieldsRead(leaf), !fields.isEmpty else { return nil }
    var columns: [String: String] = [:]
    for name in fields {
      guard let copy = CopiedColumn.standingFor(path + [name], on: kind) else { return nil }
      columns[name] = copy.column
    }
    let outer = copies
    copies = (alias, columns)
    defer { copies = outer }
    return try expression(leaf, current, alias)
  }

  /// The fields a condition compares, if it asks nothing of other records.
  private static func fieldsRead(_ c: RecordCondition) -> Set<String>? {
    switch c {
    case .compare(let field, _, _), .between(let field, _, _), .oneOf(let field, _), .person(let field, _):
      return [field]
    case .and(let a, let b), .or(let a, let b):
      guard let x = fieldsRead(a), let y = fieldsRead(b) else { return nil }
      return x.union(y)
    case .not(let a): return fieldsRead(a)
    case .related, .through: return nil
    }
  }

  func column(_ field: String, _ kind: RecordKind, _ alias: String) throws -> (String, FieldType) {
    if let copies, copies.alias == alias, let copy = copies.columns[field], let spec = kind.field(field) {
      return ("\(alias).\(copy)", spec.type)
    }
    if field == "id" { return ("\(alias).id", .reference(kind)) }
    guard let spec = kind.field(field) else { throw StoreError("\(kind.rawValue) has no field \"\(field)\"") }
    return ("\(alias).\(spec.column)", spec.type)
  }
}

/// A value written as an SQL literal, for SQL that is stored rather than run with arguments
/// (a policy). Texts are quoted with their quotes doubled, which is all PostgreSQL's standard
/// strings (and SQLite's) need.
package enum SQLLiteral {
  package static func text(of value: FieldValue, _ type: FieldType, _ dialect: SQLDialect) -> String {
    func quoted(_ s: String) -> String {
      "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
    }
    let literal: String
    switch value {
    case .null: return "NULL"
    case .bool(let b): literal = b ? "TRUE" : "FALSE"
    case .int(let i): literal = String(i)
    case .double(let d): literal = String(d)
    case .text(let s): literal = quoted(s)
    case .date(let d): literal = quoted(ISODate.text(d))
    case .list(let items):
      var json: [UInt8] = []
      JSONText.append(.list(items), to: &json)
      literal = quoted(String(decoding: json, as: UTF8.self))
    }
    guard dialect == .postgres else { return literal }
    return "(\(literal))" + String(dialect.null(type).dropFirst(4))
  }
}
