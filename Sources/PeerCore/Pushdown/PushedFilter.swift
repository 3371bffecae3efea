import PeerScript
import PeerStore

/// Turns a `where` stage's query shape (see PeerScript's QueryShape) into a condition the
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
    _ shape: Value, constants: ContiguousArray<Value>, kind: RecordKind, nonNull: Set<String> = []
  ) -> RecordCondition? {
    guard case .list(let node) = shape, case .string(let op)? = node.items.first else { return nil }
    let parts = node.items
    switch op.value {
    case "and", "or":
      guard parts.count == 3, let a = condition(parts[1], constants: constants, kind: kind, nonNull: nonNull)
      else { return nil }
      var checked = nonNull
      // `x != nil and ...` and `x == nil or ...` reach their right side only when x has a value.
      if op.value == "and", case .compare(let field, .notEqual, .null) = a { checked.insert(field) }
      if op.value == "or", case .compare(let field, .equal, .null) = a { checked.insert(field) }
      guard let b = condition(parts[2], constants: constants, kind: kind, nonNull: checked) else {
        return nil
      }
      return op.value == "and" ? .and(a, b) : .or(a, b)
    case "not":
      guard parts.count == 2, let a = condition(parts[1], constants: constants, kind: kind, nonNull: nonNull)
      else {
        return nil
      }
      return .not(a)
    case "truthy":
      if let through = throughReference(node, constants: constants, kind: kind) { return through }
      // Only a yes/no field: its value is true exactly when it is neither empty nor 0.
      guard parts.count == 2, let spec = field(parts[1], kind), spec.type == .bool else { return nil }
      return .and(
        .compare(field: spec.name, .notEqual, .null), .compare(field: spec.name, .notEqual, .bool(false)))
    case "offset":
      if let through = throughReference(node, constants: constants, kind: kind) { return through }
      return offset(parts, constants: constants, kind: kind, nonNull: nonNull)
    case "compare", "in":
      if let through = throughReference(node, constants: constants, kind: kind) { return through }
      if let personal = personal(node, constants: constants, kind: kind) { return personal }
      if op.value == "in" { return membership(parts, constants: constants, kind: kind) }
      guard parts.count == 4, case .string(let cmp) = parts[1],
        let comparison = RecordCondition.Comparison(rawValue: cmp.value),
        let value = constant(parts[3], constants)
      else { return nil }
      if let related = relatedCount(parts[2], constants: constants, kind: kind) {
        guard case .int(let n) = value else { return nil }
        return .related(kind: related.kind, via: related.via, related.condition, comparison, n)
      }
      guard let spec = field(parts[2], kind) else { return nil }
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
    default:
      return nil
    }
  }

  /// A date field moved by whole days and compared with a constant, as the comparison of the
  /// field itself with the constant moved back: `today - .referral_date > 28 days` is
  /// `.referral_date < today - 28 days`. Only durations without months (weeks and days move a
  /// date by a fixed number of days; months do not), and only where the field has a value
  /// (the language stops on `today - nil`).
  static func offset(
    _ parts: ContiguousArray<Value>, constants: ContiguousArray<Value>, kind: RecordKind, nonNull: Set<String>
  ) -> RecordCondition? {
    guard parts.count == 6, case .string(let cmp) = parts[1],
      var comparison = RecordCondition.Comparison(rawValue: cmp.value), case .string(let form) = parts[3],
      let spec = field(parts[2], kind), spec.type == .date, spec.required || nonNull.contains(spec.name),
      let k = constant(parts[4], constants), let other = constant(parts[5], constants)
    else { return nil }
    let bound: Int32
    switch (form.value, k, other) {
    case ("k-f", .date(let day), .duration(let d)) where d.months == 0:
      // K - f op D  is  f (op flipped) K - D
      bound = day - d.days
      comparison = comparison.flipped
    case ("f+k", .duration(let d), .date(let day)) where d.months == 0:
      bound = day - d.days
    case ("f-k", .duration(let d), .date(let day)) where d.months == 0:
      bound = day + d.days
    case ("f-k", .date(let day), .duration(let d)) where d.months == 0:
      bound = day + d.days
    default:
      return nil
    }
    return .compare(field: spec.name, comparison, .date(bound))
  }

  /// `.field in PERIOD` or `.field in [constants]`.
  static func membership(_ parts: ContiguousArray<Value>, constants: ContiguousArray<Value>, kind: RecordKind)
    -> RecordCondition?
  {
    guard parts.count == 3, let spec = field(parts[1], kind), let value = constant(parts[2], constants)
    else {
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
  static func throughReference(_ node: ListObject, constants: ContiguousArray<Value>, kind: RecordKind)
    -> RecordCondition?
  {
    // The path's place: after the operator in "compare" and "offset", first in "in" and "truthy".
    guard case .string(let op)? = node.items.first else { return nil }
    let at = op.value == "compare" || op.value == "offset" ? 2 : 1
    guard node.items.count > at, case .list(let path) = node.items[at], path.items.count >= 2,
      case .string(let first) = path.items[0]
    else { return nil }
    var names = path.items
    let field: String
    let target: RecordKind
    if let spec = kind.field(first.value), case .reference(let t) = spec.type, spec.required {
      field = first.value
      target = t
      names.removeFirst()
    } else if kind == .visit || kind == .ending, first.value == "mother" || first.value == "volunteer" {
      // The rest (`mother.site`) is asked of the match.
      field = "match"
      target = .match
    } else {
      return nil
    }
    var inner = node.items
    inner[at] = .list(ListObject(names))
    guard let c = condition(.list(ListObject(inner)), constants: constants, kind: target) else { return nil }
    return .through(field: field, kind: target, c)
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
  static func relatedCount(_ shape: Value, constants: ContiguousArray<Value>, kind: RecordKind)
    -> (kind: RecordKind, via: String, condition: RecordCondition?)?
  {
    guard case .list(let node) = shape, node.items.count == 3 || isBuiltInLen(node, constants),
      case .string(let tag) = node.items[0], tag.value == "#count", case .list(let path) = node.items[1],
      path.items.count == 1, case .string(let name) = path.items[0],
      let related = relatedRecords[kind]?[name.value]
    else { return nil }
    if node.items[2].isNull { return (related.kind, related.via, nil) }
    guard let c = condition(node.items[2], constants: constants, kind: related.kind) else { return nil }
    return (related.kind, related.via, c)
  }

  /// A `["#count", path, nil, k]` shape from `len(path)` whose `len` is still the built-in.
  static func isBuiltInLen(_ node: ListObject, _ constants: ContiguousArray<Value>) -> Bool {
    guard node.items.count == 4, case .native(let f)? = constant(node.items[3], constants) else {
      return false
    }
    return f.name == "len"
  }

  /// A one-step path naming a core field of a plain type.
  static func field(_ path: Value, _ kind: RecordKind) -> FieldSpec? {
    guard case .list(let names) = path, names.items.count == 1, case .string(let name) = names.items[0],
      let spec = kind.field(name.value)
    else { return nil }
    switch spec.type {
    case .text, .int, .bool, .date: return spec
    default: return nil
    }
  }

  static func constant(_ index: Value, _ constants: ContiguousArray<Value>) -> Value? {
    guard case .int(let i) = index, constants.indices.contains(i) else { return nil }
    return constants[i]
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
