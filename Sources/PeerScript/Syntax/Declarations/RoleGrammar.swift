/// `role coordinator "Site coordinator" { ... }`: what one kind of person may see and do.
///
/// ```
/// role coordinator "Site coordinator" {
///   sees mothers, volunteers where .site in me.sites   # which records of each collection
///   sees matches, visits, endings where .mother.site in me.sites
///   sees services                                      # every record of the collection
///   reads mothers: name, phone, area, due_date         # only these fields (else all of them)
///   changes mothers, matches, visits, endings          # add, change and delete what it sees
///   adds visits                                        # add only
///   may report, export, match                          # the host's operations
/// }
/// ```
///
/// `sees everything` and `changes everything` name every collection. The grammar knows no
/// collection, field or operation: the host checks the words. A `where` condition must have
/// a query shape (QueryShape.swift), because the host enforces it in the database rather than
/// by running it; `me` is whatever the host predeclares for the person using it.
///
/// Entries the host receives: `{clause: "sees", collections: [...], condition?, shape?,
/// constants?}`, `{clause: "reads", collection, fields: [[name, place]...]}`,
/// `{clause: "changes" | "adds", collections}` and `{clause: "may", operations: [[name, place]...]}`.
extension Parser {
  static func roleGrammar(_ parser: inout Parser, _ decl: Declaration) throws {
    decl.entries = try parser.declarationBody("role") { p in try p.roleLine() }
  }

  mutating func roleLine() throws -> DeclarationEntry? {
    let at = token
    let clauses = ["sees", "reads", "changes", "adds", "may"]
    guard case .identifier(let clause) = at.kind, clauses.contains(clause) else {
      var near: String? = nil
      if case .identifier(let word) = at.kind { near = closestMatch(to: word, in: clauses) }
      throw error(
        "expected sees, reads, changes, adds or may in this role, found \(describe(token))",
        hint: near.map { "did you mean \($0)?" }
          ?? "a role's lines read: sees mothers where .site in me.sites")
    }
    _ = advance()
    var entry = DeclarationEntry(clause: clause, position: at.position, length: clause.count)
    switch clause {
    case "sees", "changes", "adds":
      entry.set("collections", .list(try namedWords("a collection (mothers, visits...) or everything")))
      if clause == "sees", isIdentifier("where") {
        _ = advance()
        let conditionAt = token
        let f = try implicitFunction(name: "sees")
        guard let shape = QueryShape.analyse(f) else {
          throw error(
            "a role's condition must be one the database can check itself", at: conditionAt,
            hint:
              "compare fields with values, lists or me: .site in me.sites, .status == \"active\", joined with and, or, not"
          )
        }
        entry.set("condition", .function(f))
        entry.set("shape", .condition(shape.shape))
        entry.set("constants", .list(shape.constants.map { .expr($0) }))
        entry.set("condition_place", .place(conditionAt.position, length: conditionAt.length))
      }
    case "reads":
      let ct = token
      entry.set(
        "collection", .list([.text(try identifier("a collection")), .place(ct.position, length: ct.length)]))
      try expect(":", "\":\" and the fields this role reads, as in: reads mothers: name, phone")
      entry.set("fields", .list(try namedWords("a field name")))
    default:  // may
      entry.set("operations", .list(try namedWords("an operation (report, export, match...)")))
    }
    return entry
  }

  /// `a, b, c`: each word with its place, `[name, place]`, so the host can point at a wrong one.
  private mutating func namedWords(_ what: String) throws -> [DeclarationValue] {
    var words: [DeclarationValue] = []
    repeat {
      let t = token
      words.append(.list([.text(try identifier(what)), .place(t.position, length: t.length)]))
    } while accept(",")
    return words
  }
}
