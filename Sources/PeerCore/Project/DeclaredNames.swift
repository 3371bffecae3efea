import PeerScript

/// A declaration's name becomes a global: `report endings { }` would hide the project's
/// `endings` for every script after it (and for the report itself). Declarations may replace
/// each other (a script loaded again), never the records or a built-in function.
enum DeclaredNames {
  static func check(_ declaration: Value, in interpreter: Interpreter) throws {
    guard case .map(let m) = declaration, case .string(let name)? = m["name"],
      case .string(let keyword)? = m["keyword"], let existing = interpreter.global(name.value)
    else { return }
    let what: String
    switch existing {
    case .host(let h as RecordCollection): what = "the project's \(h.kind.plural)"
    case .native: what = "a built-in function"
    default: return
    }
    throw RuntimeError.declaration(
      "a \(keyword.value) cannot be called \(name.value): that name is \(what)", at: declaration,
      hint: "give the \(keyword.value) another name, such as \(name.value)_\(keyword.value)")
  }
}
