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
      if let n = r.steppedCount, case .int(let lo) = r.lower {
        guard n < 100_000_000 else {
          throw RuntimeError("\(r.label ?? "the range") is too long to make into a list")
        }
        try vm?.charge(VM.bytes(ofValues: n))
        return ContiguousArray((0..<n).map { Value.int(lo + $0 * r.step) })
      }
      switch (r.lower, r.upper) {
      case (.int(let lo), .int(let hi)):
        guard hi >= lo else { return [] }
        let (span, o) = hi.subtractingReportingOverflow(lo)
        guard !o, span < 100_000_000 else {
          throw RuntimeError("the range \(lo)..\(hi) is too long to make into a list")
        }
        try vm?.charge(VM.bytes(ofValues: span + 1))
        return ContiguousArray((lo...hi).map { Value.int($0) })
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
