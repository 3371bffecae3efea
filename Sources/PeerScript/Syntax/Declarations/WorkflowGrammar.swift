/// `workflow support { ... }`: the statuses of a kind of record and the steps between them.
///
/// ```
/// workflow support {
///   of mother                                   # which records (mother, match or volunteer)
///   referred -> assessed -> waiting -> matched  # allowed steps, left to right
///   referred, assessed, waiting -> declined     # several statuses may lead to one
///   guard matched(m) {                          # must hold before m enters "matched"
///     require m.consent, "{m.name} has not given her consent"
///   }
///   on enter matched(m) { m.matched_on = today }  # actions when a record enters/leaves a status
///   on leave waiting(m) { ... }
///   every day "first contact" {                 # a scheduled rule: tasks and flags
///     for x in matches | where ... { task(x, "Call {x.mother.name}", x.started_on + 7 days) }
///   }
/// }
/// ```
///
/// Entries the host receives: `{clause: "of", kind}`, `{clause: "steps", steps: [[from...], [to...], ...]}`,
/// `{clause: "guard", status, entries: [{clause: "require", condition, message}]}` and
/// `{clause: "on", event: "enter"|"leave", status, action}`, `{clause: "rule", name, action}`. Conditions, messages and actions
/// are functions of the record.
extension Parser {
  static func workflowGrammar(_ parser: inout Parser, _ decl: Declaration) throws {
    decl.entries = try parser.declarationBody("workflow") { p in try p.workflowLine() }
  }

  mutating func workflowLine() throws -> DeclarationEntry? {
    let at = token
    if isIdentifier("of") {
      _ = advance()
      var entry = DeclarationEntry(clause: "of", position: at.position, length: 2)
      entry.set("kind", .text(try identifier("the kind of record (mother, match or volunteer)")))
      return entry
    }
    if isIdentifier("guard"), p + 1 < tokens.count, tokens[p + 1].isNameOrText {
      _ = advance()
      let status = try statusName()
      let parameter = try recordParameter()
      var entry = DeclarationEntry(clause: "guard", position: at.position, length: 5)
      entry.set("status", .text(status))
      entry.entries = try declarationBody("guard") { p in
        let rt = p.token
        guard p.isIdentifier("require") else {
          throw p.error(
            "expected \"require CONDITION, \"message\"\" in this guard, found \(p.describe(p.token))")
        }
        _ = p.advance()
        var line = DeclarationEntry(clause: "require", position: rt.position, length: 7)
        line.set(
          "condition",
          .function(try p.expressionFunction(of: [parameter], name: "require") { try $0.orExpr() }))
        try p.expect(",", "\",\" and the message to show when the condition does not hold")
        line.set(
          "message", .function(try p.expressionFunction(of: [parameter], name: "message") { try $0.orExpr() })
        )
        return line
      }
      return entry
    }
    if isIdentifier("on"), p + 1 < tokens.count, case .identifier = tokens[p + 1].kind {
      _ = advance()
      let et = token
      let event = try identifier("\"enter\" or \"leave\"")
      guard event == "enter" || event == "leave" else {
        throw error("expected \"enter\" or \"leave\" after \"on\", found \(event)", at: et)
      }
      let status = try statusName()
      let parameter = try recordParameter()
      var entry = DeclarationEntry(clause: "on", position: at.position, length: 2)
      entry.set("event", .text(event))
      entry.set("status", .text(status))
      entry.set(
        "action", .function(try blockFunction(parameters: [parameter], name: "on \(event) \(status)")))
      return entry
    }
    if isIdentifier("every"), p + 1 < tokens.count, case .identifier("day") = tokens[p + 1].kind {
      _ = advance()
      _ = advance()
      var entry = DeclarationEntry(clause: "rule", position: at.position, length: 5)
      let rule = try text("the rule's name")
      entry.set("name", .text(rule))
      entry.set("action", .function(try blockFunction(parameters: [], name: "every day \"\(rule)\"")))
      return entry
    }
    // A line of steps: `a, b -> c -> d`.
    var steps: [DeclarationValue] = []
    repeat {
      var group: [DeclarationValue] = []
      repeat {
        group.append(.text(try statusName()))
      } while accept(",")
      steps.append(.list(group))
    } while accept("->")
    if steps.count < 2 {
      throw error("expected \"->\" and the next status", hint: "a step reads: referred -> assessed")
    }
    var entry = DeclarationEntry(clause: "steps", position: at.position, length: 1)
    entry.set("steps", .list(steps))
    return entry
  }

  /// A status: a word, or text in quotes for one with a space (`"in training"`).
  mutating func statusName() throws -> String {
    if case .text = token.kind { return try text("a status") }
    return try identifier("a status name")
  }

  /// `(m)` after a guard's or action's status: the name the record goes by in its body.
  mutating func recordParameter() throws -> String {
    try expect("(", "\"(\" and a name for the record, as in: guard matched(m) {")
    let name = try identifier("a name for the record")
    try expect(")", "\")\" after the record's name")
    return name
  }
}

extension Token {
  fileprivate var isNameOrText: Bool {
    switch kind {
    case .identifier, .text: return true
    default: return false
    }
  }
}
