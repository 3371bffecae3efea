import PeerScript
import PeerStore

/// Converts between the store's field values and the language's values, checking each value
/// against its field's type with a message a coordinator can act on.
enum FieldConversion {
  static func value(_ f: FieldValue) -> Value {
    switch f {
    case .null: return .null
    case .bool(let b): return .bool(b)
    case .int(let i): return .int(i)
    case .double(let d): return .float(d)
    case .text(let s): return .text(s)
    case .date(let d): return .date(d)
    case .list(let items): return .list(items.map { Value.text($0) })
    }
  }

  /// A script value for a field of `spec`'s type, or a RuntimeError naming the field.
  static func field(_ v: Value, for spec: FieldSpec, kind: RecordKind) throws -> FieldValue {
    let what = "\(kind.rawValue).\(spec.name)"
    func wrong(_ expected: String) -> RuntimeError {
      RuntimeError("\(what) must be \(expected), got \(v.kindAndValue)")
    }
    if case .null = v {
      if spec.required { throw RuntimeError("\(what) is required") }
      return .null
    }
    switch spec.type {
    case .text:
      guard case .string(let s) = v else { throw wrong("text") }
      if !spec.choices.isEmpty, !spec.choices.contains(s.value) {
        throw RuntimeError(
          "\(what) cannot be \(v.repr)",
          hint: "it must be one of: " + spec.choices.map { "\"\($0)\"" }.joined(separator: ", "))
      }
      return .text(s.value)
    case .int:
      guard case .int(let i) = v else { throw wrong("a whole number") }
      return .int(i)
    case .double:
      guard let d = v.asDouble else { throw wrong("a number") }
      return .double(d)
    case .bool:
      guard case .bool(let b) = v else { throw wrong("true or false") }
      return .bool(b)
    case .date:
      if case .date(let d) = v { return .date(d) }
      throw wrong("a date (like 2027-03-14)")
    case .list:
      switch v {
      case .list(let l):
        return .list(
          try l.items.map { item in
            guard case .string(let s) = item else { throw wrong("a list of texts") }
            return s.value
          })
      case .string(let s): return .list([s.value])
      default: throw wrong("a list of texts")
      }
    case .reference(let target):
      switch v {
      case .record(let r):
        guard r.type.name == target.rawValue, case .string(let code) = r.values[0],
          let id = target.id(fromCode: code.value)
        else { throw wrong("a \(target.rawValue)") }
        return .int(Int(id))
      case .string(let s):
        guard let id = target.id(fromCode: s.value) else {
          throw wrong("a \(target.rawValue) (like \(target.code(for: 42)))")
        }
        return .int(Int(id))
      case .int(let i) where i > 0: return .int(i)
      default: throw wrong("a \(target.rawValue)")
      }
    }
  }

  /// A project's own field: any plain value.
  static func extra(_ v: Value, name: String) throws -> FieldValue {
    switch v {
    case .null: return .null
    case .bool(let b): return .bool(b)
    case .int(let i): return .int(i)
    case .float(let d): return .double(d)
    case .string(let s): return .text(s.value)
    case .date(let d): return .date(d)
    case .list(let l):
      return .list(
        try l.items.map { item in
          guard case .string(let s) = item else {
            throw RuntimeError(
              "\(name) can hold a list of texts, not \(item.kindAndValue)")
          }
          return s.value
        })
    default:
      throw RuntimeError(
        "\(name) cannot hold \(v.kindAndValue)",
        hint: "a field holds text, numbers, dates, yes/no or a list of texts")
    }
  }
}
