/// The aggregates a pipeline ends with (`count`, `count distinct`, `sum`, `avg`, `min`, `max`,
/// `median`, `first`, `last`, and after a `group`, `share`): the one list the parser, the
/// stages and a host that aggregates itself all read.
public enum AggregateKind: String, CaseIterable, Sendable {
  case count, countDistinct = "count_distinct", sum, avg, min, max, median, first, last, share
}

/// One aggregate worked out one value at a time. The pipeline stage feeds it the values of a
/// list; a host that runs a `group ... | count, sum(...)` itself (a database scan) feeds it the
/// values it reads, so both paths give the same answer and the same errors.
public struct Aggregation {
  public let kind: AggregateKind
  var name: String { kind.rawValue }
  /// `count` with no expression counts every item; with one, the items whose value is true.
  let countsEveryItem: Bool
  private var count = 0
  private var total: Value = .int(0)
  private var present = 0
  private var best: Value = .null
  private var firstValue: Value?
  private var lastValue: Value = .null
  private var numbers: [Value] = []
  private var seen: Set<Value> = []

  /// `countsEveryItem`: the aggregate has no expression (`count` alone).
  public init(_ kind: AggregateKind, countsEveryItem: Bool) {
    self.kind = kind
    self.countsEveryItem = countsEveryItem
  }

  public mutating func add(_ v: Value) throws {
    switch kind {
    case .count:
      if countsEveryItem || v.isTruthy { count += 1 }
    case .countDistinct:
      // `count distinct .mother`: how many different values (nil is not a value).
      if !v.isNull { seen.insert(v) }
    case .first:
      if firstValue == nil { firstValue = v }
    case .last:
      lastValue = v
    case .sum, .avg:
      if v.isNull { return }
      switch v {
      case .int, .float, .duration:
        if present == 0, case .duration = v { total = v } else { total = try Operations.add(total, v) }
        present += 1
      default:
        throw RuntimeError("\(name) needs numbers, got \(v.kindAndValue)")
      }
    case .min, .max:
      if v.isNull { return }
      if best.isNull {
        best = v
        return
      }
      guard let c = Value.compare(v, best) else {
        throw RuntimeError("\(name) cannot compare \(v.typeName) and \(best.typeName)")
      }
      if (kind == .min && c == .less) || (kind == .max && c == .greater) { best = v }
    case .median:
      if !v.isNull { numbers.append(v) }
    case .share:
      throw RuntimeError(
        "share needs groups to share out", hint: "group first: visits | group .kind | count, share")
    }
  }

  public func result() throws -> Value {
    switch kind {
    case .count: return .int(count)
    case .countDistinct: return .int(seen.count)
    case .first: return firstValue ?? .null
    case .last: return lastValue
    case .sum: return total
    case .avg: return present == 0 ? .null : try Operations.divide(total, .int(present))
    case .min, .max: return best
    case .median:
      if numbers.isEmpty { return .null }
      for v in numbers where v.asDouble == nil {
        throw RuntimeError("median needs numbers, got \(v.kindAndValue)")
      }
      let sorted = numbers.sorted { ($0.asDouble ?? 0) < ($1.asDouble ?? 0) }
      let n = sorted.count
      if n % 2 == 1 { return sorted[n / 2] }
      return .float(((sorted[n / 2 - 1].asDouble ?? 0) + (sorted[n / 2].asDouble ?? 0)) / 2)
    case .share:
      throw RuntimeError(
        "share needs groups to share out", hint: "group first: visits | group .kind | count, share")
    }
  }
}

extension Library {
  /// `a op b` for + - * / // % with the VM's meaning, for a host working out per-item values
  /// itself (`sum(.minutes / 60)`). Repeating texts and lists is left to the VM: it throws.
  public static func arithmetic(_ op: ArithmeticOperator, _ a: Value, _ b: Value) throws -> Value {
    switch op {
    case .add: return try Operations.add(a, b)
    case .subtract: return try Operations.subtract(a, b)
    case .multiply:
      guard let product = try Operations.multiplyNumbers(a, b) else {
        throw RuntimeError("repeating is left to the VM")
      }
      return product
    case .divide: return try Operations.divide(a, b)
    case .wholeDivide: return try Operations.floorDivide(a, b)
    case .remainder: return try Operations.modulo(a, b)
    }
  }
}
