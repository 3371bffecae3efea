import PeerScript
import PeerStore

/// Turns a `where` stage's query shape (PeerScript's `ItemCondition`) into a condition the
/// store can run, or refuses (nil) so the stage runs its closure on every record instead.
/// It accepts only what gives exactly the language's answer:
/// - core fields of the collection's own kind (not references, lists or the project's own
///   fields yet), compared with a constant of the field's own type;
/// - `==` and `!=` on text, whole-number, yes/no and date fields (nil allowed);
/// - `<`, `<=`, `>`, `>=` on required whole-number and date fields (the language stops on
///   nil there, so a field that may be empty stays in the VM to give that error);
/// - `in` a period (date fields) or a list of constants of the field's type;
/// - `and`, `or`, `not` of these.
enum PushedFilter {
  /// `nonNull`: fields an enclosing `and` or `or` has already found not nil (`.birth_date != nil
  /// and .birth_date < d`): the language never compares them while empty, so an ordering on
  /// them is exact too.
  static func condition(
    _ shape: ItemCondition, constants: ContiguousArray<Value>, kind: RecordKind, nonNull: Set<String> = []
  ) -> RecordCondition? {
    switch shape {
    case .and(let left, let right):
      // `x != nil and ...` reaches its right side only when x has a value.
      guard let (a, b) = sides(left, right, checkedBy: .notEqual, constants, kind, nonNull) else {
        return nil
      }
      return .and(a, b)
    case .or(let left, let right):
      // `x == nil or ...` likewise.
      guard let (a, b) = sides(left, right, checkedBy: .equal, constants, kind, nonNull) else { return nil }
      return .or(a, b)
    case .not(let inner):
      guard let a = condition(inner, constants: constants, kind: kind, nonNull: nonNull) else { return nil }
      return .not(a)
    case .truthy(let path):
      if let through = throughReference(shape, constants: constants, kind: kind) { return through }
      // Only a yes/no field: its value is true exactly when it is neither empty nor 0.
      guard let spec = field(path, kind), spec.type == .bool else { return nil }
      return .and(
        .compare(field: spec.name, .notEqual, .null), .compare(field: spec.name, .notEqual, .bool(false)))
    case .offset(let op, let path, let form, let by, let k):
      if let through = throughReference(shape, constants: constants, kind: kind) { return through }
      return offset(op, path, form, by: by, constant: k, constants: constants, kind: kind, nonNull: nonNull)
    case .isIn(let path, let k):
      if let through = throughReference(shape, constants: constants, kind: kind) { return through }
      if let personal = personal(shape, constants: constants, kind: kind) { return personal }
      return membership(path, constant: k, constants: constants, kind: kind)
    case .compare(let op, let item, let k):
      if let through = throughReference(shape, constants: constants, kind: kind) { return through }
      if let personal = personal(shape, constants: constants, kind: kind) { return personal }
      guard let value = constant(k, constants) else { return nil }
      let comparison = storeComparison(op)
      if let related = relatedCount(item, constants: constants, kind: kind) {
        guard case .int(let n) = value else { return nil }
        return .related(kind: related.kind, via: related.via, related.condition, comparison, n)
      }
      guard case .path(let path) = item, let spec = field(path, kind) else { return nil }
      switch comparison {
      case .equal, .notEqual:
        if value.isNull { return .compare(field: spec.name, comparison, .null) }
        guard let v = fieldValue(value, spec) else { return nil }
        return .compare(field: spec.name, comparison, v)
      default:
        guard spec.required || nonNull.contains(spec.name), spec.type == .int || spec.type == .date,
          let v = fieldValue(value, spec)
        else {
          return nil
        }
        return .compare(field: spec.name, comparison, v)
      }
    case .has:
      // A list field holding a constant: the store has no condition for list fields yet.
      return nil
    }
  }

  /// Both sides of an `and` or an `or`. The right side is reached only when the left is
  /// (for `and`) or is not (for `or`) true, so a left side `field checkedBy nil` leaves the
  /// field with a value there.
  private static func sides(
    _ left: ItemCondition, _ right: ItemCondition, checkedBy nilComparison: RecordCondition.Comparison,
    _ constants: ContiguousArray<Value>, _ kind: RecordKind, _ nonNull: Set<String>
  ) -> (RecordCondition, RecordCondition)? {
    guard let a = condition(left, constants: constants, kind: kind, nonNull: nonNull) else { return nil }
    var checked = nonNull
    if case .compare(let field, let comparison, .null) = a, comparison == nilComparison {
      checked.insert(field)
    }
    guard let b = condition(right, constants: constants, kind: kind, nonNull: checked) else { return nil }
    return (a, b)
  }

  /// The store's name for a comparison (the language and the store share no types).
  static func storeComparison(_ op: ComparisonOperator) -> RecordCondition.Comparison {
    switch op {
    case .equal: return .equal
    case .notEqual: return .notEqual
    case .less: return .less
    case .lessOrEqual: return .lessOrEqual
    case .greater: return .greater
    case .greaterOrEqual: return .greaterOrEqual
    }
  }

  /// A date field moved by whole days and compared with a constant, as the comparison of the
  /// field itself with the constant moved back: `today - .referral_date > 28 days` is
  /// `.referral_date < today - 28 days`. Only durations without months (weeks and days move a
  /// date by a fixed number of days; months do not), and only where the field has a value
  /// (the language stops on `today - nil`).
  static func offset(
    _ op: ComparisonOperator, _ path: [String], _ form: OffsetForm, by: Int, constant other: Int,
    constants: ContiguousArray<Value>, kind: RecordKind, nonNull: Set<String>
  ) -> RecordCondition? {
    guard let spec = field(path, kind), spec.type == .date, spec.required || nonNull.contains(spec.name),
      let k = constant(by, constants), let other = constant(other, constants)
    else { return nil }
    var comparison = storeComparison(op)
    let bound: Int32
    switch (form, k, other) {
    case (.constantMinusField, .date(let day), .duration(let d)) where d.months == 0:
      // K - f op D  is  f (op flipped) K - D
      bound = day - d.days
      comparison = comparison.flipped
    case (.fieldPlusConstant, .duration(let d), .date(let day)) where d.months == 0:
      bound = day - d.days
    case (.fieldMinusConstant, .duration(let d), .date(let day)) where d.months == 0:
      bound = day + d.days
    case (.fieldMinusConstant, .date(let day), .duration(let d)) where d.months == 0:
      bound = day + d.days
    default:
      return nil
    }
    return .compare(field: spec.name, comparison, .date(bound))
  }

  /// `.field in PERIOD` or `.field in [constants]`.
  static func membership(
    _ path: [String], constant k: Int, constants: ContiguousArray<Value>, kind: RecordKind
  )
    -> RecordCondition?
  {
    guard let spec = field(path, kind), let value = constant(k, constants) else {
      return nil
    }
    switch value {
    case .range(let r) where r.isPeriod && spec.type == .date:
      guard case .date(let lo) = r.lower, case .date(let hi) = r.upper else { return nil }
      return .between(field: spec.name, .date(lo), .date(hi))
    case .list(let l):
      var values: [FieldValue] = []
      for item in l.items {
        guard let v = fieldValue(item, spec) else { return nil }
        values.append(v)
      }
      return .oneOf(field: spec.name, values)
    default:
      return nil
    }
  }

  /// A comparison on a path through a required reference (`.match.started_on in q` on visits;
  /// a visit's `.mother` and `.volunteer` go through its match): the same comparison on the
  /// rest of the path, asked of the record referred to.
  static func throughReference(_ shape: ItemCondition, constants: ContiguousArray<Value>, kind: RecordKind)
    -> RecordCondition?
  {
    guard let (path, onPath) = readsPath(shape), path.count >= 2 else { return nil }
    var names = path
    let field: String
    let target: RecordKind
    if let spec = kind.field(path[0]), case .reference(let t) = spec.type, spec.required {
      field = path[0]
      target = t
      names.removeFirst()
    } else if kind == .visit || kind == .ending, path[0] == "mother" || path[0] == "volunteer" {
      // The rest (`mother.site`) is asked of the match.
      field = "match"
      target = .match
    } else {
      return nil
    }
    guard let c = condition(onPath(names), constants: constants, kind: target) else { return nil }
    return .through(field: field, kind: target, c)
  }

  /// The field path a comparison, membership, offset or truthy test reads, and the same test
  /// on another path; nil for the others.
  private static func readsPath(_ shape: ItemCondition) -> ([String], ([String]) -> ItemCondition)? {
    switch shape {
    case .compare(let op, .path(let p), let k): return (p, { .compare(op, .path($0), constant: k) })
    case .isIn(let p, let k): return (p, { .isIn(path: $0, constant: k) })
    case .offset(let op, let p, let form, let by, let k):
      return (p, { .offset(op, path: $0, form, by: by, constant: k) })
    case .truthy(let p): return (p, { .truthy(path: $0) })
    case .compare, .has, .and, .or, .not: return nil
    }
  }

  /// The records that name a record of `kind` (`m.visits` of a match: the visits whose
  /// `match` is it), as the bridge's relations give them.
  static let relatedRecords: [RecordKind: [String: (kind: RecordKind, via: String)]] = [
    .match: ["visits": (.visit, "match"), "endings": (.ending, "match")],
    .mother: ["matches": (.match, "mother")],
    .volunteer: ["matches": (.match, "volunteer")],
  ]

  /// `(.visits | where C | count)`: the related kind, its reference field and the condition
  /// (which the store must be able to run too).
  static func relatedCount(_ item: ItemValue, constants: ContiguousArray<Value>, kind: RecordKind)
    -> (kind: RecordKind, via: String, condition: RecordCondition?)?
  {
    guard case .count(let path, let filter, let lenFunction) = item, isBuiltInLen(lenFunction, constants),
      path.count == 1, let related = relatedRecords[kind]?[path[0]]
    else { return nil }
    guard let filter else { return (related.kind, related.via, nil) }
    guard let c = condition(filter, constants: constants, kind: related.kind) else { return nil }
    return (related.kind, related.via, c)
  }

  /// Whether a count written `len(path)` still calls the built-in `len` (true for a count
  /// written as a pipeline, which has no function to check).
  static func isBuiltInLen(_ lenFunction: Int?, _ constants: ContiguousArray<Value>) -> Bool {
    lenFunction.map { isBuiltIn("len", $0, constants) } ?? true
  }

  /// Whether the constant at `index` is still the built-in function `name` (a script may
  /// define its own `month` or `len`).
  static func isBuiltIn(_ name: String, _ index: Int, _ constants: ContiguousArray<Value>) -> Bool {
    guard case .native(let f)? = constant(index, constants) else { return false }
    return f.name == name
  }

  /// A one-step path naming a core field of a plain type.
  static func field(_ path: [String], _ kind: RecordKind) -> FieldSpec? {
    guard path.count == 1, let spec = kind.field(path[0]) else { return nil }
    switch spec.type {
    case .text, .int, .bool, .date: return spec
    default: return nil
    }
  }

  static func constant(_ index: Int, _ constants: ContiguousArray<Value>) -> Value? {
    constants.indices.contains(index) ? constants[index] : nil
  }

  /// The constant as a value of the field's type, or nil when the types differ (then the
  /// language's own rules for mixed comparisons apply, in the VM).
  static func fieldValue(_ v: Value, _ spec: FieldSpec) -> FieldValue? {
    switch (spec.type, v) {
    case (.text, .string(let s)): return .text(s.value)
    case (.int, .int(let i)): return .int(i)
    case (.bool, .bool(let b)): return .bool(b)
    case (.date, .date(let d)): return .date(d)
    default: return nil
    }
  }
}
