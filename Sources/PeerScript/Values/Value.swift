import OrderedCollections

// The value representation of Peer script.
//
// Why this shape: scalars (nil, booleans, numbers, dates, durations) are stored inline so that
// arithmetic in the VM never allocates; everything with identity or variable size lives in a
// final class referenced from one enum case. One case per heap type lets the VM dispatch with a
// plain `switch` instead of dynamic casts. The enum is 9 bytes (16-byte stride).

public enum Value {
  case null
  case bool(Bool)
  case int(Int)
  case float(Double)
  /// Days since 1970-01-01 (proleptic Gregorian calendar).
  case date(Int32)
  case duration(Duration)
  case string(StringObject)
  case list(ListObject)
  case map(MapObject)
  case record(RecordObject)
  case closure(Closure)
  case native(NativeFunction)
  case range(RangeObject)
  case groups(GroupsObject)
  /// A value supplied by the host program (stored collections).
  case host(HostObject)
  /// A variable captured by a closure. Never seen by scripts: the compiler always unwraps it.
  case cell(Cell)
}

extension Value {
  @inline(__always) public static var yes: Value { .bool(true) }
  @inline(__always) public static var no: Value { .bool(false) }

  public static func text(_ s: String) -> Value { .string(StringObject(s)) }
  public static func list(_ items: [Value]) -> Value { .list(ListObject(ContiguousArray(items))) }

  /// Only `nil` and `false` are false, as in Lua and Ruby: 0 and "" are true, so a missing field
  /// never silently reads as a value.
  @inline(__always) public var isTruthy: Bool {
    switch self {
    case .null: return false
    case .bool(let b): return b
    default: return true
    }
  }

  public var isNull: Bool {
    if case .null = self { return true }
    return false
  }

  /// The name a coordinator sees in messages: "cannot add text and number".
  public var typeName: String {
    switch self {
    case .null: return "nil"
    case .bool: return "yes/no"
    case .int, .float: return "number"
    case .date: return "date"
    case .duration: return "duration"
    case .string: return "text"
    case .list: return "list"
    case .map: return "map"
    case .record(let r): return r.type.name
    case .closure, .native: return "function"
    case .range(let r): return r.isPeriod ? "period" : "range"
    case .groups: return "groups"
    case .host(let h): return h.typeName
    case .cell(let c): return c.value.typeName
    }
  }

  public var asDouble: Double? {
    switch self {
    case .int(let i): return Double(i)
    case .float(let d): return d
    default: return nil
    }
  }
}

/// A calendar span. Months and days are kept apart because "3 months" is not a fixed number of
/// days: `2027-01-31 + 1 month` is 2027-02-28, like PostgreSQL's interval.
public struct Duration: Hashable, Sendable {
  public var months: Int32
  public var days: Int32

  public init(months: Int32 = 0, days: Int32 = 0) {
    self.months = months
    self.days = days
  }

  /// Used only to order durations that mix months and days (30.436875 days a month on average).
  var approximateDays: Double { Double(months) * 30.436875 + Double(days) }
}

/// Text. A class so that copying a value never copies the characters; the hash is cached
/// because field names and map keys are hashed on every lookup.
public final class StringObject {
  public let value: String
  // Unchecked (hashed on every field read): an Int? read and assigned whole, never inout.
  @exclusivity(unchecked) private var cachedHash: Int?
  // Unchecked, as `cachedHash`: what `TextBytes.Shape` the text has, worked out the first time
  // a built-in asks (0 until then). It fits in the padding after `cachedHash`: no bigger object.
  @exclusivity(unchecked) private var shapeState: UInt8

  public init(_ value: String) {
    self.value = value
    shapeState = 0
  }

  /// Text whose shape is already known (a piece of ASCII text is ASCII).
  init(_ value: String, shape: TextBytes.Shape) {
    self.value = value
    shapeState = shape.rawValue
  }

  /// How the text's characters are made of bytes, for the built-ins' fast paths.
  var shape: TextBytes.Shape {
    if let known = TextBytes.Shape(rawValue: shapeState) { return known }
    let found = TextBytes.shape(of: value)
    shapeState = found.rawValue
    return found
  }

  /// Whether each byte is one character (ASCII without a carriage return: "\r\n" is one
  /// character).
  var isOneBytePerCharacter: Bool { shape == .oneByte }

  /// Whether each Unicode scalar is one character (and no two different ones are equal as
  /// characters): every scalar below U+0300 (ASCII, Latin-1, Latin Extended-A and -B: "Zoë",
  /// "Łukasz"), no carriage return.
  var isOneScalarPerCharacter: Bool { shape != .other }

  /// The number of characters (`len`): bytes or scalars when each is one, else the grapheme
  /// clusters.
  var characterCount: Int {
    switch shape {
    case .oneByte: return value.utf8.count
    case .oneScalar: return TextBytes.withBytes(value) { TextBytes.scalarCount($0) }
    case .other: return value.count
    }
  }

  var hashValue: Int {
    if let h = cachedHash { return h }
    var hasher = Hasher()
    hasher.combine(value)
    let h = hasher.finalize()
    cachedHash = h
    return h
  }
}

public final class ListObject {
  // Unchecked (the VM's `xs[i]`, `xs[i] = v`, `push`): no code mutates `items` in place while
  // running a script or a callback (sorting, filtering build a new array, then assign it), so no
  // access can start during another.
  @exclusivity(unchecked) public var items: ContiguousArray<Value>
  public init(_ items: ContiguousArray<Value> = []) { self.items = items }

  /// Releasing a list nested thousands deep would recurse once per level on the native stack:
  /// see `Teardown`.
  deinit { Teardown.release(&items) }
}

/// Frees lists, maps, records, closures and their captured cells nested inside each other
/// without native recursion: a dying container's children that nothing else holds are emptied
/// onto a work list one at a time, so each one's own deinit finds nothing left to release
/// (`x = [x]`, `x = {a: x}`, `P(x)` or `f = fn() { g() }` 50,000 times, then dropped).
enum Teardown {
  @inline(__always) static func isContainer(_ v: Value) -> Bool {
    switch v {
    case .list, .map, .record, .closure, .cell: return true
    default: return false
    }
  }

  /// A dying closure's captured cells (retained by hand, so released here once each).
  static func release(_ cells: UnsafeMutablePointer<Unmanaged<Cell>>, count: Int) {
    var work = ContiguousArray<Value>()
    takeCells(cells, count: count, into: &work)
    if !work.isEmpty { drain(&work) }
  }

  /// Releases each cell; the value of one nothing else holds goes onto the work list.
  private static func takeCells(
    _ cells: UnsafeMutablePointer<Unmanaged<Cell>>, count: Int, into work: inout ContiguousArray<Value>
  ) {
    for i in 0..<count {
      var cell = cells[i].takeRetainedValue()
      if isKnownUniquelyReferenced(&cell), isContainer(cell.value) {
        work.append(cell.value)
        cell.value = .null
      }
    }
  }

  static func release(_ items: inout ContiguousArray<Value>) {
    guard items.contains(where: isContainer) else { return }
    var work = ContiguousArray<Value>()
    swap(&work, &items)
    drain(&work)
  }

  static func release(_ entries: inout OrderedDictionary<Value, Value>) {
    guard entries.values.contains(where: isContainer) || entries.keys.contains(where: isContainer) else {
      return
    }
    var work = ContiguousArray<Value>(entries.keys)
    work.append(contentsOf: entries.values.elements)
    entries = [:]
    drain(&work)
  }

  /// The container is taken out of its slot before the uniqueness test: a copy left in the
  /// work list (or in a switch's temporary) would make it look shared.
  private static func drain(_ work: inout ContiguousArray<Value>) {
    while !work.isEmpty {
      let i = work.count - 1
      if case .list(var l) = work[i] {
        work[i] = .null
        work.removeLast()
        if isKnownUniquelyReferenced(&l), l.items.contains(where: isContainer) {
          work.append(contentsOf: l.items)
          l.items = []
        }
      } else if case .map(var m) = work[i] {
        work[i] = .null
        work.removeLast()
        if isKnownUniquelyReferenced(&m),
          m.entries.values.contains(where: isContainer) || m.entries.keys.contains(where: isContainer)
        {
          work.append(contentsOf: m.entries.keys)
          work.append(contentsOf: m.entries.values.elements)
          m.entries = [:]
        }
      } else if case .record(var r) = work[i] {
        work[i] = .null
        work.removeLast()
        if isKnownUniquelyReferenced(&r), r.values.contains(where: isContainer) {
          work.append(contentsOf: r.values)
          r.values = []
        }
      } else if case .closure(var c) = work[i] {
        work[i] = .null
        work.removeLast()
        if isKnownUniquelyReferenced(&c), c.cellCount > 0 {
          let count = c.cellCount
          c.cellCount = 0
          takeCells(c.cells, count: count, into: &work)
        }
      } else if case .cell(var c) = work[i] {
        work[i] = .null
        work.removeLast()
        if isKnownUniquelyReferenced(&c), isContainer(c.value) {
          work.append(c.value)
          c.value = .null
        }
      } else {
        work.removeLast()
      }
    }
  }
}

/// The shape shared by every record of one kind: its name and field names, in order.
public final class RecordType {
  public let name: String
  public let fields: [String]
  let index: [String: Int]
  /// The host's hooks for records of this kind (stored records); nil for script records.
  public weak var host: RecordHost?
  /// Fields kept for the host's own use and not shown when the record is printed.
  public var hidden: Set<String> = []
  /// Hidden fields holding a map whose entries are shown as further fields, after the others
  /// (a stored record's own fields).
  public var spread: Set<String> = []

  public init(name: String, fields: [String]) {
    self.name = name
    self.fields = fields
    var index: [String: Int] = [:]
    for (i, f) in fields.enumerated() { index[f] = i }
    self.index = index
  }

  public func slot(of field: String) -> Int? { index[field] }
}

/// A value with a kind and a fixed set of named fields: `Person(name: "Ann", age: 31)`. Stored
/// records (mothers, visits...) are records too. Reading a field that the kind does not have is
/// an error with a "did you mean" hint, never a silent nil.
public final class RecordObject {
  public let type: RecordType
  // Unchecked (every field read and write): as `ListObject.items`, never mutated in place while
  // a script or a callback runs.
  @exclusivity(unchecked) public var values: ContiguousArray<Value>

  public init(type: RecordType, values: ContiguousArray<Value>) {
    self.type = type
    self.values = values
  }

  deinit { Teardown.release(&values) }

  public subscript(field: String) -> Value? {
    guard let i = type.slot(of: field) else { return nil }
    return values[i]
  }

  /// The fields as printed and put in tables: the slots not hidden, in order, then the text-keyed
  /// entries of the `spread` slots (those not named like a slot).
  public var shownFields: [(name: String, value: Value)] {
    var shown: [(name: String, value: Value)] = []
    shown.reserveCapacity(values.count)
    for (name, value) in zip(type.fields, values) where !type.hidden.contains(name) {
      shown.append((name, value))
    }
    if type.spread.isEmpty { return shown }
    for (name, value) in zip(type.fields, values) where type.spread.contains(name) {
      guard case .map(let m) = value else { continue }
      for (k, v) in m.entries {
        if case .string(let key) = k, type.slot(of: key.value) == nil { shown.append((key.value, v)) }
      }
    }
    return shown
  }
}

/// An inclusive span of integers (`1..10`), or of dates. A date span with a label is a
/// *period*: `this_quarter`, `financial_year(2026)`; `date in period` tests membership.
public final class RangeObject {
  public let lower: Value
  public let upper: Value
  public let label: String?
  /// `range(a, b, step)`: whole numbers counted by `step` (negative counts down; `upper` is
  /// then the last number reached, below `lower`). 1 for every other range.
  public let step: Int

  public init(lower: Value, upper: Value, label: String? = nil, step: Int = 1) {
    self.lower = lower
    self.upper = upper
    self.label = label
    self.step = step
  }

  /// How many whole numbers a stepped range holds (nil for ranges of dates or whole-number
  /// ranges counted by 1, which say it themselves).
  var steppedCount: Int? {
    guard step != 1, case .int(let lo) = lower, case .int(let hi) = upper else { return nil }
    let span = step > 0 ? Int128(hi) - Int128(lo) : Int128(lo) - Int128(hi)
    return span < 0 ? 0 : Int(min(Int128(Int.max), span / Int128(step.magnitude) + 1))
  }

  /// Whether the whole number `n` is one of a stepped range's numbers.
  func steppedContains(_ n: Int) -> Bool {
    guard case .int(let lo) = lower, case .int(let hi) = upper else { return false }
    let inside = step > 0 ? (lo <= n && n <= hi) : (hi <= n && n <= lo)
    return inside && (Int128(n) - Int128(lo)) % Int128(step) == 0
  }

  public var isPeriod: Bool {
    if case .date = lower { return true }
    return false
  }
}

/// The result of `group`: each distinct key with the items that share it, in first-seen order.
/// Aggregates that follow (`count`, `sum(.minutes)`) turn it into a table of maps.
public final class GroupsObject {
  public let keyName: String
  public var keys: ContiguousArray<Value>
  public var members: ContiguousArray<ContiguousArray<Value>>

  public init(keyName: String, keys: ContiguousArray<Value>, members: ContiguousArray<ContiguousArray<Value>>)
  {
    self.keyName = keyName
    self.keys = keys
    self.members = members
  }
}

/// The storage of a local variable that a closure captures. Each closure made in a loop gets
/// the cell of its own iteration.
public final class Cell {
  // Unchecked (every read and write of a captured variable): only read or assigned whole,
  // never passed inout or mutated in place while a script runs.
  @exclusivity(unchecked) public var value: Value
  init(_ value: Value) { self.value = value }
}
