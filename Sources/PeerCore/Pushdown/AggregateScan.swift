import PeerScript
import PeerStore

/// `visits | group [.match.mother.site, month(.date)] | count, sum(.minutes)` worked out from
/// one scan of the columns it needs (`ScanPlan`) and a hash table of groups, instead of a
/// record value per visit and a call of the key function on each. The language asks through
/// `HostObject.aggregate` with the query shapes (`ItemValue`) of the key and the aggregates
/// (HostAggregation.swift). The aggregates are the language's own (`Aggregation`), fed the
/// same values; the rows come in id order when an answer depends on it, and the groups are
/// put in the order of their first record either way. If the plan refuses, or the data holds
/// something the VM would stop on, the answer is nil and the VM works it out.
enum AggregateScan {
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
    let value: ScanPlan.RowValue
    var texts: [String: Int64] = [:]
    var textList: [String] = []
    var values: [Value: Int64] = [:]
    var valueList: [Value] = []
    init(_ value: ScanPlan.RowValue) { self.value = value }
  }

  static let nullCode = Int64.min

  // MARK: - Running

  /// The answer, or nil when the request is not one this scan can give exactly.
  static func run(
    _ request: AggregateRequest, on kind: RecordKind, where condition: RecordCondition?,
    store: any StoreReader
  ) throws -> AggregateAnswer? {
    var plan = ScanPlan(kind: kind)
    plan.joinsReferences = condition != nil
    var keyParts: [KeyPart] = []
    var keyIsList = false
    // `group each .tags`: the list column whose elements are the keys.
    var eachColumn: Int?
    if request.keyEach {
      guard let key = request.key, let c = plan.listColumn(key) else { return nil }
      eachColumn = c
      keyParts = [KeyPart(.column(c, .text))]
    } else if let key = request.key {
      var shapes = [key]
      if case .list(let parts) = key {
        shapes = parts
        keyIsList = true
      }
      guard !shapes.isEmpty, shapes.count <= 4 else { return nil }
      for s in shapes {
        guard let v = plan.rowValue(s, request.keyConstants) else { return nil }
        keyParts.append(KeyPart(v))
      }
    }
    var inputs: [ScanPlan.RowValue?] = []
    for (kind, shape) in request.aggregates {
      if let shape {
        guard let v = plan.rowValue(shape, request.constants) else { return nil }
        inputs.append(v)
      } else {
        // Without an expression only counting needs no item (`xs | sum` adds the items).
        guard kind == .count || kind == .share else { return nil }
        inputs.append(nil)
      }
    }
    // Only aggregates with an expression keep a running value; `count` alone and `share`
    // come from the groups' sizes.
    let accumulated = request.aggregates.indices.filter { inputs[$0] != nil }
    var blank: [Aggregation] = []
    for j in accumulated { blank.append(Aggregation(request.aggregates[j].kind, countsEveryItem: false)) }
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
      try plan.loadLookups(store, scanning: condition)
      try plan.countRelated(store)
    } catch is ScanPlan.Refusal {
      return nil
    }
    // The rows may come in any order (the database then uses the best index) unless an
    // answer depends on it: `first`, `last`, and sums of fractions (rounding). The groups are
    // put back in the order of their first record either way.
    // (`group each` too: one row starts several groups, whose order is the list's.)
    let inIDOrder =
      request.keyEach
      || request.aggregates.indices.contains { j in
        if [.first, .last].contains(request.aggregates[j].kind) { return true }
        if case .arithmetic? = inputs[j] { return true }
        return false
      }
    let idColumn = plan.idColumn()
    var firstIDs: [Int64] = keyParts.isEmpty ? [0] : []
    let ready = plan
    do {
      try store.scan(kind, where: condition, columns: ready.columns, inIDOrder: inIDOrder) { row in
        func group(_ key: GroupKey) -> Int {
          if let known = index[key] { return known }
          index[key] = keys.count
          keys.append(key)
          counts.append(0)
          firstIDs.append(.max)
          states += blank
          return keys.count - 1
        }
        func feed(_ g: Int) throws {
          counts[g] += 1
          let base = g * accumulated.count
          for (slot, j) in accumulated.enumerated() {
            try states[base + slot].add(try ready.value(inputs[j]!, row))
          }
        }
        if let c = eachColumn {
          // The row counts once in the group of each different element.
          switch row.field(c, .list) {
          case .null: return
          case .list(let elements):
            var seen = Set<String>()
            let part = keyParts[0]
            for element in elements where seen.insert(element).inserted {
              let g = group(GroupKey(a: ready.textCode(element, part)))
              firstIDs[g] = min(firstIDs[g], row.int(idColumn))
              try feed(g)
            }
          default: throw ScanPlan.Refusal()
          }
          return
        }
        var g = 0
        if !keyParts.isEmpty {
          var key = GroupKey()
          for (i, part) in keyParts.enumerated() { key[i] = try ready.code(part, row) }
          g = group(key)
          firstIDs[g] = min(firstIDs[g], row.int(idColumn))
        }
        try feed(g)
      }
    } catch is ScanPlan.Refusal {
      return nil
    } catch is RuntimeError {
      // The VM will say it, at the script's place.
      return nil
    }
    var answer = AggregateAnswer(keys: [], counts: counts, values: [])
    do {
      try finish(&answer, ready, keys, keyParts, keyIsList, request, inputs, states, accumulated.count)
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

  /// The keys as values and each group's aggregates.
  private static func finish(
    _ answer: inout AggregateAnswer, _ plan: ScanPlan, _ keys: [GroupKey], _ keyParts: [KeyPart],
    _ keyIsList: Bool,
    _ request: AggregateRequest, _ inputs: [ScanPlan.RowValue?], _ states: [Aggregation], _ width: Int
  ) throws {
    let counts = answer.counts
    for (g, key) in keys.enumerated() {
      if keyParts.isEmpty {
        answer.keys.append(.null)
      } else {
        let parts = keyParts.indices.map { plan.decode(key[$0], keyParts[$0]) }
        answer.keys.append(keyIsList ? .list(parts) : parts[0])
      }
      var values: [Value] = []
      var slot = 0
      for j in request.aggregates.indices {
        if inputs[j] != nil {
          values.append(try states[g * width + slot].result())
          slot += 1
        } else if request.aggregates[j].kind == .count {
          values.append(.int(counts[g]))
        } else {
          values.append(.null)
        }
      }
      answer.values.append(values)
    }
  }
}

extension ScanPlan {
  /// A number standing for the part's value in this row.
  func code(_ part: AggregateScan.KeyPart, _ row: ScanRow) throws -> Int64 {
    switch part.value {
    case .lookup(let column, let table):
      return try lookupCode(column, table, row)
    case .recordID(let i, _):
      guard !row.isNull(i), row.isInteger(i) else { throw Refusal() }
      return row.int(i)
    case .column(let i, let type) where type != .text:
      if row.isNull(i) { return AggregateScan.nullCode }
      if type == .date {
        guard let d = row.date(i) else { throw Refusal() }
        return Int64(d)
      }
      guard row.isInteger(i) else { throw Refusal() }
      let n = row.int(i)
      if n == AggregateScan.nullCode { throw Refusal() }
      return type == .bool ? (n != 0 ? 1 : 0) : n
    case .column(let i, _):
      if row.isNull(i) { return AggregateScan.nullCode }
      guard row.isText(i) else { throw Refusal() }
      return textCode(row.text(i), part)
    case .period(let function, .column(let i, .date)):
      if row.isNull(i) { throw Refusal() }
      guard let d = row.date(i) else { throw Refusal() }
      return Int64(Library.periodStart(function, containing: d))
    default:
      let v = try value(part.value, row)
      if let c = part.values[v] { return c }
      part.values[v] = Int64(part.valueList.count)
      part.valueList.append(v)
      return Int64(part.valueList.count - 1)
    }
  }

  /// The number standing for a text in a key part (each text once in its table).
  func textCode(_ s: String, _ part: AggregateScan.KeyPart) -> Int64 {
    if let c = part.texts[s] { return c }
    part.texts[s] = Int64(part.textList.count)
    part.textList.append(s)
    return Int64(part.textList.count - 1)
  }

  /// The value a code stands for.
  func decode(_ code: Int64, _ part: AggregateScan.KeyPart) -> Value {
    switch part.value {
    case .lookup(_, let table):
      return lookups[table].values[Int(code)]
    case .recordID(_, let kind):
      return .text(kind.code(for: code))
    case .column(_, let type) where type != .text:
      if code == AggregateScan.nullCode { return .null }
      switch type {
      case .date: return .date(Int32(code))
      case .bool: return .bool(code != 0)
      default: return .int(Int(code))
      }
    case .column:
      return code == AggregateScan.nullCode ? .null : .text(part.textList[Int(code)])
    case .period(let function, .column(_, .date)):
      return Library.period(function, containing: Int32(code))
    default:
      return part.valueList[Int(code)]
    }
  }
}
