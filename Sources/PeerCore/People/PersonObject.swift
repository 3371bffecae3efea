import PeerScript
import PeerStore

/// `me`: the person using peer. A role's conditions compare records with it (`.site in
/// me.sites`); compiled into the database's policies, `me` stays a name the server fills in
/// for whoever connects. Anywhere else it has the values of the person this command runs
/// as (none when the project has no people, or for the project's owner).
final class PersonObject: HostObject {
  /// Who this command runs as, when the store knows.
  var person: Person?
  /// While a role is compiled: `me.sites` and `me.volunteer` stand for the person the
  /// database will know, not for this command's person.
  var symbolic = false

  override var typeName: String { "person" }

  override var description: String {
    guard let person else { return "<no person: the project's owner, or a project without people>" }
    return "<\(person.name), \(person.role)>"
  }

  var values: PersonValues { person?.values ?? PersonValues() }

  override var fieldNames: [String] { ["name", "login", "role"] + PersonAttribute.allCases.map(\.rawValue) }

  override func field(_ name: String) throws -> Value? {
    if let attribute = PersonAttribute(rawValue: name) {
      return .host(PersonAttributeValue(attribute, of: self))
    }
    switch name {
    case "name": return person.map { .text($0.name) } ?? .null
    case "login": return person.map { .text($0.login) } ?? .null
    case "role": return person.map { .text($0.role) } ?? .null
    default: return nil
    }
  }
}

/// `me.sites` or `me.volunteer`: in a role's condition, the value only the database knows;
/// as a value, this command's person's sites (a list) or volunteer record's id.
final class PersonAttributeValue: HostObject {
  let attribute: PersonAttribute
  let owner: PersonObject

  init(_ attribute: PersonAttribute, of owner: PersonObject) {
    self.attribute = attribute
    self.owner = owner
  }

  override var typeName: String { attribute == .sites ? "list" : "id" }
  override var description: String {
    switch attribute {
    case .sites: return "[" + owner.values.sites.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    case .volunteer: return owner.values.volunteer.map { RecordKind.volunteer.code(for: $0) } ?? "nil"
    }
  }

  override func items() throws -> ContiguousArray<Value>? {
    guard attribute == .sites else { return nil }
    return ContiguousArray(owner.values.sites.map { Value.text($0) })
  }

  /// The condition on `field` of `kind` this value makes: the person's own, or, while a role
  /// is compiled, the one the database works out for whoever connects.
  func condition(on field: String) -> RecordCondition {
    let c = RecordCondition.person(field: field, attribute)
    return owner.symbolic ? c : c.applied(to: owner.values)
  }
}
