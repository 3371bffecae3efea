import PeerScript
import PeerStore

/// A `role NAME "Title" { ... }` of the project's scripts, as a value the REPL shows: what the
/// people given it see, read, change and may run (AccessRole, which the stores enforce).
final class Role: HostObject {
  let access: AccessRole
  /// Where it is declared (`file:line:col`), for messages that name the rule.
  var declaredAt = ""

  init(access: AccessRole) { self.access = access }

  override var typeName: String { "role" }

  override var description: String {
    var parts: [String] = []
    let seen = RecordKind.allCases.filter { access.kinds[$0] != nil }
    parts.append(seen.isEmpty ? "sees no records" : "sees " + seen.map(\.plural).joined(separator: ", "))
    let changed = RecordKind.allCases.filter { (access.kinds[$0]?.changes ?? .none) > .none }
    if !changed.isEmpty { parts.append("changes " + changed.map(\.plural).joined(separator: ", ")) }
    if !access.operations.isEmpty {
      parts.append("may " + access.operations.sorted().joined(separator: ", "))
    }
    return "<role \(access.name): " + parts.joined(separator: "; ") + ">"
  }

  override var fieldNames: [String] { ["name", "title", "operations"] }

  override func field(_ name: String) throws -> Value? {
    switch name {
    case "name": return .text(access.name)
    case "title": return .text(access.title)
    case "operations":
      return .list(ListObject(ContiguousArray(access.operations.sorted().map { Value.text($0) })))
    default: return nil
    }
  }

  /// Reads the map `|declare_role` receives; a mistake is reported at its place. `me` turns
  /// symbolic while the conditions are read, so they become conditions on whoever connects.
  static func declared(_ declaration: Value, me: PersonObject) throws -> Role {
    guard case .map(let m) = declaration, case .string(let name)? = m["name"],
      case .list(let entries)? = m["entries"]
    else { throw RuntimeError("internal error: a role declaration without entries") }
    var access = AccessRole(name: name.value, title: m["title"]?.textValue ?? name.value)
    me.symbolic = true
    defer { me.symbolic = false }
    func words(_ value: Value?) -> [(word: String, place: Value)] {
      guard case .list(let l)? = value else { return [] }
      return l.items.compactMap { item in
        guard case .list(let pair) = item, pair.items.count == 2, let w = pair.items[0].textValue else {
          return nil
        }
        return (w, pair.items[1])
      }
    }
    func kinds(_ word: String, _ place: Value) throws -> [RecordKind] {
      if word == "everything" { return RecordKind.allCases }
      guard let kind = RecordKind.allCases.first(where: { $0.plural == word }) else {
        let names = RecordKind.allCases.map(\.plural) + ["everything"]
        let near = closestMatch(to: word, in: names) ?? RecordKind.named(word)?.plural
        throw RuntimeError.declaration(
          "a role names collections of records, and \(word) is not one", at: place,
          hint: near.map { "did you mean \($0)?" } ?? "write one of: " + names.joined(separator: ", "))
      }
      return [kind]
    }
    func kinds(_ value: Value?) throws -> [RecordKind] {
      try words(value).flatMap { try kinds($0.word, $0.place) }
    }
    for entry in entries.items {
      guard case .map(let e) = entry, let clause = e["clause"]?.textValue else { continue }
      switch clause {
      case "sees":
        var condition: RecordCondition? = nil
        for kind in try kinds(e["collections"]) {
          if let shape = QueryShapeConstant<ItemCondition>.shape(of: e["shape"]),
            case .list(let constants)? = e["constants"]
          {
            guard let c = PushedFilter.condition(shape, constants: constants.items, kind: kind) else {
              throw RuntimeError.declaration(
                "the database cannot check this condition on \(kind.plural)",
                at: e["condition_place"] ?? entry,
                hint:
                  "a role's condition compares core fields of \(kind.plural) (or of the records they refer to) with values or with me.sites, me.volunteer"
              )
            }
            condition = c
          } else {
            condition = nil
          }
          // A second `sees` for a collection widens what the role sees.
          if let earlier = access.kinds[kind] {
            access.kinds[kind]?.condition = earlier.condition.flatMap { a in condition.map { .or(a, $0) } }
          } else {
            access.kinds[kind] = AccessRole.KindAccess(condition: condition)
          }
        }
      case "reads":
        guard let (word, place) = words(.list(ListObject([e["collection"] ?? .null]))).first,
          let kind = try kinds(word, place).first, word != "everything"
        else { continue }
        guard access.kinds[kind] != nil else {
          throw RuntimeError.declaration(
            "role \(name.value) reads fields of \(kind.plural) but does not see them", at: place,
            hint: "say which first: sees \(kind.plural) where ...")
        }
        var fields: [String] = access.kinds[kind]?.fields ?? []
        for (field, fieldPlace) in words(e["fields"]) {
          guard kind.field(field) != nil else {
            let near = closestMatch(to: field, in: kind.fields.map(\.name))
            throw RuntimeError.declaration(
              "\(kind.plural) have no field \(field)", at: fieldPlace,
              hint: near.map { "did you mean \($0)?" }
                ?? "a role lists core fields; the project's own fields are read all together, by listing no fields"
            )
          }
          if !fields.contains(field) { fields.append(field) }
        }
        access.kinds[kind]?.fields = fields
      case "changes", "adds":
        for kind in try kinds(e["collections"]) {
          guard access.kinds[kind] != nil else {
            throw RuntimeError.declaration(
              "role \(name.value) \(clause) \(kind.plural) but does not see them", at: entry,
              hint: "a role changes only records it sees: add sees \(kind.plural) first")
          }
          let level: AccessRole.Changes = clause == "adds" ? .add : .change
          let before = access.kinds[kind]?.changes ?? .none
          access.kinds[kind]?.changes = max(before, level)
        }
      case "may":
        for (word, place) in words(e["operations"]) {
          if word == "everything" {
            access.operations.formUnion(RoleOperation.allCases.map(\.rawValue))
            continue
          }
          guard RoleOperation(rawValue: word) != nil else {
            let names = RoleOperation.allCases.map(\.rawValue)
            throw RuntimeError.declaration(
              "\(word) is not an operation a role may be given", at: place,
              hint: closestMatch(to: word, in: names).map { "did you mean \($0)?" }
                ?? "the operations: " + names.joined(separator: ", "))
          }
          access.operations.insert(word)
        }
      default:
        continue
      }
    }
    // A change writes a whole record: a role that reads only some fields would write the
    // others back empty. Adding is fine (a new record has only what it is given).
    for (kind, rules) in access.kinds where rules.fields != nil && rules.changes == .change {
      throw RuntimeError.declaration(
        "role \(name.value) changes \(kind.plural) but reads only some of their fields: a change would empty the others",
        at: declaration,
        hint: "let it read every field of \(kind.plural), or only add them (adds \(kind.plural))")
    }
    return Role(access: access)
  }
}
