// Equality, hashing and ordering of values.
//
// Numbers compare by value across int and float (1 == 1.0), so they must hash alike: a float
// with an integral value hashes as that integer. Heap values compare by content except
// functions, which compare by identity.

/// How deep `==`, ordering and hashing go into lists, maps and records inside each other: a
/// list that holds itself, or one nested thousands deep, would otherwise recurse until the
/// native stack overflows.
let maxCompareDepth = 1_000

extension Value: Equatable {
  public static func == (lhs: Value, rhs: Value) -> Bool { equal(lhs, rhs, depth: 0) ?? false }

  /// Whether two values are equal; nil when they are nested more than `maxCompareDepth` deep.
  static func equal(_ lhs: Value, _ rhs: Value, depth: Int) -> Bool? {
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
    case (.list(let a), .list(let b)):
      if a === b { return true }
      return equalItems(a.items, b.items, depth: depth)
    case (.map(let a), .map(let b)):
      if a === b { return true }
      guard a.entries.count == b.entries.count else { return false }
      guard depth < maxCompareDepth else { return nil }
      for i in 0..<a.entries.count {
        guard let k = equal(a.entries.keys[i], b.entries.keys[i], depth: depth + 1) else { return nil }
        if !k { return false }
        guard let v = equal(a.entries.values[i], b.entries.values[i], depth: depth + 1) else { return nil }
        if !v { return false }
      }
      return true
    case (.record(let a), .record(let b)):
      if a === b { return true }
      guard a.type === b.type else { return false }
      return equalItems(a.values, b.values, depth: depth)
    case (.closure(let a), .closure(let b)): return a === b
    case (.native(let a), .native(let b)): return a === b
    case (.range(let a), .range(let b)): return a.lower == b.lower && a.upper == b.upper && a.step == b.step
    case (.groups(let a), .groups(let b)): return a === b
    case (.host(let a), .host(let b)): return a === b
    case (.cell(let a), _): return equal(a.value, rhs, depth: depth)
    case (_, .cell(let b)): return equal(lhs, b.value, depth: depth)
    default: return false
    }
  }

  static func equalItems<C: RandomAccessCollection>(_ a: C, _ b: C, depth: Int) -> Bool?
  where C.Element == Value, C.Index == Int {
    guard a.count == b.count else { return false }
    guard depth < maxCompareDepth else { return nil }
    for (p, q) in zip(a, b) {
      guard let e = equal(p, q, depth: depth + 1) else { return nil }
      if !e { return false }
    }
    return true
  }
}

extension Value: Hashable {
  public func hash(into hasher: inout Hasher) { hash(into: &hasher, depth: 0) }

  /// Values nested deeper than a few levels hash by their size only (equal values still hash
  /// alike, and a list that holds itself hashes without end otherwise).
  func hash(into hasher: inout Hasher, depth: Int) {
    switch self {
    case .null: hasher.combine(0)
    case .bool(let b): hasher.combine(b)
    case .int(let i): hasher.combine(i)
    case .float(let d):
      if let i = Int(exactly: d) { hasher.combine(i) } else { hasher.combine(d) }
    case .date(let d): hasher.combine(d)
    case .duration(let d): hasher.combine(d)
    case .string(let s): hasher.combine(s.hashValue)
    case .list(let l):
      hasher.combine(l.items.count)
      if depth < 8 { for v in l.items { v.hash(into: &hasher, depth: depth + 1) } }
    case .map(let m): hasher.combine(m.entries.count)
    case .record(let r):
      hasher.combine(ObjectIdentifier(r.type))
      if depth < 8 { for v in r.values { v.hash(into: &hasher, depth: depth + 1) } }
    case .closure(let c): hasher.combine(ObjectIdentifier(c))
    case .native(let n): hasher.combine(ObjectIdentifier(n))
    case .range(let r):
      r.lower.hash(into: &hasher)
      r.upper.hash(into: &hasher)
      r.step.hash(into: &hasher)
    case .groups(let g): hasher.combine(ObjectIdentifier(g))
    case .host(let h): hasher.combine(ObjectIdentifier(h))
    case .cell(let c): c.value.hash(into: &hasher, depth: depth)
    }
  }
}

extension Value {
  /// Orders two values of the same kind; nil when they cannot be ordered ("cannot compare text
  /// and number"). nil sorts before everything so that missing fields sort first.
  public static func compare(_ a: Value, _ b: Value) -> ComparisonResult? { compare(a, b, depth: 0) }

  static func compare(_ a: Value, _ b: Value, depth: Int) -> ComparisonResult? {
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
      if x === y { return .same }
      guard depth < maxCompareDepth else { return nil }
      for (p, q) in zip(x.items, y.items) {
        guard let c = compare(p, q, depth: depth + 1) else { return nil }
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
