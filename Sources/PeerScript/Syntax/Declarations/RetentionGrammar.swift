/// `retention NAME "Title" { ... }`: how long a project keeps each kind of record and field,
/// and what happens then.
///
/// ```
/// retention schedule "Our retention schedule" {
///   mothers where .status in ["closed", "declined"]: anonymise 6 years after .referral_date
///   visits.notes: erase 2 years after .date         # one field of a collection
///   matches, visits, endings: with mothers          # go when the records they belong to go
///   services: keep                                  # kept for as long as the project runs
/// }
/// ```
///
/// Each line names its targets (`collection` or `collection.field`), an optional `where`
/// condition of the record, and an action: `keep`, `with OWNER`, or `erase` / `anonymise` a
/// period after an expression of the record (`it`, `.field`). The grammar knows no collection,
/// field or action's meaning: the host checks the words and applies the schedule.
///
/// Entries the host receives: `{clause: "keep" | "with" | "erase" | "anonymise",
/// targets: [[collection, field or nil, place]...], condition?, condition_place?,
/// owner?: [name, place], period?, event?, event_place?}`.
extension Parser {
  static func retentionGrammar(_ parser: inout Parser, _ decl: Declaration) throws {
    decl.entries = try parser.declarationBody("retention schedule") { p in try p.retentionLine() }
  }

  mutating func retentionLine() throws -> DeclarationEntry? {
    let start = token
    var targets: [DeclarationValue] = []
    repeat {
      let t = token
      let collection = try identifier("a collection (mothers, visits...) this line is about")
      var field: DeclarationValue = .list([])
      var length = collection.count
      if accept(".") {
        let fieldName = try identifier("a field name after \"\(collection).\"")
        field = .text(fieldName)
        length += 1 + fieldName.count
      }
      targets.append(.list([.text(collection), field, .place(t.position, length: length)]))
    } while accept(",")
    var condition: (FunctionDecl, Token)? = nil
    if isIdentifier("where") {
      _ = advance()
      let at = token
      condition = (try implicitFunction(name: "where"), at)
    }
    try expect(":", "\":\" and what happens to them, as in: visits.notes: erase 2 years after .date")
    let actionAt = token
    let actions = ["keep", "with", "erase", "anonymise"]
    guard case .identifier(var action) = actionAt.kind, actions.contains(action) || action == "anonymize" else {
      var near: String? = nil
      if case .identifier(let word) = actionAt.kind { near = closestMatch(to: word, in: actions) }
      throw error(
        "expected keep, with, erase or anonymise after \":\", found \(describe(actionAt))", at: actionAt,
        hint: near.map { "did you mean \($0)?" }
          ?? "a retention line ends with what happens: keep, with mothers, erase 2 years after .date")
    }
    if action == "anonymize" { action = "anonymise" }
    _ = advance()
    var entry = DeclarationEntry(clause: action, position: start.position, length: start.length)
    entry.set("targets", .list(targets))
    if let (f, at) = condition {
      entry.set("condition", .function(f))
      entry.set("condition_place", .place(at.position, length: at.length))
    }
    switch action {
    case "keep":
      break
    case "with":
      let ot = token
      let owner = try identifier("the collection these records belong to, as in: with mothers")
      entry.set("owner", .list([.text(owner), .place(ot.position, length: ot.length)]))
    default:
      entry.set("period", .expr(try additive()))
      guard isIdentifier("after") else {
        throw error(
          "expected after and the day the period counts from, found \(describe(token))",
          hint: "as in: \(action) 6 years after .referral_date")
      }
      _ = advance()
      let eventAt = token
      entry.set("event", .function(try implicitFunction(name: "after")))
      entry.set("event_place", .place(eventAt.position, length: eventAt.length))
    }
    return entry
  }
}
