/// The shared part of every declaration's grammar: the header (`KEYWORD NAME ["title"] [(params)]`),
/// the `{ ... }` body read line by line with error recovery, and the desugaring into an ordinary
/// statement `let NAME = |declare_KEYWORD({...})`.
///
/// A grammar for one keyword lives in its own file in this folder as a `Parser` extension and is
/// listed in `declarationGrammars`. It parses the body with `declarationBody`, building
/// `DeclarationEntry` values from the parser's own pieces:
/// - `expression()` for a value evaluated once (a title, a default, a list of choices);
/// - `implicitFunction(name:)` for an expression of `it` (`check it > 0`, `when .language != "English"`);
/// - `expressionFunction(of:name:)` for an expression of the declaration's parameters;
/// - `blockFunction(parameters:name:)` for a `{ ... }` block of ordinary statements;
/// - `identifier(_:)`, `isIdentifier`, `accept`, `expect`, `text()`, `atLineEnd` for the words.
extension Parser {
  /// Parses the body of one kind of declaration, after its header.
  typealias DeclarationGrammar = (inout Parser, Declaration) throws -> Void

  /// The declaration keywords and their grammars. A keyword is contextual: it starts a
  /// declaration only when a name follows it.
  nonisolated(unsafe) static var declarationGrammars: [String: DeclarationGrammar] = [
    "form": { parser, decl in try parser.formBody(decl) },
    "report": { p, d in try p.reportGrammar(d) },
    "match": Parser.scoreGrammar,
    "workflow": Parser.workflowGrammar,
    "role": Parser.roleGrammar,
    "retention": Parser.retentionGrammar,
  ]

  /// Whether the current token starts a declaration (`form referral ...`).
  var atDeclaration: Bool {
    guard case .identifier(let k) = token.kind, Parser.declarationGrammars[k] != nil,
      p + 1 < tokens.count, case .identifier = tokens[p + 1].kind
    else { return false }
    return true
  }

  mutating func declaration() throws -> Stmt {
    let start = advance()
    guard case .identifier(let keyword) = start.kind, let grammar = Parser.declarationGrammars[keyword] else {
      throw error("expected a declaration", at: start)
    }
    let name = try identifier("the \(keyword)'s name")
    let decl = Declaration(keyword: keyword, name: name, position: start.position)
    if case .text = token.kind { decl.title = try primary() }
    if accept("(") {
      while !isSymbol(")") {
        let pt = token
        let param = try identifier("a parameter name")
        if decl.parameters.contains(param) { throw error("the parameter \"\(param)\" appears twice", at: pt) }
        decl.parameters.append(param)
        decl.defaults.append(accept("=") ? try expression() : nil)
        if !accept(",") { break }
      }
      try expect(")", "\")\" after the parameters")
    }
    try grammar(&self, decl)
    let call = Expr(
      .call(Expr(.name("|declare_\(keyword)"), start.position, length: keyword.count), [mapExpr(decl)]),
      start.position, length: keyword.count)
    return Stmt(.declare(name: name, mutable: false, value: call), start.position, length: keyword.count)
  }

  /// `{`, then one entry per line until `}`. A line that fails is reported and skipped, so one
  /// run reports every bad line. `line` returns nil for a line it consumed without an entry.
  mutating func declarationBody(
    _ what: String, _ line: (inout Parser) throws -> DeclarationEntry?
  ) throws -> [DeclarationEntry] {
    skipNewlines()
    try expect("{", "\"{\" to start the \(what)")
    var entries: [DeclarationEntry] = []
    while true {
      skipNewlines()
      if isSymbol("}") || atEnd { break }
      do {
        if let entry = try line(&self) { entries.append(entry) }
        if !atLineEnd {
          throw error("expected the end of the line in this \(what), found \(describe(token))")
        }
      } catch {
        synchronize()
      }
    }
    try expect("}", "\"}\" to close the \(what)")
    return entries
  }

  /// At a newline, `}` or the end: where a declaration line may stop.
  var atLineEnd: Bool { atNewline || atEnd || isSymbol("}") || isSymbol(";") }

  /// A plain text literal (no interpolation), such as a status name or a message.
  mutating func text(_ what: String) throws -> String {
    if case .text(let parts) = token.kind, parts.count <= 1 {
      var s = ""
      if case .literal(let l) = parts.first { s = l }
      _ = advance()
      return s
    }
    throw error("expected \(what) in quotes, found \(describe(token))")
  }

  /// An expression as the body of a function of `parameters` (a declaration's, a report's
  /// and its earlier `let`s, a workflow step's record): read by `body`, a whole expression
  /// unless the grammar asks for less (a `require` condition stops before its `,`).
  mutating func expressionFunction(
    of parameters: [String], name: String, _ body: (inout Parser) throws -> Expr = { try $0.expression() }
  ) throws -> FunctionDecl {
    let f = FunctionDecl(
      name: name, parameters: parameters, defaults: parameters.map { _ in nil }, body: [],
      position: token.position)
    functions.append(f)
    defer { finishFunction() }
    let e = try body(&self)
    f.body = [Stmt(.expression(e), e.position, length: e.length)]
    return f
  }

  /// A `{ ... }` block of ordinary statements as the body of a function of `parameters`.
  mutating func blockFunction(parameters: [String], name: String) throws -> FunctionDecl {
    let f = FunctionDecl(
      name: name, parameters: parameters, defaults: parameters.map { _ in nil }, body: [],
      position: token.position)
    functions.append(f)
    defer { finishFunction() }
    f.body = try block()
    return f
  }

  // MARK: - Desugaring to a map literal

  func mapExpr(_ decl: Declaration) -> Expr {
    let at = decl.position
    let pairs: [(String, Expr)] = [
      ("keyword", literal(.text(decl.keyword), at)),
      ("name", literal(.text(decl.name), at)),
      // Where the declaration starts, so a host can point at the whole declaration.
      ("line", literal(.int(at.line), at)),
      ("column", literal(.int(at.column), at)),
      ("title", decl.title ?? literal(.null, at)),
      ("parameters", Expr(.list(decl.parameters.map { literal(.text($0), at) }), at)),
      (
        "defaults",
        Expr(
          .list(
            decl.defaults.map { d in
              guard let d else { return literal(.null, at) }
              // Evaluated when used (`q = this_quarter` means the quarter of the day it runs).
              let f = FunctionDecl(
                name: "default", parameters: [], defaults: [], body: [Stmt(.expression(d), d.position)],
                position: d.position)
              return Expr(.function(f), d.position)
            }), at)
      ),
      ("line", literal(.int(at.line), at)),
      ("column", literal(.int(at.column), at)),
      ("length", literal(.int(decl.keyword.count), at)),
      ("entries", Expr(.list(decl.entries.map { mapExpr($0) }), at)),
    ]
    return Expr(.map(pairs.map { (literal(.text($0.0), at), $0.1) }), at)
  }

  func mapExpr(_ entry: DeclarationEntry) -> Expr {
    let at = entry.position
    var pairs: [(String, Expr)] = [
      ("clause", literal(.text(entry.clause), at)),
      ("line", literal(.int(at.line), at)),
      ("column", literal(.int(at.column), at)),
      ("length", literal(.int(entry.length), at)),
    ]
    for (name, value) in entry.properties { pairs.append((name, expr(value, at))) }
    if !entry.entries.isEmpty {
      pairs.append(("entries", Expr(.list(entry.entries.map { mapExpr($0) }), at)))
    }
    return Expr(.map(pairs.map { (literal(.text($0.0), at), $0.1) }), at)
  }

  func expr(_ value: DeclarationValue, _ at: SourcePosition) -> Expr {
    switch value {
    case .expr(let e): return e
    case .function(let f): return Expr(.function(f), f.position)
    case .text(let s): return literal(.text(s), at)
    case .int(let n): return literal(.int(n), at)
    case .bool(let b): return literal(.bool(b), at)
    case .place(let pos, let length):
      return Expr(
        .map([
          (literal(.text("line"), at), literal(.int(pos.line), at)),
          (literal(.text("column"), at), literal(.int(pos.column), at)),
          (literal(.text("length"), at), literal(.int(length), at)),
        ]), at)
    case .list(let items): return Expr(.list(items.map { expr($0, at) }), at)
    case .condition(let c): return literal(.host(QueryShapeConstant(c)), at)
    }
  }

  func literal(_ v: Value, _ at: SourcePosition) -> Expr { Expr(.literal(v), at) }
}
