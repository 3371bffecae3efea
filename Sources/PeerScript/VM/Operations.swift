import PeerCalendar

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The general (slow-path) semantics of every operator. The VM tries its integer fast paths
/// first and lands here for everything else, including every error message.
enum Operations {
  static func mismatch(_ verb: String, _ a: Value, _ op: String, _ b: Value, hint: String? = nil)
    -> RuntimeError
  {
    RuntimeError(
      "cannot \(verb) \(a.typeName) and \(b.typeName): \(a.shortDescription) \(op) \(b.shortDescription)",
      hint: hint)
  }

  static func overflow(_ a: Value, _ op: String, _ b: Value) -> RuntimeError {
    RuntimeError(
      "the result of \(a.shortDescription) \(op) \(b.shortDescription) is too large for a whole number")
  }

  static func durationOverflow(_ a: Value, _ op: String, _ b: Value) -> RuntimeError {
    RuntimeError(
      "the result of \(a.shortDescription) \(op) \(b.shortDescription) is too long for a duration",
      hint: "a duration holds up to 2147483647 days or months")
  }

  static func dateRange(_ a: Value, _ op: String, _ b: Value) -> RuntimeError {
    RuntimeError(
      "the result of \(a.shortDescription) \(op) \(b.shortDescription) is not a date: dates run from the year 1 to 9999"
    )
  }

  /// `a == b` for the script's `==` and `!=`: values nested too deep to compare (a list that
  /// holds itself) are an error, not a crash.
  static func equal(_ a: Value, _ b: Value) throws -> Bool {
    guard let e = Value.equal(a, b, depth: 0) else {
      throw RuntimeError(
        "cannot compare \(a.typeName) and \(b.typeName): they are nested more than \(maxCompareDepth) deep (a list that holds itself?)"
      )
    }
    return e
  }

  static func add(_ a: Value, _ b: Value, vm: VM? = nil) throws -> Value {
    switch (a, b) {
    case (.int(let x), .int(let y)):
      let (r, o) = x.addingReportingOverflow(y)
      if o { throw overflow(a, "+", b) }
      return .int(r)
    case (.float(let x), .float(let y)): return .float(x + y)
    case (.int(let x), .float(let y)): return .float(Double(x) + y)
    case (.float(let x), .int(let y)): return .float(x + Double(y))
    case (.string(let x), .string(let y)):
      try vm?.charge(x.value.utf8.count + y.value.utf8.count)
      return .string(StringObject(x.value + y.value))
    case (.list(let x), .list(let y)):
      try vm?.charge(VM.bytes(ofValues: x.items.count + y.items.count))
      return .list(ListObject(x.items + y.items))
    case (.date(let d), .duration(let u)), (.duration(let u), .date(let d)):
      guard let r = addDuration(d, u) else { throw dateRange(a, "+", b) }
      return .date(r)
    case (.duration(let x), .duration(let y)):
      let (m, o1) = x.months.addingReportingOverflow(y.months)
      let (d, o2) = x.days.addingReportingOverflow(y.days)
      if o1 || o2 { throw durationOverflow(a, "+", b) }
      return .duration(Duration(months: m, days: d))
    case (.string, _), (_, .string):
      throw mismatch(
        "add", a, "+", b, hint: "to join text and other values, use interpolation: \"{x}{y}\" or str(x)")
    default: throw mismatch("add", a, "+", b)
    }
  }

  static func subtract(_ a: Value, _ b: Value) throws -> Value {
    switch (a, b) {
    case (.int(let x), .int(let y)):
      let (r, o) = x.subtractingReportingOverflow(y)
      if o { throw overflow(a, "-", b) }
      return .int(r)
    case (.float(let x), .float(let y)): return .float(x - y)
    case (.int(let x), .float(let y)): return .float(Double(x) - y)
    case (.float(let x), .int(let y)): return .float(x - Double(y))
    case (.date(let x), .date(let y)): return .duration(Duration(days: x - y))
    case (.date(let d), .duration(let u)):
      guard let r = addDuration(d, u, sign: -1) else { throw dateRange(a, "-", b) }
      return .date(r)
    case (.duration(let x), .duration(let y)):
      let (m, o1) = x.months.subtractingReportingOverflow(y.months)
      let (d, o2) = x.days.subtractingReportingOverflow(y.days)
      if o1 || o2 { throw durationOverflow(a, "-", b) }
      return .duration(Duration(months: m, days: d))
    default: throw mismatch("subtract", a, "-", b)
    }
  }

  static func multiply(_ a: Value, _ b: Value, vm: VM) throws -> Value {
    if let product = try multiplyNumbers(a, b) { return product }
    switch (a, b) {
    case (.list(let l), .int(let n)), (.int(let n), .list(let l)):
      guard n >= 0 else { throw RuntimeError("cannot repeat a list a negative number of times (\(n))") }
      let (total, o) = l.items.count.multipliedReportingOverflow(by: n)
      if o { throw overflow(a, "*", b) }
      try vm.charge(VM.bytes(ofValues: total))
      var items = ContiguousArray<Value>()
      items.reserveCapacity(total)
      for _ in 0..<n { items.append(contentsOf: l.items) }
      return .list(ListObject(items))
    case (.string(let s), .int(let n)), (.int(let n), .string(let s)):
      guard n >= 0 else { throw RuntimeError("cannot repeat text a negative number of times (\(n))") }
      let (total, o) = s.value.utf8.count.multipliedReportingOverflow(by: n)
      if o { throw overflow(a, "*", b) }
      try vm.charge(total)
      return .string(StringObject(String(repeating: s.value, count: n)))
    default: throw mismatch("multiply", a, "*", b)
    }
  }

  /// `a * b` for numbers and durations; nil for anything else (repeating texts and lists).
  static func multiplyNumbers(_ a: Value, _ b: Value) throws -> Value? {
    switch (a, b) {
    case (.int(let x), .int(let y)):
      let (r, o) = x.multipliedReportingOverflow(by: y)
      if o { throw overflow(a, "*", b) }
      return .int(r)
    case (.float(let x), .float(let y)): return .float(x * y)
    case (.int(let x), .float(let y)): return .float(Double(x) * y)
    case (.float(let x), .int(let y)): return .float(x * Double(y))
    case (.duration(let d), .int(let n)), (.int(let n), .duration(let d)):
      guard let n32 = Int32(exactly: n) else { throw durationOverflow(a, "*", b) }
      let (m, o1) = d.months.multipliedReportingOverflow(by: n32)
      let (dd, o2) = d.days.multipliedReportingOverflow(by: n32)
      if o1 || o2 { throw durationOverflow(a, "*", b) }
      return .duration(Duration(months: m, days: dd))
    default: return nil
    }
  }

  static func divide(_ a: Value, _ b: Value) throws -> Value {
    guard let x = a.asDouble, let y = b.asDouble else {
      if case .duration(let d) = a, case .int(let n) = b, d.months == 0, n != 0 {
        guard let q = Int32(exactly: Int(d.days) / n) else { throw durationOverflow(a, "/", b) }
        return .duration(Duration(days: q))
      }
      throw mismatch("divide", a, "/", b)
    }
    if y == 0 { throw RuntimeError("division by zero: \(a.shortDescription) / \(b.shortDescription)") }
    return .float(x / y)
  }

  static func floorDivide(_ a: Value, _ b: Value) throws -> Value {
    switch (a, b) {
    case (.int(let x), .int(let y)):
      if y == 0 { throw RuntimeError("division by zero: \(x) // 0") }
      if x == Int.min && y == -1 { throw overflow(a, "//", b) }
      let q = x / y
      return .int((x % y != 0 && ((x < 0) != (y < 0))) ? q - 1 : q)
    default:
      guard let x = a.asDouble, let y = b.asDouble else { throw mismatch("divide", a, "//", b) }
      if y == 0 { throw RuntimeError("division by zero: \(a.shortDescription) // \(b.shortDescription)") }
      return .float((x / y).rounded(.down))
    }
  }

  static func modulo(_ a: Value, _ b: Value) throws -> Value {
    switch (a, b) {
    case (.int(let x), .int(let y)):
      if y == 0 { throw RuntimeError("division by zero: \(x) % 0") }
      if y == -1 { return .int(0) }
      let r = x % y
      return .int(r != 0 && ((r < 0) != (y < 0)) ? r + y : r)
    default:
      guard let x = a.asDouble, let y = b.asDouble else { throw mismatch("take the remainder of", a, "%", b) }
      if y == 0 { throw RuntimeError("division by zero: \(a.shortDescription) % \(b.shortDescription)") }
      let r = fmod(x, y)
      return .float(r != 0 && ((r < 0) != (y < 0)) ? r + y : r)
    }
  }

  static func negate(_ a: Value) throws -> Value {
    switch a {
    case .int(let x):
      if x == Int.min { throw RuntimeError("the result of -(\(x)) is too large for a whole number") }
      return .int(-x)
    case .float(let x): return .float(-x)
    case .duration(let d):
      guard d.months != .min, d.days != .min else {
        throw RuntimeError("the result of -(\(a.shortDescription)) is too long for a duration")
      }
      return .duration(Duration(months: -d.months, days: -d.days))
    default: throw RuntimeError("cannot negate \(a.kindAndValue)")
    }
  }

  /// Whether `left op right` holds, for `<`, `<=`, `>` and `>=`, with the operands in the order
  /// the script wrote them: an error names the operator and the operands as written
  /// (`n >= 5` with n nil is "nil >= 5", never "5 <= nil"). nil is not ordered against values
  /// (a missing date must not silently count as "before").
  static func compare(_ left: Value, _ op: String, _ right: Value) throws -> Bool {
    switch (left, right) {
    case (.null, _), (_, .null):
      throw RuntimeError(
        "cannot compare \(left.typeName) and \(right.typeName): \(left.shortDescription) \(op) \(right.shortDescription)",
        hint: "a value is missing (nil); check for it first: x != nil and x \(op) ...")
    default: break
    }
    guard let c = Value.compare(left, right) else {
      throw RuntimeError(
        "cannot compare \(left.typeName) and \(right.typeName): \(left.shortDescription) \(op) \(right.shortDescription)"
      )
    }
    switch op {
    case "<": return c == .less
    case "<=": return c != .greater
    case ">": return c == .greater
    default: return c != .less
    }
  }

  /// `needle in haystack`.
  static func contains(_ haystack: Value, _ needle: Value) throws -> Bool {
    switch haystack {
    case .list(let l): return l.items.contains(needle)
    case .map(let m): return m.entries[needle] != nil
    case .string(let s):
      guard case .string(let t) = needle else {
        throw RuntimeError(
          "cannot look for \(needle.typeName) in text: \(needle.shortDescription) in \(haystack.shortDescription)"
        )
      }
      return t.value.isEmpty || s.value.contains(t.value)
    case .range(let r):
      if case .null = needle { return false }
      if r.step != 1 {
        guard case .int(let n) = needle else { return false }
        return r.steppedContains(n)
      }
      guard let lo = Value.compare(r.lower, needle), let hi = Value.compare(needle, r.upper) else {
        throw RuntimeError(
          "cannot look for \(needle.typeName) in a \(haystack.typeName) of \(r.lower.typeName)s")
      }
      return lo != .greater && hi != .greater
    case .groups(let g): return g.keys.contains(needle)
    case .host(let h):
      if let items = try h.items() { return items.contains(needle) }
      throw RuntimeError("cannot look inside \(haystack.typeName) with \"in\"")
    case .record(let r):
      guard case .string(let s) = needle else { return false }
      return r.type.slot(of: s.value) != nil
    default:
      throw RuntimeError("cannot look inside \(haystack.kindAndValue) with \"in\"")
    }
  }

  static func makeRange(_ a: Value, _ b: Value, exclusive: Bool) throws -> Value {
    switch (a, b) {
    case (.int, .int(let y)):
      if exclusive && y == Int.min {
        throw RuntimeError("the range \(a.shortDescription)..<\(y) ends below the smallest whole number")
      }
      return .range(RangeObject(lower: a, upper: exclusive ? .int(y - 1) : b))
    case (.date, .date(let y)):
      return .range(RangeObject(lower: a, upper: exclusive ? .date(y - 1) : b))
    default:
      throw RuntimeError(
        "a range needs two whole numbers or two dates, got \(a.shortDescription)..\(b.shortDescription)")
    }
  }

  static func makeDuration(_ a: Value, unit: Int) throws -> Value {
    guard case .int(let n) = a else {
      throw RuntimeError("a duration needs a whole number, got \(a.kindAndValue)")
    }
    let (count, o) = n.multipliedReportingOverflow(by: unit == 1 ? 7 : unit == 3 ? 12 : 1)
    guard !o, let n32 = Int32(exactly: count) else {
      let what = ["days", "weeks", "months", "years"][min(unit, 3)]
      throw RuntimeError(
        "\(n) \(what) is too long for a duration", hint: "a duration holds up to 2147483647 days or months")
    }
    return .duration(unit < 2 ? Duration(days: n32) : Duration(months: n32))
  }

  // MARK: - Iteration

  /// Prepares a value for `for`: lists, maps and ranges are walked in place; text by
  /// character, groups as maps.
  static func iterable(_ v: Value, variables: Int) throws -> Value {
    switch v {
    case .list, .map: return v
    case .range(let r):
      if case .int = r.lower { return v }
      if case .date = r.lower { return v }
      throw RuntimeError("cannot loop over \(v.shortDescription)")
    case .string(let s):
      if s.isOneScalarPerCharacter { return .list(ListObject(Library.characters(s.value, s.shape))) }
      return .list(ListObject(ContiguousArray(s.value.map { Value.text(String($0)) })))
    case .groups(let g): return .list(ListObject(Stages.groupRows(g)))
    case .host(let h):
      if let items = try h.items() { return .list(ListObject(items)) }
      throw RuntimeError("cannot loop over \(v.typeName)")
    case .null:
      throw RuntimeError("cannot loop over nil", hint: "the list is missing; check where it comes from")
    default:
      throw RuntimeError("cannot loop over \(v.kindAndValue)")
    }
  }

  /// One step of a `for`: `slot[0]` the sequence, `slot[1]` the position, the variables after.
  static func iterate(_ slot: UnsafeMutablePointer<Value>, variables: Int) throws -> Bool {
    switch slot[0] {
    case .list(let l):
      guard case .int(let i) = slot[1], i < l.items.count else { return false }
      if variables == 1 {
        slot[2] = l.items[i]
      } else {
        Peek.store(slot + 2, .int(i), Peek.trivialTags)
        slot[3] = l.items[i]
      }
      Peek.store(slot + 1, .int(i + 1), Peek.trivialTags)
      return true
    case .map(let m):
      guard case .int(let i) = slot[1], i < m.entries.count else { return false }
      slot[2] = m.entries.keys[i]
      if variables == 2 { slot[3] = m.entries.values[i] }
      slot[1] = .int(i + 1)
      return true
    case .range(let r):
      switch (slot[1], r.upper) {
      case (.int(let i), .int(let hi)) where r.step != 1:
        // Counting by a step (down, when negative); the last number is `upper` itself.
        guard r.step > 0 ? i <= hi : i >= hi else { return false }
        slot[2] = .int(i)
        slot[1] = i != hi ? .int(i + r.step) : .null
        return true
      case (.int(let i), .int(let hi)):
        guard i <= hi else { return false }
        slot[2] = .int(i)
        slot[1] = i < hi ? .int(i + 1) : .null  // the range may end at the largest whole number
        return true
      case (.date(let d), .date(let hi)):
        guard d <= hi else { return false }
        slot[2] = .date(d)
        slot[1] = .date(d + 1)
        return true
      default: return false
      }
    default: return false
    }
  }

  // MARK: - Fields and indexes

  static func fieldName(_ key: Value) -> String {
    if case .string(let s) = key { return s.value }
    return key.description
  }

  static func field(of object: Value, _ key: Value) throws -> Value {
    switch object {
    case .record(let r):
      let name = fieldName(key)
      if let host = r.type.host, let v = try host.field(of: r, name) { return v }
      if let i = r.type.slot(of: name) { return r.values[i] }
      let known = r.type.fields + (r.type.host?.extraFieldNames(of: r) ?? [])
      throw RuntimeError(
        "\(r.type.name) has no field \"\(name)\"",
        hint: closestMatch(to: name, in: known).map { "did you mean \"\($0)\"?" }
          ?? "its fields are \(known.joined(separator: ", "))")
    case .host(let h):
      let name = fieldName(key)
      if let v = try h.field(name) { return v }
      throw RuntimeError(
        "\(h.typeName) has no field \"\(name)\"",
        hint: closestMatch(to: name, in: h.fieldNames).map { "did you mean \"\($0)\"?" })
    case .map(let m):
      return m.entries[key] ?? .null
    case .date(let d):
      let c = CivilDate(days: d)
      switch fieldName(key) {
      case "year": return .int(c.year)
      case "month": return .int(c.month)
      case "day": return .int(c.day)
      case "weekday": return .int(c.weekday)
      default: break
      }
    case .duration(let d):
      switch fieldName(key) {
      case "days": return .int(Int(d.days) + Int((Double(d.months) * 30.436875).rounded(.towardZero)))
      case "weeks": return .int((Int(d.days) + Int(Double(d.months) * 30.436875)) / 7)
      case "months": return .int(Int(d.months) + Int(d.days) / 30)
      case "years": return .int(Int(d.months) / 12)
      default: break
      }
    case .range(let r):
      switch fieldName(key) {
      case "start": return r.lower
      case "end": return r.upper
      case "label": return r.label.map { .text($0) } ?? .text(Value.range(r).description)
      default: break
      }
    case .null:
      throw RuntimeError(
        "cannot read the field \"\(fieldName(key))\" of nil",
        hint: "the value is missing; check for nil first")
    default: break
    }
    throw RuntimeError(
      "\(object.typeName) has no field \"\(fieldName(key))\"", hint: fieldHint(object))
  }

  static func fieldHint(_ v: Value) -> String? {
    switch v {
    case .date: return "a date has the fields year, month, day and weekday"
    case .duration: return "a duration has the fields days, weeks, months and years"
    case .range: return "a range has the fields start, end and label"
    case .list, .string: return "for the number of items, use len(x)"
    default: return nil
    }
  }

  static func setField(of object: Value, _ key: Value, to value: Value) throws {
    switch object {
    case .record(let r):
      let name = fieldName(key)
      guard let i = r.type.slot(of: name) else {
        // A host may keep fields of its own (a project's own fields of a stored record).
        if let host = r.type.host {
          try host.willSet(r, name, to: value)
          return
        }
        throw RuntimeError(
          "\(r.type.name) has no field \"\(name)\"",
          hint: closestMatch(to: name, in: r.type.fields).map { "did you mean \"\($0)\"?" })
      }
      try r.type.host?.willSet(r, name, to: value)
      r.values[i] = value
    case .map(let m):
      m.entries[key] = value
    default:
      throw RuntimeError(
        "cannot set the field \"\(fieldName(key))\" of \(object.kindAndValue)")
    }
  }

  static func listIndex(_ i: Value, count: Int, what: String) throws -> Int {
    guard case .int(var n) = i else {
      throw RuntimeError("a \(what) index must be a whole number, got \(i.kindAndValue)")
    }
    if n < 0 { n += count }
    guard n >= 0, n < count else {
      throw RuntimeError(
        "index \(i) is out of range for a \(what) of \(count) item\(count == 1 ? "" : "s")",
        hint: count == 0 ? "the \(what) is empty" : "indexes run from 0 to \(count - 1) (or -1 for the last)")
    }
    return n
  }

  static func index(_ object: Value, _ i: Value) throws -> Value {
    switch object {
    case .list(let l):
      if case .int(let n) = i, n >= 0, n < l.items.count { return l.items[n] }
      return l.items[try listIndex(i, count: l.items.count, what: "list")]
    case .map(let m): return m.entries[i] ?? .null
    case .string(let s):
      if s.isOneScalarPerCharacter {
        // One byte or one scalar, one character.
        let at = try listIndex(i, count: s.characterCount, what: "text")
        return TextBytes.withBytes(s.value) { b in
          let range = s.shape == .oneByte ? at..<(at + 1) : TextBytes.scalarRange(b, from: at, count: 1)!
          return Library.piece(b, range, s.shape)
        }
      }
      let chars = Array(s.value)
      return .text(String(chars[try listIndex(i, count: chars.count, what: "text")]))
    case .record: return try field(of: object, i)
    case .null:
      throw RuntimeError(
        "cannot index nil with \(i.shortDescription)", hint: "the value is missing; check for nil first")
    default:
      throw RuntimeError("cannot index \(object.kindAndValue)")
    }
  }

  static func setIndex(_ object: Value, _ i: Value, to value: Value) throws {
    switch object {
    case .list(let l):
      if case .int(let n) = i, n >= 0, n < l.items.count {
        l.items[n] = value
        return
      }
      l.items[try listIndex(i, count: l.items.count, what: "list")] = value
    case .map(let m): m.entries[i] = value
    case .record: try setField(of: object, i, to: value)
    default:
      throw RuntimeError("cannot change an element of \(object.kindAndValue)")
    }
  }
}
