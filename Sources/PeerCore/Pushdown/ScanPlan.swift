import PeerScript
import PeerStore

/// What a pipeline's per-item values (a `group` key, an aggregate's expression) read from the
/// store, planned from their query shapes (PeerScript's `ItemValue`): the columns of one
/// scan (`StoreReader.scan`), fields through references from tables loaded first by id, counts
/// of related records counted first; and how to read each value from a row exactly as the VM
/// would see it. It takes only what gives exactly the VM's answer: paths through required
/// references (and a visit's or an ending's `.mother` and `.volunteer`, through its match) to
/// a core field of plain type, periods of dates, the date functions, arithmetic with
/// constants, related counts. Anything unexpected in the data is a `Refusal`: the VM answers.
struct ScanPlan {
  indirect enum RowValue {
    case column(Int, FieldType)
    /// A field of the record a reference column names, read from a table loaded first.
    case lookup(Int, Int)
    /// A field of a record reached through references, joined to the scan: its column, and
    /// the column of that record's id (empty when the record is not there or not visible).
    case joined(Int, presence: Int, FieldType)
    /// A record's code (`X-0042`) from a column holding its id.
    case recordID(Int, RecordKind)
    case period(PeriodFunction, RowValue)
    case constant(Value)
    case arithmetic(ArithmeticOperator, RowValue, RowValue)
    /// One of the language's date functions (`days_between`...) of two values.
    case dateFunction(String, RowValue, RowValue)
    /// How many related records name the record whose id is in the column (`.visits | count`
    /// of a match, `.match.visits | count` of an ending), from a table counted first.
    case relatedCount(Int, Int)
    /// The value of the first branch whose condition holds, else the last value
    /// (`ItemValue.choose`: an `if` of the script, perhaps a function of its own inlined).
    case choose([(RowCondition, RowValue)], RowValue)
  }

  /// A condition of an `if` tested on a row as the VM tests it (Library.comparison, isIn):
  /// `and` and `or` look at their right side only when the VM would.
  indirect enum RowCondition {
    case compare(ComparisonOperator, RowValue, Value)
    case isIn(RowValue, Value)
    case has(RowValue, Value)
    case truthy(RowValue)
    case and(RowCondition, RowCondition)
    case or(RowCondition, RowCondition)
    case not(RowCondition)
  }

  /// Stops the scan: the VM will answer instead.
  struct Refusal: Error {}

  /// A field of every record of a kind, by id, coded as in a key (each value once in
  /// `values`): a million visits then read their mother's site from an array rather than the
  /// database joining a million times.
  struct LookupSpec {
    var kind: RecordKind
    var path: [String]
    var type: FieldType
    /// The scanned kind's reference field that names these records.
    var via: String
  }

  final class Lookup {
    /// By id: the code of the value, or -1 for no such record.
    var codes: [Int64] = []
    var values: [Value] = []
  }

  let kind: RecordKind
  /// Whether fields through references are joined to the scan rather than looked up: for a
  /// scan with a condition, which reads few rows (the matches begun in a quarter). Without
  /// one, a million visits read their mother's site from a table loaded once.
  var joinsReferences = false
  private(set) var columns: [[String]] = []
  private var columnIndex: [[String]: Int] = [:]
  private(set) var lookupSpecs: [LookupSpec] = []
  private var lookupIndex: [[String]: Int] = [:]
  /// Filled by `run` before the scan.
  private(set) var lookups: [Lookup] = []
  private(set) var relatedSpecs: [(kind: RecordKind, via: String, condition: RecordCondition?)] = []
  /// By id: how many related records name it. Filled by `run` before the scan.
  private(set) var relatedCounts: [[Int32]] = []

  init(kind: RecordKind) { self.kind = kind }

  // MARK: - From shapes to a plan

  /// Where a field path leads in the store.
  enum StorePath {
    /// A core field of plain type (text, whole number, yes/no, date), by its column path.
    case field([String], FieldType)
    /// The code of a record of `kind` (`M-0042`), from the id in the column at the path:
    /// `["id"]` for the record's own, a reference's column for the record it names.
    case id([String], RecordKind)
  }

  /// The store path of a field path, through required references (and a visit's or an
  /// ending's mother and volunteer, through its match), ending at a core field of plain type
  /// or an id; nil for anything else. The one place both a scan (`column`) and a grouping in
  /// the database (`StoreGrouping`) learn where a path leads.
  static func storePath(_ kind: RecordKind, _ names: [String]) -> StorePath? {
    var current = kind
    var path: [String] = []
    for name in names.dropLast() {
      if let spec = current.field(name), case .reference(let target) = spec.type, spec.required {
        path.append(name)
        current = target
      } else if current == .visit || current == .ending, name == "mother" || name == "volunteer" {
        path += ["match", name]
        current = name == "mother" ? .mother : .volunteer
      } else {
        return nil
      }
    }
    // `.id` (or `.match.id`): the record's code, M-0042, from its id or the reference's.
    if names.last == "id" {
      if path.isEmpty { return .id(["id"], kind) }
      if path.count == 1 { return .id(path, current) }
      return nil
    }
    guard let last = names.last, let spec = current.field(last) else { return nil }
    switch spec.type {
    case .text, .int, .bool, .date: return .field(path + [last], spec.type)
    default: return nil
    }
  }

  /// How a scan reads a field path: a column of the scanned kind, or through a reference from
  /// a lookup table.
  mutating func column(_ names: [String]) -> RowValue? {
    switch Self.storePath(kind, names) {
    case nil:
      return nil
    case .id(let path, let kind)?:
      return .recordID(plainColumn(path), kind)
    case .field(let path, let type)?:
      if path.count == 1 { return .column(plainColumn(path), type) }
      if joinsReferences {
        return .joined(plainColumn(path), presence: plainColumn(path.dropLast() + ["id"]), type)
      }
      // Through a reference: the reference's column here, the rest from a lookup table.
      let reference = plainColumn([path[0]])
      guard case .reference(let target)? = kind.field(path[0])?.type else { return nil }
      if let i = lookupIndex[path] { return .lookup(reference, i) }
      lookupIndex[path] = lookupSpecs.count
      lookupSpecs.append(LookupSpec(kind: target, path: Array(path.dropFirst()), type: type, via: path[0]))
      return .lookup(reference, lookupSpecs.count - 1)
    }
  }

  /// The column of a list field of the kind itself (`group each .vulnerabilities`), or nil.
  mutating func listColumn(_ shape: ItemValue) -> Int? {
    guard case .path(let names) = shape, names.count == 1, let spec = kind.field(names[0]), spec.type == .list
    else { return nil }
    return plainColumn(names)
  }

  /// The column of the record's own id.
  mutating func idColumn() -> Int { plainColumn(["id"]) }

  private mutating func plainColumn(_ path: [String]) -> Int {
    if let i = columnIndex[path] { return i }
    columnIndex[path] = columns.count
    columns.append(path)
    return columns.count - 1
  }

  /// Counts each related kind by the record it names: one scan each.
  mutating func countRelated(_ store: any StoreReader) throws {
    relatedCounts = []
    for spec in relatedSpecs {
      var counts: [Int32] = []
      try store.scan(spec.kind, where: spec.condition, columns: [[spec.via]], inIDOrder: false) { row in
        guard !row.isNull(0), row.isInteger(0) else { return }
        let id = Int(row.int(0))
        guard id >= 0 else { return }
        if id >= counts.count {
          counts.append(contentsOf: repeatElement(0, count: id - counts.count + 1 + id / 8))
        }
        counts[id] += 1
      }
      relatedCounts.append(counts)
    }
  }

  /// Reads each lookup's table: one scan per referenced kind and field. When the scan has a
  /// condition, only the records its rows name are read: the matches begun in a quarter look
  /// up their own mothers, not every mother of the project.
  mutating func loadLookups(_ store: any StoreReader, scanning condition: RecordCondition?) throws {
    lookups = []
    for spec in lookupSpecs {
      let table = Lookup()
      var known: [Value: Int64] = [:]
      let named = condition.map { RecordCondition.related(kind: kind, via: spec.via, $0, .greater, 0) }
      try store.scan(spec.kind, where: named, columns: [["id"], spec.path], inIDOrder: false) { row in
        let id = Int(row.int(0))
        guard id >= 0 else { throw Refusal() }
        let v = try Self.columnValue(1, spec.type, row)
        let code: Int64
        if let c = known[v] {
          code = c
        } else {
          code = Int64(table.values.count)
          known[v] = code
          table.values.append(v)
        }
        if id >= table.codes.count {
          table.codes.append(contentsOf: repeatElement(-1, count: id - table.codes.count + 1 + id / 8))
        }
        table.codes[id] = code
      }
      lookups.append(table)
    }
  }

  /// The code of the looked-up value for this row's reference.
  @inline(__always)
  func lookupCode(_ column: Int, _ table: Int, _ row: ScanRow) throws -> Int64 {
    guard !row.isNull(column), row.isInteger(column) else { throw Refusal() }
    let id = Int(row.int(column))
    let codes = lookups[table].codes
    guard id >= 0, id < codes.count, codes[id] >= 0 else { throw Refusal() }
    return codes[id]
  }

  mutating func rowValue(_ shape: ItemValue, _ constants: ContiguousArray<Value>) -> RowValue? {
    switch shape {
    case .path(let names):
      // A volunteer's `open_matches`: her active matches, counted (Relations.swift).
      if kind == .volunteer, names == ["open_matches"] {
        relatedSpecs.append((.match, "volunteer", .compare(field: "status", .equal, .text("active"))))
        return .relatedCount(plainColumn(["id"]), relatedSpecs.count - 1)
      }
      return column(names)
    case .constant(let k):
      guard let c = PushedFilter.constant(k, constants) else { return nil }
      return .constant(c)
    case .period(let function, let inner, let k):
      // The function must still be the built-in one (a script may define its own `month`).
      guard PushedFilter.isBuiltIn(function.rawValue, k, constants), let inner = rowValue(inner, constants)
      else { return nil }
      return .period(function, inner)
    case .count(let names, let filter, let lenFunction):
      // `(.visits | where C | count)`: the related kind counted once per record referred to.
      guard PushedFilter.isBuiltInLen(lenFunction, constants) else { return nil }
      var column = plainColumn(["id"])
      var owner = kind
      if names.count == 2 {
        guard let spec = kind.field(names[0]), case .reference(let target) = spec.type, spec.required else {
          return nil
        }
        column = plainColumn([names[0]])
        owner = target
      } else if names.count != 1 {
        return nil
      }
      guard let related = PushedFilter.relatedRecords[owner]?[names.last!] else { return nil }
      var condition: RecordCondition?
      if let filter {
        guard let c = PushedFilter.condition(filter, constants: constants, kind: related.kind) else {
          return nil
        }
        condition = c
      }
      relatedSpecs.append((related.kind, related.via, condition))
      return .relatedCount(column, relatedSpecs.count - 1)
    case .call(let name, let arguments, let k):
      guard PushedFilter.isBuiltIn(name, k, constants), arguments.count == 2,
        let a = rowValue(arguments[0], constants), let b = rowValue(arguments[1], constants)
      else { return nil }
      return .dateFunction(name, a, b)
    case .arithmetic(let op, let l, let r):
      guard let a = rowValue(l, constants), let b = rowValue(r, constants) else { return nil }
      return .arithmetic(op, a, b)
    case .list, .applied:
      return nil
    case .choose(let branches, let otherwise):
      var planned: [(RowCondition, RowValue)] = []
      for branch in branches {
        guard let c = rowCondition(branch.condition, constants), let v = rowValue(branch.value, constants)
        else {
          return nil
        }
        planned.append((c, v))
      }
      guard let last = rowValue(otherwise, constants) else { return nil }
      return .choose(planned, last)
    }
  }

  mutating func rowCondition(_ shape: ItemCondition, _ constants: ContiguousArray<Value>) -> RowCondition? {
    func operand(_ k: Int) -> Value? { PushedFilter.constant(k, constants) }
    switch shape {
    case .compare(let op, let value, let k):
      guard let v = rowValue(value, constants), let c = operand(k) else { return nil }
      return .compare(op, v, c)
    case .isIn(let path, let k):
      guard let v = rowValue(.path(path), constants), let c = operand(k) else { return nil }
      return .isIn(v, c)
    case .has(let path, let k):
      guard let v = rowValue(.path(path), constants), let c = operand(k) else { return nil }
      return .has(v, c)
    case .truthy(let path):
      return rowValue(.path(path), constants).map { .truthy($0) }
    case .offset:
      return nil
    case .and(let a, let b):
      guard let x = rowCondition(a, constants), let y = rowCondition(b, constants) else { return nil }
      return .and(x, y)
    case .or(let a, let b):
      guard let x = rowCondition(a, constants), let y = rowCondition(b, constants) else { return nil }
      return .or(x, y)
    case .not(let a):
      return rowCondition(a, constants).map { .not($0) }
    }
  }

  // MARK: - Reading a row

  /// The value the VM would read: what `RecordBridge` makes of the stored field.
  func value(_ v: RowValue, _ row: ScanRow) throws -> Value {
    switch v {
    case .lookup(let column, let table):
      return lookups[table].values[Int(try lookupCode(column, table, row))]
    case .column(let i, let type):
      return try Self.columnValue(i, type, row)
    case .joined(let i, let presence, let type):
      guard !row.isNull(presence) else { throw Refusal() }
      return try Self.columnValue(i, type, row)
    case .recordID(let i, let kind):
      guard !row.isNull(i), row.isInteger(i) else { throw Refusal() }
      return .text(kind.code(for: row.int(i)))
    case .period(let function, let inner):
      guard case .date(let d) = try value(inner, row) else { throw Refusal() }
      return Library.period(function, containing: d)
    case .constant(let c):
      return c
    case .arithmetic(let op, let a, let b):
      return try Library.arithmetic(op, try value(a, row), try value(b, row))
    case .dateFunction(let name, let a, let b):
      return try Library.dateFunction(name, try value(a, row), try value(b, row))
    case .relatedCount(let column, let table):
      guard !row.isNull(column), row.isInteger(column) else { throw Refusal() }
      let id = Int(row.int(column))
      let counts = relatedCounts[table]
      return .int(id >= 0 && id < counts.count ? Int(counts[id]) : 0)
    case .choose(let branches, let otherwise):
      for (condition, value) in branches where try holds(condition, row) {
        return try self.value(value, row)
      }
      return try value(otherwise, row)
    }
  }

  /// Whether the condition holds on the row, as the VM's `if` would find.
  func holds(_ c: RowCondition, _ row: ScanRow) throws -> Bool {
    switch c {
    case .compare(let op, let v, let k): return try Library.comparison(op, try value(v, row), k)
    case .isIn(let v, let k): return try Library.isIn(try value(v, row), k)
    case .has(let v, let k): return try Library.isIn(k, try value(v, row))
    case .truthy(let v): return try value(v, row).isTruthy
    case .and(let a, let b): return try holds(a, row) && holds(b, row)
    case .or(let a, let b): return try holds(a, row) || holds(b, row)
    case .not(let a): return try !holds(a, row)
    }
  }

  /// The value the VM would read from a stored field.
  static func columnValue(_ i: Int, _ type: FieldType, _ row: ScanRow) throws -> Value {
    if row.isNull(i) { return .null }
    switch type {
    case .text:
      guard row.isText(i) else { throw Refusal() }
      return .text(row.text(i))
    case .int:
      guard row.isInteger(i) else { throw Refusal() }
      return .int(Int(row.int(i)))
    case .bool:
      guard row.isInteger(i) else { throw Refusal() }
      return .bool(row.int(i) != 0)
    case .date:
      guard let d = row.date(i) else { throw Refusal() }
      return .date(d)
    default:
      throw Refusal()
    }
  }
}
