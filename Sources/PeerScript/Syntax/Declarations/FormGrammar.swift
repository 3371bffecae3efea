/// The grammar of `form NAME "title" { ... }`. One line per question:
///
///     creates mother                                  # the kind of record it makes
///     section "About her" { ...questions... }
///     name        text      required  help "Her full name as she uses it"
///     due_date    date      required  check it > today - 4 weeks "That due date is too far in the past"
///     language    choice(languages) default "English"
///     service     choice(services) where .area == answers.area
///     minutes     number 0..600
///     interpreter yesno     when .language != "English"
///     nickname    text      to preferred_name         # saved in another field
///     children    repeat "Other children" { ...questions... }
///     weeks_pregnant = weeks_pregnant(.due_date, today)
///
/// Inside `when` and a computed field, `it` (and `.x`) are the answers so far; inside `check`,
/// `it` is the answer and `answers` the answers so far; inside a choice's `where`, `it` is one
/// choice. The fields each expression names are recorded as `refs` so the host can check, when
/// the form loads, that they exist and come earlier.
extension Parser {
  static let formTypes = [
    "text", "long", "number", "yesno", "date", "choice", "choices", "phone", "email", "postcode", "repeat",
  ]

  mutating func formBody(_ decl: Declaration) throws {
    decl.entries = try declarationBody("form") { p in try p.formLine() }
  }

  mutating func formLine() throws -> DeclarationEntry? {
    let at = token
    let word = try identifier("a question's name, \"section\" or \"creates\"")
    if word == "creates" {
      var entry = DeclarationEntry(clause: "creates", position: at.position, length: word.count)
      let kindToken = token
      entry.set("kind", .text(try identifier("a kind of record, such as mother")))
      entry.set("place", .place(kindToken.position, length: kindToken.length))
      return entry
    }
    if word == "section", case .text = token.kind {
      var entry = DeclarationEntry(clause: "section", position: at.position, length: word.count)
      entry.set("title", .text(try text("the section's title")))
      entry.entries = try declarationBody("section") { p in try p.formLine() }
      return entry
    }
    if accept("=") {
      var entry = DeclarationEntry(clause: "computed", position: at.position, length: word.count)
      entry.set("name", .text(word))
      let (f, refs) = try formFunction(parameters: ["it"], name: word, implicitAnswers: true)
      entry.set("value", .function(f))
      entry.set("refs", refs)
      return entry
    }
    var entry = DeclarationEntry(clause: "field", position: at.position, length: word.count)
    entry.set("name", .text(word))
    let typeToken = token
    guard case .identifier(var type) = token.kind, Parser.formTypes.contains(type) else {
      throw error(
        "expected the type of \"\(word)\", found \(describe(token))",
        hint:
          "the types are text, long text, number, yesno, date, choice(...), choices(...), phone, email, postcode, repeat"
      )
    }
    _ = advance()
    if type == "long" {
      guard isIdentifier("text") else { throw error("expected \"text\" after \"long\"") }
      _ = advance()
      type = "long text"
    }
    entry.set("type", .text(type))
    entry.set("type_place", .place(typeToken.position, length: typeToken.length))
    switch type {
    case "choice", "choices":
      let open = token
      try expect("(", "\"(\" and the choices: \(type)(\"a\", \"b\") or \(type)(a_list)")
      // A function, so choices from a query (`choice(services)`) are read afresh each time.
      let f = FunctionDecl(name: "choices", parameters: [], defaults: [], body: [], position: open.position)
      functions.append(f)
      var items: [Expr] = []
      do {
        defer { finishFunction() }
        while !isSymbol(")") {
          skipNewlines()
          items.append(try expression())
          skipNewlines()
          if !accept(",") { break }
        }
      }
      if items.isEmpty {
        throw error(
          "\"\(word)\" has no choices", at: open,
          hint: "give them like: \(type)(\"a\", \"b\") or \(type)(a_list)")
      }
      try expect(")", "\")\" after the choices")
      let list = Expr(.list(items), open.position, length: 1)
      f.body = [Stmt(.expression(list), open.position)]
      entry.set("choices", .function(f))
      // Choices written out as texts are also given as they are, so the host can tell a
      // script comparing the answer with a text none of them is (a typo).
      let texts = items.compactMap { item -> DeclarationValue? in
        guard case .literal(.string(let s)) = item.kind else { return nil }
        return .text(s.value)
      }
      if texts.count == items.count { entry.set("fixed_choices", .list(texts)) }
    case "number":
      if !atLineEnd, !isFormModifier { entry.set("range", .expr(try expression())) }
    case "repeat":
      if case .text = token.kind { entry.set("title", .text(try text("the group's title"))) }
    default: break
    }
    var checks: [DeclarationEntry] = []
    while !atLineEnd && !(type == "repeat" && isSymbol("{")) {
      let m = token
      guard isFormModifier, case .identifier(let modifier) = m.kind else {
        throw error(
          "expected required, default, when, check, where, help or to, found \(describe(token))")
      }
      _ = advance()
      switch modifier {
      case "required": entry.set("required", .bool(true))
      case "default": entry.set("default", .expr(try expression()))
      case "help": entry.set("help", .text(try text("the help text")))
      case "to": entry.set("to", .text(try identifier("the field the answer is saved in")))
      case "when":
        let (f, refs) = try formFunction(parameters: ["it"], name: "when", implicitAnswers: true)
        entry.set("when", .function(f))
        entry.set("when_refs", refs)
        // A simple condition also as its query shape (ItemCondition), its constants
        // evaluated when the declaration runs, so a printed form can say it in words.
        if let shape = QueryShape.analyse(f) {
          entry.set("when_shape", .condition(shape.shape))
          entry.set("when_constants", .list(shape.constants.map { .expr($0) }))
        }
      case "where":
        let (f, refs) = try formFunction(
          parameters: ["it", "answers"], name: "where", implicitAnswers: false)
        entry.set("filter", .function(f))
        entry.set("filter_refs", refs)
      default:  // check
        var check = DeclarationEntry(clause: "check", position: m.position, length: modifier.count)
        let (f, refs) = try formFunction(
          parameters: ["it", "answers"], name: "check", implicitAnswers: false)
        check.set("test", .function(f))
        check.set("refs", refs)
        check.set("message", .text(try text("the message shown when the check fails")))
        checks.append(check)
      }
    }
    if type == "repeat" { entry.entries = try declarationBody("repeated group") { p in try p.formLine() } }
    entry.entries += checks
    return entry
  }

  private var isFormModifier: Bool {
    guard case .identifier(let w) = token.kind else { return false }
    return ["required", "default", "when", "check", "where", "help", "to"].contains(w)
  }

  /// An expression compiled as a function, with the answers it names: `.x` (when
  /// `implicitAnswers`) and `answers.x`, each as `[name, place]`.
  private mutating func formFunction(
    parameters: [String], name: String, implicitAnswers: Bool
  ) throws -> (FunctionDecl, DeclarationValue) {
    let f = FunctionDecl(
      name: name, parameters: parameters, defaults: parameters.map { _ in nil }, body: [],
      position: token.position)
    f.isImplicit = true
    functions.append(f)
    implicitDepth += 1
    let first = p
    defer {
      implicitDepth -= 1
      finishFunction()
    }
    let e = try orExpr()
    f.body = [Stmt(.expression(e), e.position, length: e.length)]
    var refs: [DeclarationValue] = []
    var i = first
    while i + 1 < p {
      if case .symbol(".") = tokens[i].kind, case .identifier(let field) = tokens[i + 1].kind {
        let afterValue = i > first && Self.endsValue(tokens[i - 1])
        var isAnswer = implicitAnswers && !afterValue
        if afterValue, case .identifier("answers") = tokens[i - 1].kind { isAnswer = true }
        if isAnswer {
          refs.append(.list([.text(field), .place(tokens[i + 1].position, length: field.count)]))
        }
      }
      i += 1
    }
    return (f, .list(refs))
  }

  /// Whether a token can end a value, so a `.` after it reads a field of that value.
  private static func endsValue(_ t: Token) -> Bool {
    switch t.kind {
    case .identifier, .int, .float, .date, .text, .recordID: return true
    case .keyword(let k): return ["true", "false", "nil"].contains(k)
    case .symbol(let s): return [")", "]", "}"].contains(s)
    default: return false
    }
  }
}
