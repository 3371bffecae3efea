import PeerScript

/// A question's `when`, said in words a referrer reads on a printed form: `.language !=
/// "English"` is `the answer to "Language" is not "English"`, `not .first_baby` is `the answer
/// to "First baby" is no`. It reads the condition's query shape (PeerScript's `ItemCondition`);
/// a condition it cannot say plainly gives nil, and the page names the questions instead.
enum FormCondition {
  static func words(_ shape: ItemCondition, constants: ContiguousArray<Value>, question: (String) -> String)
    -> String?
  {
    var previous: String?
    return clause(shape, constants, question, previous: &previous)
  }

  /// One clause; `previous` is the question the clause before it spoke of, so `.feedback != nil
  /// and .feedback <= 2` says the question once: `... is given and is 2 or less`.
  private static func clause(
    _ shape: ItemCondition, _ constants: ContiguousArray<Value>, _ question: (String) -> String,
    previous: inout String?
  ) -> String? {
    func subject(_ path: [String]) -> String? {
      guard path.count == 1 else { return nil }
      let name = path[0]
      defer { previous = name }
      return previous == name ? "" : "the answer to \"\(question(name))\" "
    }
    func constant(_ i: Int) -> Value? {
      guard i >= 0, i < constants.count else { return nil }
      return constants[i]
    }
    func joined(_ left: ItemCondition, _ word: String, _ right: ItemCondition) -> String? {
      guard !mixes(left, word), !mixes(right, word),
        let a = clause(left, constants, question, previous: &previous),
        let b = clause(right, constants, question, previous: &previous)
      else { return nil }
      return "\(a) \(word) \(b)"
    }
    switch shape {
    case .and(let left, let right):
      return joined(left, "and", right)
    case .or(let left, let right):
      return joined(left, "or", right)
    case .truthy(let path):
      guard let s = subject(path) else { return nil }
      return s + "is yes"
    case .not(.truthy(let path)):
      guard let s = subject(path) else { return nil }
      return s + "is no"
    case .compare(let op, .path(let path), let k):
      guard let value = constant(k), let relation = relation(op, value), let s = subject(path) else {
        return nil
      }
      return s + relation
    case .isIn(let path, let k):
      guard case .list(let options)? = constant(k), !options.items.isEmpty, let s = subject(path) else {
        return nil
      }
      return s + "is one of " + options.items.map(spoken).joined(separator: ", ")
    case .has(let path, let k):
      guard let value = constant(k), let s = subject(path) else { return nil }
      return s + "includes " + spoken(value)
    case .not, .compare, .offset:
      return nil
    }
  }

  /// An `or` inside an `and` (or the reverse) would need brackets a reader can miss: not said.
  private static func mixes(_ shape: ItemCondition, _ word: String) -> Bool {
    switch shape {
    case .and: return word != "and"
    case .or: return word != "or"
    default: return false
    }
  }

  private static func relation(_ op: ComparisonOperator, _ value: Value) -> String? {
    switch (op, value) {
    case (.equal, .null): return "is not given"
    case (.notEqual, .null): return "is given"
    case (.equal, .bool(let b)): return b ? "is yes" : "is no"
    case (.notEqual, .bool(let b)): return b ? "is no" : "is yes"
    case (.equal, _): return "is " + spoken(value)
    case (.notEqual, _): return "is not " + spoken(value)
    case (.less, .date): return "is before " + spoken(value)
    case (.lessOrEqual, .date): return "is on or before " + spoken(value)
    case (.greater, .date): return "is after " + spoken(value)
    case (.greaterOrEqual, .date): return "is on or after " + spoken(value)
    case (.less, _): return "is less than " + spoken(value)
    case (.lessOrEqual, _): return "is " + spoken(value) + " or less"
    case (.greater, _): return "is more than " + spoken(value)
    case (.greaterOrEqual, _): return "is " + spoken(value) + " or more"
    }
  }

  private static func spoken(_ v: Value) -> String {
    switch v {
    case .string(let s): return "\"\(s.value)\""
    case .bool(let b): return b ? "yes" : "no"
    default: return v.shortDescription
    }
  }
}
