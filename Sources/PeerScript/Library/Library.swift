/// The standard library: every built-in function, with the one-line doc `:help` shows.
/// Each topic has its own file (Core, Lists (lists and maps), Text, Maths, Dates) that adds
/// functions through `define`; the pipeline stages are in Stages, Aggregation and
/// PeriodGroups, and the help for keywords and stages in KeywordHelp.
public final class Library {
  let globals: Globals
  public private(set) var docs: [String: String] = [:]

  init(globals: Globals) {
    self.globals = globals
  }

  /// Defines a built-in visible to scripts.
  func define(
    _ name: String, _ arity: ClosedRange<Int>, _ doc: String, _ body: @escaping (Arguments) throws -> Value
  ) {
    globals.set(name, .native(NativeFunction(name, arity: arity, doc: doc, body: body)))
    docs[name] = doc
  }

  func define(_ name: String, _ arity: Int, _ doc: String, _ body: @escaping (Arguments) throws -> Value) {
    define(name, arity...arity, doc, body)
  }

  /// Defines a built-in that only the compiler calls (pipeline stages): its name starts with
  /// "|", which no script can write.
  func `internal`(_ name: String, _ arity: ClosedRange<Int>, _ body: @escaping (Arguments) throws -> Value) {
    globals.set(name, .native(NativeFunction(name, arity: arity, doc: "", body: body)))
  }

  func `internal`(_ name: String, _ arity: Int, _ body: @escaping (Arguments) throws -> Value) {
    `internal`(name, arity...arity, body)
  }

  /// A constant or a value computed when the interpreter starts (`today`, `this_quarter`).
  func constant(_ name: String, _ value: Value, _ doc: String) {
    globals.set(name, value)
    docs[name] = doc
  }

  /// Turns a range into its list of items (used where a list is expected).
  /// With `vm`, the list a range becomes is charged to the memory budget before it is made.
  static func materialize(_ v: Value, vm: VM? = nil) throws -> ContiguousArray<Value> {
    switch v {
    case .list(let l): return l.items
    case .range(let r):
      if let numbers = try wholeNumbers(of: r) {
        try vm?.charge(VM.bytes(ofValues: numbers.count))
        return ContiguousArray(numbers)
      }
      switch (r.lower, r.upper) {
      case (.date(let lo), .date(let hi)):
        guard hi >= lo else { return [] }
        try vm?.charge(VM.bytes(ofValues: Int(hi) - Int(lo) + 1))
        return ContiguousArray((lo...hi).map { Value.date($0) })
      default: return []
      }
    case .groups(let g): return Stages.groupRows(g)
    case .host(let h):
      if let items = try h.items() { return items }
      throw RuntimeError("expected a list, got \(v.typeName)")
    default: throw RuntimeError("expected a list, got \(v.kindAndValue)")
    }
  }

  /// The numbers of a range of whole numbers (nil for a range of dates), worked out as they
  /// are reached; an error when there are too many to make into a list.
  static func wholeNumbers(of r: RangeObject) throws -> WholeNumbers? {
    if let n = r.steppedCount, case .int(let lo) = r.lower {
      guard n < 100_000_000 else {
        throw RuntimeError("\(r.label ?? "the range") is too long to make into a list")
      }
      return WholeNumbers(first: lo, step: r.step, count: n)
    }
    guard case .int(let lo) = r.lower, case .int(let hi) = r.upper else { return nil }
    guard hi >= lo else { return WholeNumbers(first: lo, step: 1, count: 0) }
    let (span, o) = hi.subtractingReportingOverflow(lo)
    guard !o, span < 100_000_000 else {
      throw RuntimeError("the range \(lo)..\(hi) is too long to make into a list")
    }
    return WholeNumbers(first: lo, step: 1, count: span + 1)
  }

  /// About what a list of `pieces` short texts holding `text` bytes in all takes: a value and a
  /// text object each (saturating instead of overflowing).
  static func bytes(ofPieces pieces: Int, text: Int) -> Int {
    let (b, o) = pieces.multipliedReportingOverflow(by: 64)
    return o ? Int.max / 2 : b.addingReportingOverflow(text).overflow ? Int.max / 2 : b + text
  }

  /// Adds numbers (or durations); nil items are skipped.
  static func sum(_ values: some Sequence<Value>, what: String) throws -> Value {
    var total: Value = .int(0)
    var first = true
    for v in values where !v.isNull {
      switch v {
      case .int, .float, .duration:
        if first, case .duration = v {
          total = v
        } else {
          total = try Operations.add(total, v)
        }
        first = false
      default:
        throw RuntimeError("\(what) needs numbers, got \(v.kindAndValue)")
      }
    }
    return total
  }
}

/// The whole numbers of a range, `first`, `first + step`... (`count` of them), as values, each
/// worked out when it is read: stages go through a range without a list of its numbers.
struct WholeNumbers: RandomAccessCollection {
  let first: Int
  let step: Int
  let count: Int

  var startIndex: Int { 0 }
  var endIndex: Int { count }
  // Wrapping: every number is between the range's ends, so the wrapped result is the number.
  subscript(i: Int) -> Value { .int(first &+ i &* step) }
}

/// A stage's input: a list's items, or the numbers of a range (never made into a list).
struct StageItems: RandomAccessCollection {
  let values: ContiguousArray<Value>
  let numbers: WholeNumbers?

  init(_ values: ContiguousArray<Value>) {
    self.values = values
    numbers = nil
  }

  init(_ numbers: WholeNumbers) {
    values = []
    self.numbers = numbers
  }

  var startIndex: Int { 0 }
  var endIndex: Int { numbers?.count ?? values.count }
  subscript(i: Int) -> Value { numbers?[i] ?? values[i] }
}
