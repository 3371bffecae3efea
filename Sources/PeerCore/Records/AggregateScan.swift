import PeerScript
import PeerStore

/// `visits | group [.match.mother.site, month(.date)] | count, sum(.minutes)` worked out from
/// one scan of the three columns it needs (`StoreReader.scan`, with the joins done by the
/// database) and a hash table of groups, instead of a record value per visit and a call of
/// the key function on each. The language asks through `HostObject.aggregate` with the query
/// shapes of the key and the aggregates (PeerScript's QueryShape.value and
/// HostAggregation.swift).
///
/// It takes only what gives exactly the VM's answer: paths through required references (and
/// a visit's or an ending's `.mother` and `.volunteer`, through its match) to a core field of
/// plain type, periods of dates, arithmetic with constants. The aggregates are the
/// language's own (`Aggregation`), fed the same values in the same (id) order. Anything
/// unexpected in the data (an error the VM would report, a value of an odd type) stops the
/// scan and hands the question back to the VM, which then gives its own answer or message.
struct AggregateScan {
  indirect enum RowValue {
    case column(Int, FieldType)
    /// A field of the record a reference column names, read from a table loaded first.
    case lookup(Int, Int)
    /// A record's code (`X-0042`) from a column holding its id.
    case recordID(Int, RecordKind)
    case period(String, RowValue)
    case constant(Value)
    case arithmetic(String, RowValue, RowValue)
    /// One of the language's date functions (`days_between`...) of two values.
    case dateFunction(String, RowValue, RowValue)
    /// How many related records name the record whose id is in the column (`.visits | count`
    /// of a match, `.match.visits | count` of an ending), from a table counted first.
    case relatedCount(Int, Int)
  }

  /// Stops the scan: the VM will answer instead.
  struct Refusal: Error {}

  /// A group key: up to four parts, each coded as a number (texts by their place in a table).
  struct GroupKey: Hashable {
    var a: Int64 = 0, b: Int64 = 0, c: Int64 = 0, d: Int64 = 0
    subscript(i: Int) -> Int64 {
      get { i == 0 ? a : i == 1 ? b : i == 2 ? c : d }
      set {
        switch i {
        case 0: a = newValue
        case 1: b = newValue
        case 2: c = newValue
        default: d = newValue
        }
      }
    }
  }

  /// One part of a key and how its codes turn back into values.
  final class KeyPart {
    let value: RowValue
    var texts: [String: Int64] = [:]
    var textList: [String] = []
    var values: [Value: Int64] = [:]
    var valueList: [Value] = []
    init(_ value: RowValue) { self.value = value }
  }

  static let nullCode = Int64.min

  /// A field of every record of a kind, by id, coded as in a key (each value once in
  /// `values`): a million visits then read their mother's site from an array rather than the
  /// database joining a million times.
  struct LookupSpec {
    var kind: RecordKind
    var path: [String]
    var type: FieldType
  }

  final class Lookup {
    /// By id: the code of the value, or -1 for no such record.
    var codes: [Int64] = []
    var values: [Value] = []
  }

  let kind: RecordKind
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

  /// The store path of a field path, through references (and a visit's or an ending's mother
  /// and volunteer, through its match), ending at a core field of plain type.
  mutating func column(_ names: [String]) -> RowValue? {
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
      if path.isEmpty { return .recordID(plainColumn(["id"]), kind) }
      if path.count == 1 { return .recordID(plainColumn(path), current) }
      return nil
    }
    guard let last = names.last, let spec = current.field(last) else { return nil }
    switch spec.type {
    case .text, .int, .bool, .date: break
    default: return nil
    }
    path.append(last)
    if path.count == 1 { return .column(plainColumn(path), spec.type) }
    // Through a reference: the reference's column here, the rest from a lookup table.
    let reference = plainColumn([path[0]])
    guard case .reference(let target)? = kind.field(path[0])?.type else { return nil }
    if let i = lookupIndex[path] { return .lookup(reference, i) }
    lookupIndex[path] = lookupSpecs.count
    lookupSpecs.append(LookupSpec(kind: target, path: Array(path.dropFirst()), type: spec.type))
    return .lookup(reference, lookupSpecs.count - 1)
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

  /// Reads each lookup's table: one scan per referenced kind and field.
  mutating func loadLookups(_ store: any StoreReader) throws {
    lookups = []
    for spec in lookupSpecs {
      let table = Lookup()
      var known: [Value: Int64] = [:]
      try store.scan(spec.kind, where: nil, columns: [["id"], spec.path], inIDOrder: false) { row in
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

  mutating func rowValue(_ shape: Value, _ constants: ContiguousArray<Value>) -> RowValue? {
    guard case .list(let l) = shape else { return nil }
    let parts = l.items
    var names: [String] = []
    for p in parts {
      guard case .string(let s) = p else { return nil }
      names.append(s.value)
      if names.count == 1, s.value.hasPrefix("#") { break }
    }
    guard let tag = names.first else { return nil }
    if !tag.hasPrefix("#") {
      // A volunteer's `open_matches`: her active matches, counted (Relations.swift).
      if kind == .volunteer, names == ["open_matches"] {
        relatedSpecs.append((.match, "volunteer", .compare(field: "status", .equal, .text("active"))))
        return .relatedCount(plainColumn(["id"]), relatedSpecs.count - 1)
      }
      return column(names)
    }
    func constant(_ v: Value) -> Value? {
      guard case .int(let i) = v, constants.indices.contains(i) else { return nil }
      return constants[i]
    }
    switch tag {
    case "#k":
      guard parts.count == 2, let c = constant(parts[1]) else { return nil }
      return .constant(c)
    case "#period":
      // The function must still be the built-in one (a script may define its own `month`).
      guard parts.count == 4, case .string(let name) = parts[1], case .native(let f)? = constant(parts[3]),
        f.name == name.value, let inner = rowValue(parts[2], constants)
      else { return nil }
      return .period(name.value, inner)
    case "#count":
      // `(.visits | where C | count)`: the related kind counted once per record referred to.
      guard parts.count == 3 || PushedFilter.isBuiltInLen(l, constants), case .list(let path) = parts[1]
      else {
        return nil
      }
      var names: [String] = []
      for p in path.items {
        guard case .string(let n) = p else { return nil }
        names.append(n.value)
      }
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
      if !parts[2].isNull {
        guard let c = PushedFilter.condition(parts[2], constants: constants, kind: related.kind) else {
          return nil
        }
        condition = c
      }
      relatedSpecs.append((related.kind, related.via, condition))
      return .relatedCount(column, relatedSpecs.count - 1)
    case "#call":
      guard parts.count == 4, case .string(let name) = parts[1], case .native(let f)? = constant(parts[3]),
        f.name == name.value, case .list(let args) = parts[2], args.items.count == 2,
        let a = rowValue(args.items[0], constants), let b = rowValue(args.items[1], constants)
      else { return nil }
      return .dateFunction(name.value, a, b)
    case "#arith":
      guard parts.count == 4, case .string(let op) = parts[1], let a = rowValue(parts[2], constants),
        let b = rowValue(parts[3], constants)
      else { return nil }
      return .arithmetic(op.value, a, b)
    default:
      return nil
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
    case .recordID(let i, let kind):
      guard !row.isNull(i), row.isInteger(i) else { throw Refusal() }
      return .text(kind.code(for: row.int(i)))
    case .period(let name, let inner):
      guard case .date(let d) = try value(inner, row), let p = Library.period(name, containing: d) else {
        throw Refusal()
      }
      return p
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

  /// A number standing for the part's value in this row.
  func code(_ part: KeyPart, _ row: ScanRow) throws -> Int64 {
    switch part.value {
    case .lookup(let column, let table):
      return try lookupCode(column, table, row)
    case .recordID(let i, _):
      guard !row.isNull(i), row.isInteger(i) else { throw Refusal() }
      return row.int(i)
    case .column(let i, let type) where type != .text:
      if row.isNull(i) { return Self.nullCode }
      if type == .date {
        guard let d = row.date(i) else { throw Refusal() }
        return Int64(d)
      }
      guard row.isInteger(i) else { throw Refusal() }
      let n = row.int(i)
      if n == Self.nullCode { throw Refusal() }
      return type == .bool ? (n != 0 ? 1 : 0) : n
    case .column(let i, _):
      if row.isNull(i) { return Self.nullCode }
      guard row.isText(i) else { throw Refusal() }
      let s = row.text(i)
      if let c = part.texts[s] { return c }
      part.texts[s] = Int64(part.textList.count)
      part.textList.append(s)
      return Int64(part.textList.count - 1)
    case .period(let name, .column(let i, .date)):
      if row.isNull(i) { throw Refusal() }
      guard let d = row.date(i), let start = Library.periodStart(name, containing: d) else { throw Refusal() }
      return Int64(start)
    default:
      let v = try value(part.value, row)
      if let c = part.values[v] { return c }
      part.values[v] = Int64(part.valueList.count)
      part.valueList.append(v)
      return Int64(part.valueList.count - 1)
    }
  }

  /// The value a code stands for.
  func decode(_ code: Int64, _ part: KeyPart) -> Value {
    switch part.value {
    case .lookup(_, let table):
      return lookups[table].values[Int(code)]
    case .recordID(_, let kind):
      return .text(kind.code(for: code))
    case .column(_, let type) where type != .text:
      if code == Self.nullCode { return .null }
      switch type {
      case .date: return .date(Int32(code))
      case .bool: return .bool(code != 0)
      default: return .int(Int(code))
      }
    case .column:
      return code == Self.nullCode ? .null : .text(part.textList[Int(code)])
    case .period(let name, .column(_, .date)):
      return Library.period(name, containing: Int32(code)) ?? .null
    default:
      return part.valueList[Int(code)]
    }
  }

  // MARK: - Running

  /// The answer, or nil when the request is not one this scan can give exactly.
  static func run(
    _ request: AggregateRequest, on kind: RecordKind, where condition: RecordCondition?,
    store: any StoreReader
  ) throws -> AggregateAnswer? {
    var plan = AggregateScan(kind: kind)
    var keyParts: [KeyPart] = []
    var keyIsList = false
    if let key = request.key {
      var shapes = [key]
      if case .list(let l) = key, case .string(let tag)? = l.items.first, tag.value == "#list" {
        shapes = Array(l.items.dropFirst())
        keyIsList = true
      }
      guard !shapes.isEmpty, shapes.count <= 4 else { return nil }
      for s in shapes {
        guard let v = plan.rowValue(s, request.keyConstants) else { return nil }
        keyParts.append(KeyPart(v))
      }
    }
    var inputs: [RowValue?] = []
    for (name, shape) in request.aggregates {
      if let shape {
        guard let v = plan.rowValue(shape, request.constants) else { return nil }
        inputs.append(v)
      } else {
        // Without an expression only counting needs no item (`xs | sum` adds the items).
        guard name == "count" || name == "share" else { return nil }
        inputs.append(nil)
      }
    }
    // Only aggregates with an expression keep a running value; `count` alone and `share`
    // come from the groups' sizes.
    let accumulated = request.aggregates.indices.filter { inputs[$0] != nil }
    var blank: [Aggregation] = []
    for j in accumulated { blank.append(try Aggregation(request.aggregates[j].name, countsEveryItem: false)) }
    var index: [GroupKey: Int] = [:]
    var keys: [GroupKey] = []
    var counts: [Int] = []
    var states: [Aggregation] = []
    if keyParts.isEmpty {
      keys.append(GroupKey())
      counts.append(0)
      states += blank
    }
    do {
      try plan.loadLookups(store)
      try plan.countRelated(store)
    } catch is Refusal {
      return nil
    }
    // The rows may come in any order (the database then uses the best index) unless an
    // answer depends on it: `first`, `last`, and sums of fractions (rounding). The groups are
    // put back in the order of their first record either way.
    let inIDOrder = request.aggregates.indices.contains { j in
      if ["first", "last"].contains(request.aggregates[j].name) { return true }
      if case .arithmetic? = inputs[j] { return true }
      return false
    }
    let idColumn = plan.idColumn()
    var firstIDs: [Int64] = keyParts.isEmpty ? [0] : []
    let ready = plan
    do {
      try store.scan(kind, where: condition, columns: ready.columns, inIDOrder: inIDOrder) { row in
        var g = 0
        if !keyParts.isEmpty {
          var key = GroupKey()
          for (i, part) in keyParts.enumerated() { key[i] = try ready.code(part, row) }
          if let known = index[key] {
            g = known
          } else {
            g = keys.count
            index[key] = g
            keys.append(key)
            counts.append(0)
            firstIDs.append(.max)
            states += blank
          }
          firstIDs[g] = min(firstIDs[g], row.int(idColumn))
        }
        counts[g] += 1
        let base = g * accumulated.count
        for (slot, j) in accumulated.enumerated() {
          try states[base + slot].add(try ready.value(inputs[j]!, row))
        }
      }
    } catch is Refusal {
      return nil
    } catch is RuntimeError {
      // The VM will say it, at the script's place.
      return nil
    }
    var answer = AggregateAnswer(keys: [], counts: counts, values: [])
    do {
      try ready.finish(&answer, keys, keyParts, keyIsList, request, inputs, states, accumulated.count)
    } catch is RuntimeError {
      return nil
    }
    if !inIDOrder {
      let order = answer.keys.indices.sorted { firstIDs[$0] < firstIDs[$1] }
      answer.keys = ContiguousArray(order.map { answer.keys[$0] })
      answer.counts = order.map { answer.counts[$0] }
      answer.values = order.map { answer.values[$0] }
    }
    return answer
  }

  private func finish(
    _ answer: inout AggregateAnswer, _ keys: [GroupKey], _ keyParts: [KeyPart], _ keyIsList: Bool,
    _ request: AggregateRequest, _ inputs: [RowValue?], _ states: [Aggregation], _ width: Int
  ) throws {
    let counts = answer.counts
    for (g, key) in keys.enumerated() {
      if keyParts.isEmpty {
        answer.keys.append(.null)
      } else {
        let parts = keyParts.indices.map { decode(key[$0], keyParts[$0]) }
        answer.keys.append(keyIsList ? .list(parts) : parts[0])
      }
      var values: [Value] = []
      var slot = 0
      for j in request.aggregates.indices {
        if inputs[j] != nil {
          values.append(try states[g * width + slot].result())
          slot += 1
        } else if request.aggregates[j].name == "count" {
          values.append(.int(counts[g]))
        } else {
          values.append(.null)
        }
      }
      answer.values.append(values)
    }
  }
}
