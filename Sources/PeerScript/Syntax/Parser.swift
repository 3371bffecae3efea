import PeerCalendar

/// Recursive-descent parser. On an error it records a diagnostic, skips to the end of the
/// statement and goes on, so one run reports every independent mistake.
struct Parser {
  var tokens: [Token]
  var p = 0
  let source: Source
  var diagnostics: [Diagnostic] = []
  /// The functions being parsed, innermost last: to learn which names nested functions use.
  var functions: [FunctionDecl] = []
  /// Stage functions being parsed: `.field` is allowed only inside them.
  var implicitDepth = 0
  /// How deep expressions and blocks are nested, against `maxNesting`.
  var nesting = 0
  static let maxNesting = 200
  /// How many operators the left-leaning chains being parsed hold (`1 + 1 + ...`, `a.b.c`,
  /// `f()()`), against `maxChain`: each makes the tree one level deeper, and the compiler and
  /// the tree's release walk it recursively.
  var chain = 0
  static let maxChain = 500

  static let durationUnits: [String: Int] = [
    "day": 0, "days": 0, "week": 1, "weeks": 1, "month": 2, "months": 2, "year": 3, "years": 3,
  ]
  static let aggregates = Set(AggregateKind.allCases.map(\.rawValue))

  struct Failure: Error {}

  /// The words the host added: record ids and command statements.
  let host: HostSyntax

  public init(source: Source, host: HostSyntax = HostSyntax()) {
    self.source = source
    self.host = host
    self.tokens = Lexer.tokenize(source.text, recordPrefixes: host.recordIDPrefixes)
  }

  init(source: Source, tokens: [Token], host: HostSyntax) {
    self.source = source
    self.tokens = tokens
    self.host = host
  }

  /// Parses a whole script into the body of its main function.
  public static func parse(_ source: Source, host: HostSyntax = HostSyntax()) -> (FunctionDecl, [Diagnostic])
  {
    var parser = Parser(source: source, host: host)
    let main = FunctionDecl(
      name: "<script>", parameters: [], defaults: [], body: [], position: SourcePosition(line: 1, column: 1))
    parser.functions.append(main)
    main.body = parser.statements(until: nil)
    return (main, parser.diagnostics)
  }

  // MARK: - Tokens

  var token: Token { tokens[p] }

  mutating func advance() -> Token {
    let t = tokens[p]
    if p < tokens.count - 1 { p += 1 }
    return t
  }

  func isSymbol(_ s: Symbol) -> Bool {
    if case .symbol(s) = token.kind { return true }
    return false
  }

  func isKeyword(_ k: Keyword) -> Bool {
    if case .keyword(k) = token.kind { return true }
    return false
  }

  func isIdentifier(_ name: String) -> Bool {
    if case .identifier(name) = token.kind { return true }
    return false
  }

  var atNewline: Bool {
    if case .newline = token.kind { return true }
    return false
  }

  var atEnd: Bool {
    if case .end = token.kind { return true }
    return false
  }

  mutating func skipNewlines() {
    while atNewline { _ = advance() }
  }

  mutating func accept(_ s: Symbol) -> Bool {
    if isSymbol(s) {
      _ = advance()
      return true
    }
    return false
  }

  mutating func expect(_ s: Symbol, _ what: String) throws {
    if accept(s) { return }
    throw error("expected \(what), found \(describe(token))")
  }

  mutating func identifier(_ what: String) throws -> String {
    if case .identifier(let name) = token.kind {
      _ = advance()
      return name
    }
    if case .keyword(let k) = token.kind {
      throw error(
        "\"\(k)\" is a reserved word and cannot be used as \(what)",
        hint: "choose another name, such as \"\(k)_\"")
    }
    throw error("expected \(what), found \(describe(token))")
  }

  func describe(_ t: Token) -> String {
    switch t.kind {
    case .identifier(let n): return "\"\(n)\""
    case .keyword(let k): return "\"\(k)\""
    case .int(let n): return "the number \(n)"
    case .float(let d): return "the number \(d)"
    case .date(let d): return "the date \(CivilDate(days: d).iso)"
    case .recordID(let code): return "the record \(code)"
    case .text: return "text"
    case .symbol(let s): return "\"\(s)\""
    case .newline: return "the end of the line"
    case .end: return "the end of the script"
    case .error(let m): return m
    }
  }

  mutating func error(_ message: String, at t: Token? = nil, hint: String? = nil) -> Failure {
    let t = t ?? token
    var message = message
    var hint = hint
    var length = t.length
    if case .error(let m) = t.kind {
      message = m
      length = t.length
      hint = hint ?? Lexer.hint(for: m)
    }
    report(message, at: t.position, length: length, hint: hint)
    return Failure()
  }

  mutating func report(_ message: String, at pos: SourcePosition, length: Int = 1, hint: String? = nil) {
    if diagnostics.contains(where: { $0.position == pos }) { return }
    diagnostics.append(
      Diagnostic(
        file: source.name, position: pos, length: length, message: message, hint: hint,
        sourceLine: source.line(pos.line)))
  }

  /// After an error: skip to the start of the next statement.
  mutating func synchronize() {
    var depth = 0
    while !atEnd {
      if isSymbol("{") { depth += 1 }
      if isSymbol("}") {
        if depth == 0 { return }
        depth -= 1
      }
      if atNewline && depth == 0 {
        _ = advance()
        return
      }
      _ = advance()
    }
  }

  func use(_ name: String) {
    functions.last?.namesUsed.insert(name)
  }

  // MARK: - Statements

  mutating func statements(until closer: Symbol?) -> [Stmt] {
    var body: [Stmt] = []
    while true {
      skipNewlines()
      if atEnd {
        if closer != nil {
          report("expected \"}\" to close this block, found the end of the script", at: token.position)
        }
        return body
      }
      if let closer, isSymbol(closer) { return body }
      if closer == nil, isSymbol("}") {
        report(
          "this \"}\" has no \"{\" to close", at: token.position,
          hint: "remove it, or look for a missing \"{\" above")
        _ = advance()
        continue
      }
      do {
        let stmt = try statement()
        body.append(stmt)
        if !(atNewline || atEnd || (closer != nil && isSymbol(closer!))) {
          throw error(
            "expected the end of the statement, found \(describe(token))", hint: hintForJunk(after: stmt))
        }
      } catch {
        synchronize()
        // synchronize stops before a "}"; at the top level no block will take it, so skip it
        // (else the same statement fails again forever).
        if closer == nil, isSymbol("}") { _ = advance() }
      }
    }
  }

  func hintForJunk(after stmt: Stmt) -> String? {
    // `retrun x`: a misspelt keyword reads as a name followed by junk.
    if case .expression(let e) = stmt.kind, case .name(let name) = e.kind,
      let keyword = closestMatch(to: name, in: Lexer.keywords)
    {
      return "did you mean \"\(keyword)\"?"
    }
    if case .identifier = token.kind {
      return "put each statement on its own line, or separate them with \";\""
    }
    return nil
  }

  mutating func block() throws -> [Stmt] {
    nesting += 1
    defer { nesting -= 1 }
    if nesting > Parser.maxNesting {
      throw error("blocks are nested too deeply (more than \(Parser.maxNesting) levels)")
    }
    try expect("{", "\"{\" to start a block")
    let body = statements(until: "}")
    try expect("}", "\"}\" to close the block")
    return body
  }

  mutating func statement() throws -> Stmt {
    let t = token
    if atDeclaration { return try declaration() }
    if let (word, form) = atCommand() { return try commandStatement(word, form) }
    if case .keyword(let k) = t.kind {
      switch k {
      case "let", "var":
        _ = advance()
        let nameToken = token
        let name = try identifier("a variable name")
        var value: Expr?
        if accept("=") {
          skipNewlines()
          value = try expression()
        } else if k == "let" {
          throw error(
            "\"let \(name)\" needs a value: let \(name) = ...", at: nameToken,
            hint: "use \"var \(name)\" for a variable set later")
        }
        return Stmt(.declare(name: name, mutable: k == "var", value: value), t.position, length: 3)
      case "fn":
        if case .identifier = tokens[p + 1].kind {
          _ = advance()
          let name = try identifier("a function name")
          let decl = try functionRest(name: name, position: t.position)
          return Stmt(.function(decl), t.position)
        }
      case "if": return try ifStatement()
      case "while":
        _ = advance()
        let cond = try expression()
        return Stmt(.whileLoop(cond, try block()), t.position, length: 5)
      case "for":
        _ = advance()
        let first = try identifier("a loop variable")
        var second: String?
        if accept(",") { second = try identifier("a second loop variable") }
        guard isKeyword("in") else {
          throw error("expected \"in\" after the loop variable, found \(describe(token))")
        }
        _ = advance()
        let seq = try expression()
        return Stmt(.forLoop(first, second, seq, try block()), t.position, length: 3)
      case "return":
        _ = advance()
        if atNewline || atEnd || isSymbol("}") { return Stmt(.returnValue(nil), t.position, length: 6) }
        return Stmt(.returnValue(try expression()), t.position, length: 6)
      case "break":
        _ = advance()
        return Stmt(.breakLoop, t.position, length: 5)
      case "continue":
        _ = advance()
        return Stmt(.continueLoop, t.position, length: 8)
      case "record":
        _ = advance()
        let name = try identifier("a record name")
        try expect("(", "\"(\" and the field names: record \(name)(field, ...)")
        var fields: [String] = []
        while !isSymbol(")") {
          let ft = token
          let f = try identifier("a field name")
          if fields.contains(f) { throw error("the field \"\(f)\" is listed twice", at: ft) }
          fields.append(f)
          if !accept(",") { break }
        }
        try expect(")", "\")\" after the field names")
        return Stmt(.record(name: name, fields: fields), t.position, length: 6)
      case "test":
        _ = advance()
        guard case .text(let parts) = token.kind, parts.count <= 1 else {
          throw error("expected the test's name in quotes: test \"what it checks\" { ... }")
        }
        var name = ""
        if case .literal(let s) = parts.first { name = s }
        _ = advance()
        let decl = FunctionDecl(
          name: "test \"\(name)\"", parameters: [], defaults: [], body: [], position: t.position)
        functions.append(decl)
        decl.body = try block()
        finishFunction()
        return Stmt(.test(name: name, body: decl), t.position, length: 4)
      default: break
      }
    }
    let e = try expression()
    if case .symbol(let s) = token.kind, ["=", "+=", "-=", "*=", "/="].contains(s) {
      let opToken = advance()
      switch e.kind {
      case .name, .field, .index: break
      default:
        throw error(
          "cannot assign to this expression", at: opToken,
          hint: "the left of \"\(s)\" must be a variable, a field or an element")
      }
      skipNewlines()
      let value = try expression()
      return Stmt(
        .assign(
          target: e, op: s == "=" ? nil : InfixOperator(rawValue: String(s.rawValue.dropLast())), value: value
        ),
        e.position,
        length: e.length)
    }
    return Stmt(.expression(e), e.position, length: e.length)
  }

  mutating func ifStatement() throws -> Stmt {
    let t = advance()
    let cond = try expression()
    let then = try block()
    var otherwise: [Stmt]?
    // `else` may follow on the next line.
    var look = p
    while case .newline = tokens[look].kind { look += 1 }
    if case .keyword("else") = tokens[look].kind {
      p = look
      _ = advance()
      if isKeyword("if") {
        var links = 0
        defer { chain -= links }
        try lengthenChain(&links, what: "\"else if\" in a row")
        otherwise = [try ifStatement()]
      } else {
        otherwise = try block()
      }
    }
    return Stmt(.ifElse(cond, then, otherwise), t.position, length: 2)
  }

  /// `if` where a value is expected (`let x = if c { a } else { b }`, `map if ... else ...`):
  /// the else is required, since a value is needed whichever way the condition goes.
  mutating func ifExpression() throws -> Expr {
    let t = advance()
    let cond = try expression()
    let then = try block()
    // `else` may follow on the next line, as for the statement.
    var look = p
    while case .newline = tokens[look].kind { look += 1 }
    guard case .keyword("else") = tokens[look].kind else {
      report(
        "an \"if\" used as a value needs an \"else\"", at: t.position, length: 2,
        hint: "add else { ... } with the value to use otherwise (else { nil } for nothing)")
      throw Failure()
    }
    p = look
    _ = advance()
    let otherwise: [Stmt]
    if isKeyword("if") {
      var links = 0
      defer { chain -= links }
      try lengthenChain(&links, what: "\"else if\" in a row")
      let next = try ifExpression()
      otherwise = [Stmt(.expression(next), next.position, length: next.length)]
    } else {
      otherwise = try block()
    }
    return Expr(.ifElse(cond, then, otherwise), t.position, length: 2)
  }

  /// Parameters and body, after `fn name` or `fn`.
  mutating func functionRest(name: String, position: SourcePosition) throws -> FunctionDecl {
    try expect("(", "\"(\" and the parameters")
    var params: [String] = []
    var defaults: [Expr?] = []
    while !isSymbol(")") {
      let pt = token
      let param = try identifier("a parameter name")
      if params.contains(param) { throw error("the parameter \"\(param)\" appears twice", at: pt) }
      params.append(param)
      if accept("=") {
        defaults.append(try expression())
      } else {
        if defaults.contains(where: { $0 != nil }) {
          throw error(
            "the parameter \"\(param)\" needs a default value, because an earlier one has one", at: pt)
        }
        defaults.append(nil)
      }
      if !accept(",") { break }
    }
    try expect(")", "\")\" after the parameters")
    let decl = FunctionDecl(name: name, parameters: params, defaults: defaults, body: [], position: position)
    functions.append(decl)
    defer { finishFunction() }
    if accept("=>") || accept("=") {
      let e = try expression()
      decl.body = [Stmt(.expression(e), e.position, length: e.length)]
    } else {
      decl.body = try block()
    }
    return decl
  }

  mutating func finishFunction() {
    let done = functions.removeLast()
    if let parent = functions.last {
      parent.namesUsedByNested.formUnion(done.namesUsed)
      parent.namesUsed.formUnion(done.namesUsed)
    }
  }

  // MARK: - Expressions

  /// One more link in a left-leaning chain; `links` counts this chain's links, given back when
  /// the chain ends.
  mutating func lengthenChain(_ links: inout Int, what: String = "operators in a chain") throws {
    links += 1
    chain += 1
    if chain > Parser.maxChain {
      throw error("this is nested too deeply (more than \(Parser.maxChain) \(what))")
    }
  }

  mutating func expression() throws -> Expr {
    // Deeply nested brackets would otherwise recurse until the native stack overflows.
    nesting += 1
    defer { nesting -= 1 }
    if nesting > Parser.maxNesting {
      throw error("this expression is nested too deeply (more than \(Parser.maxNesting) levels)")
    }
    var e = try orExpr()
    if isSymbol("|") {
      var stages: [Stage] = []
      while accept("|") {
        skipNewlines()
        stages.append(try stage())
      }
      e = Expr(.pipeline(e, stages), e.position, length: e.length)
    }
    return e
  }

  mutating func stage() throws -> Stage {
    let t = token
    let name: String
    if case .identifier(let n) = t.kind {
      name = n
      _ = advance()
    } else {
      throw error(
        "expected a pipeline stage after \"|\", found \(describe(t))",
        hint:
          "stages are where, sort, take, skip, map, each, distinct, group, count, sum, avg, min, max, median, share, first, last"
      )
    }
    var stage = Stage(name: name, position: t.position, keys: [], arguments: [], more: [])
    let endsStage = { (parser: Parser) -> Bool in
      parser.atNewline || parser.atEnd || parser.isSymbol("|") || parser.isSymbol(")") || parser.isSymbol("}")
        || parser.isSymbol("]") || parser.isSymbol(",")
    }
    switch name {
    case "where", "map", "each", "group", "sort", "distinct", "sum", "avg", "min", "max", "median":
      if endsStage(self) {
        if ["where", "map", "each", "group", "sort"].contains(name) {
          throw error("\"\(name)\" needs an expression, such as \(name) .field")
        }
        break
      }
      // `group by month(.date)`: `by` is a keyword only here, right after `group`.
      if name == "group" && isIdentifier("by") {
        _ = advance()
        stage.byPeriod = true
      } else if name == "group" && isIdentifier("each") {
        _ = advance()
        stage.eachElement = true
      }
      repeat {
        let parenthesised = isSymbol("(") && ["sum", "avg", "min", "max", "median"].contains(name)
        let key = try implicitFunction(name: name)
        var descending = false
        if name == "sort" {
          if isIdentifier("desc") {
            _ = advance()
            descending = true
          } else if isIdentifier("asc") {
            _ = advance()
          } else if isIdentifier("descending") || isIdentifier("ascending") {
            // SQL's and LINQ's long words: name the short one instead of "expected the end".
            let word = isIdentifier("descending") ? "desc" : "asc"
            throw error(
              "sort orders are written \"\(word)\" in Peer script", hint: "write: sort .field \(word)")
          }
        }
        _ = parenthesised
        stage.keys.append((key, descending, nil))
      } while name == "sort" && accept(",")
      // `group .referrer as source`: the key's column name (before or after `over`).
      if name == "group" && isIdentifier("as") {
        _ = advance()
        stage.keys[0].label = try identifier("a column name after \"as\"")
      }
      if stage.byPeriod && isIdentifier("over") {
        _ = advance()
        stage.arguments.append(try orExpr())
      }
      if name == "group" && stage.keys[0].label == nil && isIdentifier("as") {
        _ = advance()
        stage.keys[0].label = try identifier("a column name after \"as\"")
      }
    case "count" where isIdentifier("distinct"):
      // `count distinct .mother`: how many different values.
      _ = advance()
      stage.name = "count_distinct"
      if endsStage(self) {
        throw error("\"count distinct\" needs an expression, such as count distinct .mother")
      }
      stage.keys.append((try implicitFunction(name: stage.name), false, nil))
    case let n where ["first", "last", "count"].contains(n) && isSymbol("."):
      // `first .date`, `count .concern`: an aggregate of a per-item expression (the first
      // value; how many items have a true value), not `first 3`.
      stage.keys.append((try implicitFunction(name: name), false, nil))
    case "take", "skip", "first", "last":
      if !endsStage(self) { stage.arguments.append(try orExpr()) }
    case "count", "share":
      break
    case let n where (n == "filter" || n == "select") && !isSymbol("(") && !endsStage(self):
      // LINQ's and SQL's words (and Python's filter) written as stages: name Peer script's.
      let fix = name == "filter" ? "where" : "map"
      throw error(
        "\"\(name)\" is not a pipeline stage", at: t,
        hint: "write \(fix): xs | \(fix) .\(name == "filter" ? "age > 20" : "name")")
    default:
      if accept("(") {
        skipNewlines()
        while !isSymbol(")") {
          stage.arguments.append(try expression())
          skipNewlines()
          if !accept(",") { break }
          skipNewlines()
        }
        try expect(")", "\")\" after the arguments")
      }
    }
    if Parser.aggregates.contains(name) {
      if isIdentifier("as") {
        _ = advance()
        let label = try identifier("a column name after \"as\"")
        if stage.keys.isEmpty {
          stage.keys.append(
            (
              FunctionDecl(name: "", parameters: [], defaults: [], body: [], position: t.position), false,
              label
            ))
          stage.keys[0].0.isImplicit = false
        } else {
          stage.keys[0].label = label
        }
      }
      // `count, sum(.minutes)`: a comma followed by another aggregate continues the stage;
      // any other comma belongs to the enclosing list of arguments.
      var look = min(p + 1, tokens.count - 1)  // the stage may end the script
      while case .newline = tokens[look].kind { look += 1 }
      if isSymbol(","), case .identifier(let next) = tokens[look].kind, Parser.aggregates.contains(next) {
        p = look
        let next = try self.stage()
        stage.more = [next] + next.more
      }
    }
    return stage
  }

  /// Parses an expression as the body of a function of `it` (a stage's per-item expression).
  mutating func implicitFunction(name: String) throws -> FunctionDecl {
    let decl = FunctionDecl(
      name: name, parameters: ["it"], defaults: [nil], body: [], position: token.position)
    decl.isImplicit = true
    functions.append(decl)
    implicitDepth += 1
    defer {
      implicitDepth -= 1
      finishFunction()
    }
    let e = try orExpr()
    decl.body = [Stmt(.expression(e), e.position, length: e.length)]
    return decl
  }

  mutating func orExpr() throws -> Expr {
    var left = try andExpr()
    var links = 0
    defer { chain -= links }
    while isKeyword("or") {
      try lengthenChain(&links)
      _ = advance()
      skipNewlines()
      let right = try andExpr()
      left = Expr(.or(left, right), left.position, length: left.length)
    }
    return left
  }

  mutating func andExpr() throws -> Expr {
    var left = try notExpr()
    var links = 0
    defer { chain -= links }
    while isKeyword("and") {
      try lengthenChain(&links)
      _ = advance()
      skipNewlines()
      let right = try notExpr()
      left = Expr(.and(left, right), left.position, length: left.length)
    }
    return left
  }

  mutating func notExpr() throws -> Expr {
    if isKeyword("not") {
      nesting += 1
      defer { nesting -= 1 }
      if nesting > Parser.maxNesting { throw error("too many \"not\" in a row") }
      let t = advance()
      let operand = try notExpr()
      return Expr(.unary(.not, operand), t.position, length: 3)
    }
    return try comparison()
  }

  mutating func comparison() throws -> Expr {
    var left = try intersection()
    var links = 0
    defer { chain -= links }
    while true {
      let t = token
      var op: InfixOperator?
      if case .symbol(let s) = t.kind, let o = InfixOperator(s), o.isComparison { op = o }
      if isKeyword("in") { op = .inside }
      if isKeyword("not"), case .keyword("in") = tokens[p + 1].kind { op = .notInside }
      guard let op else { return left }
      try lengthenChain(&links)
      _ = advance()
      if op == .notInside { _ = advance() }
      skipNewlines()
      let right = try intersection()
      left = Expr(.binary(op, left, right), t.position, length: op.rawValue.count)
    }
  }

  /// `a & b`: the items of list a also in list b (`m.languages & v.languages`), a call of the
  /// built-in `|both`, which no script can name.
  mutating func intersection() throws -> Expr {
    var left = try rangeExpr()
    var links = 0
    defer { chain -= links }
    while isSymbol("&") {
      try lengthenChain(&links)
      let t = advance()
      skipNewlines()
      let right = try rangeExpr()
      left = Expr(.call(Expr(.name("|both"), t.position, length: 1), [left, right]), t.position, length: 1)
    }
    return left
  }

  mutating func rangeExpr() throws -> Expr {
    let left = try additive()
    if isSymbol("..") || isSymbol("..<") {
      let t = advance()
      let right = try additive()
      return Expr(.range(left, right, exclusive: t.kind == .symbol("..<")), t.position, length: t.length)
    }
    return left
  }

  mutating func additive() throws -> Expr {
    var left = try multiplicative()
    var links = 0
    defer { chain -= links }
    while isSymbol("+") || isSymbol("-") {
      try incrementSlip(after: left)
      try lengthenChain(&links)
      let t = advance()
      skipNewlines()
      let right = try multiplicative()
      if case .symbol(let s) = t.kind, let op = InfixOperator(s) {
        left = Expr(.binary(op, left, right), t.position)
      }
    }
    return left
  }

  /// `count++` / `count--` from C or JavaScript: two signs side by side ending the statement
  /// would otherwise read as an addition missing its right side.
  mutating func incrementSlip(after left: Expr) throws {
    guard case .symbol(let sign) = token.kind, p + 2 < tokens.count,
      tokens[p + 1].kind == .symbol(sign), !tokens[p + 1].afterNewline,
      tokens[p + 1].position == SourcePosition(line: token.position.line, column: token.position.column + 1)
    else { return }
    switch tokens[p + 2].kind {
    case .newline, .end, .symbol("}"), .symbol(")"): break
    default: return
    }
    var target = "x"
    if case .name(let n) = left.kind { target = n }
    if case .field(let object, let f) = left.kind, case .name(let n) = object.kind { target = "\(n).\(f)" }
    report(
      "\"\(sign)\(sign)\" is not an operator in Peer script", at: token.position, length: 2,
      hint: "write \(target) \(sign)= 1")
    throw Failure()
  }

  mutating func multiplicative() throws -> Expr {
    var left = try unary()
    var links = 0
    defer { chain -= links }
    while isSymbol("*") || isSymbol("/") || isSymbol("//") || isSymbol("%") {
      try lengthenChain(&links)
      let t = advance()
      skipNewlines()
      let right = try unary()
      if case .symbol(let s) = t.kind, let op = InfixOperator(s) {
        left = Expr(.binary(op, left, right), t.position, length: s.rawValue.count)
      }
    }
    return left
  }

  mutating func unary() throws -> Expr {
    if isSymbol("-") {
      nesting += 1
      defer { nesting -= 1 }
      if nesting > Parser.maxNesting { throw error("too many \"-\" in a row") }
      let t = advance()
      let operand = try unary()
      if case .literal(.int(let n)) = operand.kind { return Expr(.literal(.int(-n)), t.position) }
      if case .literal(.float(let d)) = operand.kind { return Expr(.literal(.float(-d)), t.position) }
      return Expr(.unary(.negate, operand), t.position)
    }
    return try postfix()
  }

  mutating func postfix() throws -> Expr {
    var e = try primary()
    var links = 0
    defer { chain -= links }
    while true {
      if isSymbol("(") || isSymbol("[") || isSymbol(".") { try lengthenChain(&links) }
      if isSymbol("("), !token.afterNewline {
        let t = advance()
        let args = try arguments(closing: ")")
        if case .field(let target, let name) = e.kind {
          e = Expr(.method(target, name, args), e.position, length: e.length)
        } else {
          e = Expr(.call(e, args), t.position, length: 1)
        }
      } else if isSymbol("["), !token.afterNewline {
        let t = advance()
        skipNewlines()
        let index = try expression()
        skipNewlines()
        try expect("]", "\"]\" after the index")
        e = Expr(.index(e, index), t.position)
      } else if isSymbol(".") {
        let t = advance()
        let nameToken = token
        let name = try fieldName()
        e = Expr(.field(e, name), nameToken.position, length: max(1, name.count))
        _ = t
      } else {
        return e
      }
    }
  }

  mutating func fieldName() throws -> String {
    switch token.kind {
    case .identifier(let n):
      _ = advance()
      return n
    case .keyword(let k):
      _ = advance()
      return k.rawValue
    default:
      throw error("expected a field name after \".\", found \(describe(token))")
    }
  }

  mutating func arguments(closing: Symbol) throws -> [Expr] {
    var args: [Expr] = []
    skipNewlines()
    while !isSymbol(closing) {
      args.append(try expression())
      skipNewlines()
      if !accept(",") { break }
      skipNewlines()
    }
    try expect(closing, "\"\(closing)\" to close the \(closing == "]" ? "list" : "list of arguments")")
    return args
  }

  mutating func primary() throws -> Expr {
    let t = token
    switch t.kind {
    case .int(let n):
      _ = advance()
      return try durationSuffix(Expr(.literal(.int(n)), t.position, length: t.length))
    case .float(let d):
      _ = advance()
      return try durationSuffix(Expr(.literal(.float(d)), t.position, length: t.length))
    case .date(let d):
      _ = advance()
      return Expr(.literal(.date(d)), t.position, length: t.length)
    case .recordID(let code):
      // `M-0042` asks the host for that record (an error when no project is open).
      _ = advance()
      let lookup = Expr(.name("|record"), t.position, length: t.length)
      return Expr(
        .call(lookup, [Expr(.literal(.text(code)), t.position, length: t.length)]), t.position,
        length: t.length)
    case .text(let parts):
      _ = advance()
      return try interpolation(parts, at: t)
    case .identifier(let name):
      _ = advance()
      use(name)
      return Expr(.name(name), t.position, length: name.count)
    case .keyword(let k):
      switch k {
      case "true", "false":
        _ = advance()
        return Expr(.literal(.bool(k == "true")), t.position, length: k.rawValue.count)
      case "nil":
        _ = advance()
        return Expr(.literal(.null), t.position, length: 3)
      case "fn":
        _ = advance()
        let decl = try functionRest(name: "fn", position: t.position)
        return Expr(.function(decl), t.position, length: 2)
      case "if":
        return try ifExpression()
      default:
        throw error("expected a value, found \"\(k)\"")
      }
    case .symbol(let s):
      switch s {
      case "(":
        _ = advance()
        skipNewlines()
        let e = try expression()
        skipNewlines()
        try expect(")", "\")\" to close \"(\"")
        return e
      case "[":
        _ = advance()
        return Expr(.list(try arguments(closing: "]")), t.position)
      case "{":
        _ = advance()
        return try mapLiteral(at: t)
      case ".":
        // `.field` inside a stage: the field of the current item.
        _ = advance()
        let nameToken = token
        let name = try fieldName()
        if implicitDepth == 0 {
          report(
            "\".\(name)\" can only be used in a pipeline stage, where it means a field of the current item",
            at: t.position, length: name.count + 1,
            hint: "write it.\(name) inside a stage, or name the value: x.\(name)")
        }
        use("it")
        let it = Expr(.name("it"), t.position, length: 1)
        return Expr(.field(it, name), nameToken.position, length: name.count)
      default:
        throw error("expected a value, found \"\(s)\"")
      }
    case .newline:
      throw error("expected a value, found the end of the line")
    case .end:
      throw error("expected a value, found the end of the script")
    case .error:
      throw error("")
    }
  }

  mutating func durationSuffix(_ number: Expr) throws -> Expr {
    if case .identifier(let unit) = token.kind, let code = Parser.durationUnits[unit], !token.afterNewline {
      let t = advance()
      if case .literal(.int(let n)) = number.kind {
        let (count, o) = n.multipliedReportingOverflow(by: code == 1 ? 7 : code == 3 ? 12 : 1)
        guard !o, let n32 = Int32(exactly: count) else {
          throw error(
            "\(n) \(unit) is too long for a duration (it holds up to 2147483647 days or months)", at: t)
        }
        let d = code < 2 ? Duration(days: n32) : Duration(months: n32)
        return Expr(
          .literal(.duration(d)), number.position,
          length: t.position.column + t.length - number.position.column)
      }
      throw error("a duration needs a whole number of \(unit)", at: t)
    }
    return number
  }

  mutating func mapLiteral(at t: Token) throws -> Expr {
    var pairs: [(Expr, Expr)] = []
    skipNewlines()
    while !isSymbol("}") {
      let kt = token
      let key: Expr
      switch kt.kind {
      case .identifier(let name):
        _ = advance()
        key = Expr(.literal(.text(name)), kt.position, length: name.count)
      case .keyword(let k):
        _ = advance()
        key = Expr(.literal(.text(k.rawValue)), kt.position, length: k.rawValue.count)
      case .text(let parts):
        _ = advance()
        key = try interpolation(parts, at: kt)
      case .int(let n):
        _ = advance()
        key = Expr(.literal(.int(n)), kt.position)
      default:
        throw error("expected a key (a name or text) in the map, found \(describe(kt))")
      }
      guard accept(":") else {
        throw error(
          "expected \":\" after the key, found \(describe(token))",
          hint: "maps are written {name: value, ...}")
      }
      skipNewlines()
      pairs.append((key, try expression()))
      skipNewlines()
      if !accept(",") { break }
      skipNewlines()
    }
    try expect("}", "\"}\" to close the map")
    return Expr(.map(pairs), t.position)
  }

  mutating func interpolation(_ parts: [TextPart], at t: Token) throws -> Expr {
    if parts.count == 1, case .literal(let s) = parts[0] {
      return Expr(.literal(.text(s)), t.position, length: t.length)
    }
    var out: [InterpolationPart] = []
    for part in parts {
      switch part {
      case .literal(let s): out.append(.literal(s))
      case .code(let code, let pos):
        var inner = Parser(
          source: source,
          tokens: Lexer.tokenize(
            code, line: pos.line, column: pos.column, recordPrefixes: host.recordIDPrefixes),
          host: host)
        inner.functions = functions
        inner.implicitDepth = implicitDepth
        inner.nesting = nesting + 1
        inner.chain = chain
        inner.skipNewlines()
        if inner.atEnd {
          report("empty \"{}\" in text", at: pos, hint: "write \\{ for a literal brace")
          throw Failure()
        }
        do {
          let e = try inner.expression()
          if !inner.atEnd { throw inner.error("unexpected \(inner.describe(inner.token)) in \"{...}\"") }
          out.append(.expr(e))
        } catch {
          diagnostics.append(contentsOf: inner.diagnostics)
          throw Failure()
        }
        diagnostics.append(contentsOf: inner.diagnostics)
      }
    }
    return Expr(.interpolation(out), t.position, length: t.length)
  }
}

extension Parser {
  /// A command statement the host registered (HostSyntax): its word followed by the start of
  /// a value rather than `(`, so the plain calls `save(x, "f.csv")` and `suggest(m)` and
  /// variables of those names still work.
  func atCommand() -> (String, CommandForm)? {
    guard case .identifier(let w) = token.kind, let form = host.commands[w], p + 1 < tokens.count else {
      return nil
    }
    switch tokens[p + 1].kind {
    case .identifier, .int, .float, .date, .text, .recordID: return (w, form)
    case .symbol(let s): return s == "[" || s == "{" ? (w, form) : nil
    default: return nil
    }
  }

  /// The statement as a call: `save _ to "f.csv"` is `save(_, "f.csv")`, `suggest all` is
  /// `suggest_all()`.
  mutating func commandStatement(_ word: String, _ form: CommandForm) throws -> Stmt {
    let start = advance()
    let length = word.count
    func call(_ name: String, _ arguments: [Expr]) -> Stmt {
      let callee = Expr(.name(name), start.position, length: length)
      return Stmt(
        .expression(Expr(.call(callee, arguments), start.position, length: length)), start.position,
        length: length)
    }
    if case .identifier(let w) = token.kind, let function = form.alone[w], p + 1 < tokens.count,
      tokens[p + 1].kind == .newline || tokens[p + 1].kind == .end
    {
      _ = advance()
      return call(function, [])
    }
    var arguments = [try expression()]
    for joiner in form.joiners {
      guard isIdentifier(joiner.word) else {
        throw error(
          "expected \"\(joiner.word)\" and \(joiner.then) after the value to \(word), found \(describe(token))",
          hint: "for example: \(form.example)")
      }
      _ = advance()
      arguments.append(try expression())
    }
    return call(word, arguments)
  }
}
