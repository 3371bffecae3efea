import PeerScript

/// A question's `when`, said in words a referrer reads on a printed form: `.language !=
/// "English"` is `the answer to "Language" is not "English"`, `not .first_baby` is `the answer
/// to "First baby" is no`. It reads the condition's query shape (PeerScript's QueryShape); a
/// condition it cannot say plainly gives nil, and the page names the questions instead.
enum FormCondition {
  static func words(_ shape: Value, constants: ContiguousArray<Value>, question: (String) -> String)
    -> String?
  {
    var previous: String?
    return clause(shape, constants, question, previous: &previous)
  }

  /// One clause; `previous` is the question the clause before it spoke of, so `.feedback != nil
  /// and .feedback <= 2` says the question once: `... is given and is 2 or less`.
  private static func clause(
    _ shape: Value, _ constants: ContiguousArray<Value>, _ question: (String) -> String,
    previous: inout String?
  ) -> String? {
    guard case .list(let node) = shape, case .string(let op)? = node.items.first else { return nil }
    let parts = node.items
    func subject(_ path: Value) -> String? {
      guard case .list(let p) = path, p.items.count == 1, case .string(let name) = p.items[0] else {
        return nil
      }
      defer { previous = name.value }
      return previous == name.value ? "" : "the answer to \"\(question(name.value))\" "
    }
    func constant(_ k: Value) -> Value? {
      guard case .int(let i) = k, i >= 0, i < constants.count else { return nil }
      return constants[i]
    }
    switch op.value {
    case "and", "or":
      guard parts.count == 3, let a = clause(parts[1], constants, question, previous: &previous),
        nested(parts[2], within: op.value),
        let b = clause(parts[2], constants, question, previous: &previous),
        nested(parts[1], within: op.value)
      else { return nil }
      return "\(a) \(op.value) \(b)"
    case "truthy":
      guard parts.count == 2, let s = subject(parts[1]) else { return nil }
      return s + "is yes"
    case "not":
      guard parts.count == 2, case .list(let inner) = parts[1], inner.items.count == 2,
        inner.items.first?.textValue == "truthy", let s = subject(inner.items[1])
      else { return nil }
      return s + "is no"
    case "compare":
      guard parts.count == 4, let cmp = parts[1].textValue, let value = constant(parts[3]),
        let relation = relation(cmp, value), let s = subject(parts[2])
      else { return nil }
      return s + relation
    case "in":
      guard parts.count == 3, case .list(let options)? = constant(parts[2]), !options.items.isEmpty,
        let s = subject(parts[1])
      else { return nil }
      return s + "is one of " + options.items.map(spoken).joined(separator: ", ")
    case "has":
      guard parts.count == 3, let value = constant(parts[2]), let s = subject(parts[1]) else { return nil }
      return s + "includes " + spoken(value)
    default:
      return nil
    }
  }

  /// An `or` inside an `and` (or the reverse) would need brackets a reader can miss: not said.
  private static func nested(_ shape: Value, within op: String) -> Bool {
    guard case .list(let node) = shape, let inner = node.items.first?.textValue else { return true }
    return inner == op || (inner != "and" && inner != "or")
  }

  private static func relation(_ op: String, _ value: Value) -> String? {
    switch (op, value) {
    case ("==", .null): return "is not given"
    case ("!=", .null): return "is given"
    case ("==", .bool(let b)): return b ? "is yes" : "is no"
    case ("!=", .bool(let b)): return b ? "is no" : "is yes"
    case ("==", _): return "is " + spoken(value)
    case ("!=", _): return "is not " + spoken(value)
    case ("<", .date): return "is before " + spoken(value)
    case ("<=", .date): return "is on or before " + spoken(value)
    case (">", .date): return "is after " + spoken(value)
    case (">=", .date): return "is on or after " + spoken(value)
    case ("<", _): return "is less than " + spoken(value)
    case ("<=", _): return "is " + spoken(value) + " or less"
    case (">", _): return "is more than " + spoken(value)
    case (">=", _): return "is " + spoken(value) + " or more"
    default: return nil
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
