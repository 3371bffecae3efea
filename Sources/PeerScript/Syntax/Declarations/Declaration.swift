/// A declaration block: `form referral "Referral to Bump Buddies" { ... }`,
/// `workflow support { ... }`, `report quarterly(q = this_quarter) { ... }`, `match score(m, v) { ... }`.
///
/// The language owns the *syntax* of every declaration (one grammar per keyword, in this folder);
/// the host owns its *meaning*. A declaration compiles to a call of the host's built-in
/// `|declare_KEYWORD` with one map describing it (see `Compiler.declaration`), and its result is
/// bound to the declared name, so forms, workflows and reports are ordinary values the REPL can
/// show. The keywords are contextual: `form` is a declaration only when a name follows it, so
/// `form` stays usable as a variable.
final class Declaration {
  /// The keyword that opened it: "form", "workflow", "report", "match"...
  public let keyword: String
  /// The declared name, bound as a global (or local) to the host's result.
  public let name: String
  public let position: SourcePosition
  /// `form referral "title" { }`: the optional text after the name (may interpolate).
  public var title: Expr?
  /// `report quarterly(q = this_quarter)`: parameters with optional defaults. Entries that use
  /// them are parsed as functions of these parameters (`expressionFunction`).
  public var parameters: [String] = []
  public var defaults: [Expr?] = []
  public var entries: [DeclarationEntry] = []

  init(keyword: String, name: String, position: SourcePosition) {
    self.keyword = keyword
    self.name = name
    self.position = position
  }
}

/// One clause of a declaration, usually one line: a form field, a transition, a guard, a table.
/// It becomes a map `{clause: "field", line: 3, column: 3, length: 8, ...properties, entries: [...]}`
/// so the host can read it and report a problem at its place (`DeclarationError`).
struct DeclarationEntry {
  public var clause: String
  public var position: SourcePosition
  public var length: Int
  /// In source order. Values are evaluated where the declaration runs; functions become closures.
  public var properties: [(name: String, value: DeclarationValue)] = []
  /// Nested clauses (a form's section, a workflow's guard with its `require` lines).
  public var entries: [DeclarationEntry] = []

  public init(clause: String, position: SourcePosition, length: Int = 1) {
    self.clause = clause
    self.position = position
    self.length = length
  }

  public mutating func set(_ name: String, _ value: DeclarationValue) {
    properties.append((name, value))
  }
}

enum DeclarationValue {
  /// Evaluated once, when the declaration runs (a title, a default, a list of choices).
  case expr(Expr)
  /// Compiled to a closure: a `check` of `it`, a guard's body, a report table of its parameters.
  case function(FunctionDecl)
  /// A word or fixed text the grammar recognised (`required`, a type name, a status name).
  case text(String)
  case int(Int)
  case bool(Bool)
  /// Where something named in the source is (a field referred to by a `when`): a map
  /// `{line, column, length}`, so the host can point at it.
  case place(SourcePosition, length: Int)
  case list([DeclarationValue])
  /// A simple condition's query shape (a form question's `when`), for the host to read.
  case condition(ItemCondition)
}

extension RuntimeError {
  /// A problem the host finds in a declaration when it runs (a `when` naming a field that does
  /// not exist, a default that is not one of the choices): reported at the place the host names,
  /// an entry map or a `place` value (`line`, `column` keys), with the source line and a caret.
  public static func declaration(_ message: String, at place: Value, hint: String? = nil) -> RuntimeError {
    var error = RuntimeError(message, hint: hint)
    if case .map(let m) = place, case .int(let line)? = m["line"], case .int(let column)? = m["column"] {
      error.position = SourcePosition(line: line, column: column)
    }
    return error
  }
}
