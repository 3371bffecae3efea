/// The grammar of `match score(m, v) { ... }`: how well a volunteer suits a mother, as criteria
/// that each give points with a reason, and hard requirements that rule a pair out.
///
/// ```
/// match score(m, v) {
///   require v.dbs_checked_on > today - 3 years, "{v.name}'s DBS check has expired"
///   +3 "speaks {m.language}"      if m.language in v.languages
///   +2 "shared experience: {tag}" for each tag in m.vulnerabilities & v.experiences
///   -1 "per 2 km apart"           per 2 km in distance(m, v)
///   +1 "has room"                 (a criterion without a condition always counts)
/// }
/// ```
///
/// Each line becomes an entry: `{clause: "criterion", points, reason, kind: "if" | "each" |
/// "per" | "always", ...}` or `{clause: "require", test, message}`. Every expression is a function
/// of the declaration's parameters (and of the loop's name in a `for each` reason), and each entry
/// lists in `uses` which parameters its tests read, so the host can work out a criterion that
/// depends on the volunteer alone once per volunteer instead of once per pair.
extension Parser {
  static func scoreGrammar(_ parser: inout Parser, _ decl: Declaration) throws {
    if decl.parameters.count != 2 {
      throw parser.error(
        "a match score takes two parameters, the mother and the volunteer",
        hint: "write it as: match \(decl.name)(m, v) { ... }")
    }
    decl.entries = try parser.declarationBody("match score") { p in
      try p.scoreLine(decl)
    }
  }

  private mutating func scoreLine(_ decl: Declaration) throws -> DeclarationEntry? {
    let start = token
    if isIdentifier("require") {
      _ = advance()
      var entry = DeclarationEntry(clause: "require", position: start.position, length: 7)
      let test = try expressionFunction(of: decl.parameters, name: "require")
      try expect(",", "\",\" and a message after the requirement (require CONDITION, \"message\")")
      let message = try expressionFunction(of: decl.parameters, name: "message") { p in try p.reasonText() }
      entry.set("test", .function(test))
      entry.set("message", .function(message))
      entry.set("uses", uses(decl.parameters, [test]))
      return entry
    }

    let points = try pointsLiteral()
    var entry = DeclarationEntry(
      clause: "criterion", position: start.position,
      length: token.position.column - start.position.column)
    entry.set("points", .expr(Expr(.literal(points), start.position)))

    // The reason is parsed before we know the loop's name; it is re-read below for `for each`.
    let reasonAt = p
    var reason = try expressionFunction(of: decl.parameters, name: "reason") { p in try p.reasonText() }

    if isKeyword("if") {
      _ = advance()
      let test = try expressionFunction(of: decl.parameters, name: "if")
      entry.set("kind", .text("if"))
      entry.set("test", .function(test))
      entry.set("uses", uses(decl.parameters, [test]))
    } else if isKeyword("for") {
      _ = advance()
      guard isIdentifier("each") else {
        throw error("expected \"each\" after \"for\" (for each tag in m.vulnerabilities & v.experiences)")
      }
      _ = advance()
      let name = try identifier("a name for each item")
      if decl.parameters.contains(name) {
        throw error("\"\(name)\" is already the name of a parameter; choose another name for each item")
      }
      guard isKeyword("in") else { throw error("expected \"in\" after \"for each \(name)\"") }
      _ = advance()
      let items = try expressionFunction(of: decl.parameters, name: "items")
      let functions = [items]
      entry.set("kind", .text("each"))
      entry.set("variable", .text(name))
      entry.set("items", .function(items))
      entry.set("uses", uses(decl.parameters, functions))
      let end = p
      p = reasonAt
      reason = try expressionFunction(of: decl.parameters + [name], name: "reason") { p in try p.reasonText()
      }
      p = end
    } else if isIdentifier("per") {
      _ = advance()
      let stepToken = token
      switch stepToken.kind {
      case .int, .float: break
      default: throw error("expected a number after \"per\" (per 2 km in distance(m, v))")
      }
      let step = try primary()  // a duration when a unit of time follows: `per 4 weeks in ...`
      if case .literal(let v) = step.kind, (v.asDouble ?? 1) <= 0 {
        throw error("the step after \"per\" must be more than zero", at: stepToken)
      }
      var unit = ""
      if case .identifier(let word) = token.kind, !token.afterNewline {
        unit = word
        _ = advance()
      }
      guard isKeyword("in") else {
        throw error("expected \"in\" and what to measure (per 2 km in distance(m, v))")
      }
      _ = advance()
      let measure = try expressionFunction(of: decl.parameters, name: "per")
      entry.set("kind", .text("per"))
      entry.set("step", .expr(step))
      entry.set("unit", .text(unit))
      entry.set("measure", .function(measure))
      entry.set("uses", uses(decl.parameters, [measure]))
    } else {
      entry.set("kind", .text("always"))
      entry.set("uses", .list([]))
    }
    entry.set("reason", .function(reason))
    return entry
  }

  /// `+3`, `-1`, `+0.5` or `2`: the points a criterion gives.
  private mutating func pointsLiteral() throws -> Value {
    var sign = 1.0
    if accept("-") { sign = -1 } else { _ = accept("+") }
    switch token.kind {
    case .int(let n):
      _ = advance()
      return .int(Int(sign) * n)
    case .float(let d):
      _ = advance()
      return .float(sign * d)
    default:
      throw error(
        "expected the points a criterion gives (+3 \"speaks {m.language}\" if ...) or \"require\", found \(describe(token))",
        hint:
          "each line of a match score is a criterion such as +2 \"lives nearby\" if ..., or require CONDITION, \"message\""
      )
    }
  }

  /// The reason shown beside the points: text in quotes, which may use the parameters.
  private mutating func reasonText() throws -> Expr {
    guard case .text = token.kind else {
      throw error(
        "expected the reason in quotes, found \(describe(token))", hint: "+3 \"speaks {m.language}\" if ...")
    }
    return try primary()
  }

  /// The parameters the functions read: a test that reads only `v` is the same for every mother.
  private func uses(_ parameters: [String], _ functions: [FunctionDecl]) -> DeclarationValue {
    .list(parameters.filter { name in functions.contains { $0.namesUsed.contains(name) } }.map { .text($0) })
  }
}
