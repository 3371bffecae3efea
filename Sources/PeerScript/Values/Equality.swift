// Equality, hashing and ordering of values.
//
// Numbers compare by value across int and float (1 == 1.0), so they must hash alike: a float
// with an integral value hashes as that integer. Heap values compare by content except
// functions, which compare by identity.

extension Value: Equatable {
  public static func == (lhs: Value, rhs: Value) -> Bool {
    switch (lhs, rhs) {
    case (.null, .null): return true
    case (.bool(let a), .bool(let b)): return a == b
    case (.int(let a), .int(let b)): return a == b
    case (.float(let a), .float(let b)): return a == b
    case (.int(let a), .float(let b)): return Double(a) == b
    case (.float(let a), .int(let b)): return a == Double(b)
    case (.date(let a), .date(let b)): return a == b
    case (.duration(let a), .duration(let b)): return a == b
    case (.string(let a), .string(let b)): return a === b || a.value == b.value
    case (.list(let a), .list(let b)): return a === b || a.items == b.items
    case (.map(let a), .map(let b)): return a === b || a.entries == b.entries
    case (.record(let a), .record(let b)):
      return a === b || (a.type === b.type && a.values == b.values)
    case (.closure(let a), .closure(let b)): return a === b
    case (.native(let a), .native(let b)): return a === b
    case (.range(let a), .range(let b)): return a.lower == b.lower && a.upper == b.upper
    case (.groups(let a), .groups(let b)): return a === b
    case (.host(let a), .host(let b)): return a === b
    case (.cell(let a), _): return a.value == rhs
    case (_, .cell(let b)): return lhs == b.value
    default: return false
    }
  }
}

extension Value: Hashable {
  public func hash(into hasher: inout Hasher) {
    switch self {
    case .null: hasher.combine(0)
    case .bool(let b): hasher.combine(b)
    case .int(let i): hasher.combine(i)
    case .float(let d):
      if let i = Int(exactly: d) { hasher.combine(i) } else { hasher.combine(d) }
    case .date(let d): hasher.combine(d)
    case .duration(let d): hasher.combine(d)
    case .string(let s): hasher.combine(s.hashValue)
    case .list(let l): hasher.combine(l.items.count); for v in l.items { v.hash(into: &hasher) }
    case .map(let m): hasher.combine(m.entries.count)
    case .record(let r): hasher.combine(ObjectIdentifier(r.type)); for v in r.values { v.hash(into: &hasher) }
    case .closure(let c): hasher.combine(ObjectIdentifier(c))
    case .native(let n): hasher.combine(ObjectIdentifier(n))
    case .range(let r): r.lower.hash(into: &hasher); r.upper.hash(into: &hasher)
    case .groups(let g): hasher.combine(ObjectIdentifier(g))
    case .host(let h): hasher.combine(ObjectIdentifier(h))
    case .cell(let c): c.value.hash(into: &hasher)
    }
  }
}

extension Value {
  /// Orders two values of the same kind; nil when they cannot be ordered ("cannot compare text
  /// and number"). nil sorts before everything so that missing fields sort first.
  public static func compare(_ a: Value, _ b: Value) -> ComparisonResult? {
    switch (a, b) {
    case (.int(let x), .int(let y)): return x < y ? .less : (x == y ? .same : .greater)
    case (.float(let x), .float(let y)): return x < y ? .less : (x == y ? .same : .greater)
    case (.int(let x), .float(let y)):
      let dx = Double(x)
      return dx < y ? .less : (dx == y ? .same : .greater)
    case (.float(let x), .int(let y)):
      let dy = Double(y)
      return x < dy ? .less : (x == dy ? .same : .greater)
    case (.string(let x), .string(let y)):
      return x.value < y.value ? .less : (x.value == y.value ? .same : .greater)
    case (.date(let x), .date(let y)): return x < y ? .less : (x == y ? .same : .greater)
    case (.duration(let x), .duration(let y)):
      let dx = x.approximateDays
      let dy = y.approximateDays
      return dx < dy ? .less : (dx == dy ? .same : .greater)
    case (.bool(let x), .bool(let y)): return x == y ? .same : (!x ? .less : .greater)
    case (.null, .null): return .same
    case (.null, _): return .less
    case (_, .null): return .greater
    case (.list(let x), .list(let y)):
      for (p, q) in zip(x.items, y.items) {
        guard let c = compare(p, q) else { return nil }
        if c != .same { return c }
      }
      return x.items.count < y.items.count ? .less : (x.items.count == y.items.count ? .same : .greater)
    default: return nil
    }
  }
}

public enum ComparisonResult: Sendable {
  case less, same, greater
}
