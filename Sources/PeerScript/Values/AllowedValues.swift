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

  /// The (path, constant index) pairs a `where` shape (QueryShape.swift) compares for equality
  /// or membership: the places where a constant must be one of the allowed values.
  static func comparisons(in shape: Value) -> [(path: [String], constant: Int)] {
    guard case .list(let l) = shape, case .string(let op)? = l.items.first else { return [] }
    let parts = l.items
    func path(_ v: Value) -> [String]? {
      guard case .list(let p) = v else { return nil }
      let names = p.items.compactMap { item -> String? in
        if case .string(let s) = item { return s.value }
        return nil
      }
      return names.count == p.items.count && names.first?.hasPrefix("#") == false ? names : nil
    }
    switch op.value {
    case "and", "or": return parts.dropFirst().flatMap { comparisons(in: $0) }
    case "not": return parts.count > 1 ? comparisons(in: parts[1]) : []
    case "compare":
      guard parts.count == 4, case .string(let o) = parts[1], o.value == "==" || o.value == "!=",
        let p = path(parts[2]), case .int(let k) = parts[3]
      else { return [] }
      return [(p, k)]
    case "in", "has":
      guard parts.count == 3, let p = path(parts[1]), case .int(let k) = parts[2] else { return [] }
      return [(p, k)]
    default: return []
    }
  }

  /// The run-time check of a `where` on a host, before it filters: each text compared with a
  /// field whose values the host knows must be one of them.
  static func check(_ shape: Value, _ constants: ContiguousArray<Value>, on host: HostObject) throws {
    for (path, k) in comparisons(in: shape) where k < constants.count {
      guard let allowed = host.allowedValues(of: path) else { continue }
      var candidates = [constants[k]]
      if case .list(let l) = constants[k] { candidates = Array(l.items) }
      for c in candidates {
        if let (message, hint) = allowed.problem(with: c) { throw RuntimeError(message, hint: hint) }
      }
    }
  }
}
