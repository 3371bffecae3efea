/// The values a host allows in one field of its items, and what one of them is called in a
/// message ("mother status"). The host names its own words; the language only compares.
public struct AllowedValues {
  public var values: [String]
  public var noun: String
  /// Whether the field can hold nothing else (a status the store checks on every write). An
  /// open list (a form's choices, the usual support elements) only suggests: the records may
  /// hold other values, so only a text close to one of the list is taken for a typo.
  public var closed: Bool

  public init(values: [String], noun: String, closed: Bool = true) {
    self.values = values
    self.noun = noun
    self.closed = closed
  }

  /// Why `value` cannot be in the field, with a hint, or nil when it can (or is not text: a
  /// number compared with a status is another kind of mistake, left to the comparison).
  public func problem(with value: Value) -> (message: String, hint: String)? {
    guard case .string(let s) = value, !values.contains(s.value) else { return nil }
    let nearest = closestMatch(to: s.value, in: values)
    if !closed && nearest == nil { return nil }
    let hint = nearest.map { "did you mean \"\($0)\"?" } ?? "it is one of: " + values.joined(separator: ", ")
    return ("\"\(s.value)\" is not a \(noun)", hint)
  }

  /// The (path, constant index) pairs a `where` condition compares for equality or
  /// membership: the places where a constant must be one of the allowed values.
  static func comparisons(in condition: ItemCondition) -> [(path: [String], constant: Int)] {
    switch condition {
    case .and(let a, let b), .or(let a, let b): return comparisons(in: a) + comparisons(in: b)
    case .not(let a): return comparisons(in: a)
    case .compare(let op, .path(let p), let k) where op == .equal || op == .notEqual: return [(p, k)]
    case .isIn(let p, let k), .has(let p, let k): return [(p, k)]
    case .compare, .offset, .truthy: return []
    }
  }

  /// The run-time check of a `where` on a host, before it filters: each text compared with a
  /// field whose values the host knows must be one of them.
  static func check(_ condition: ItemCondition, _ constants: ContiguousArray<Value>, on host: HostObject)
    throws
  {
    for (path, k) in comparisons(in: condition) where k < constants.count {
      guard let allowed = host.allowedValues(of: path) else { continue }
      var candidates = [constants[k]]
      if case .list(let l) = constants[k] { candidates = Array(l.items) }
      for c in candidates {
        if let (message, hint) = allowed.problem(with: c) { throw RuntimeError(message, hint: hint) }
      }
    }
  }
}
