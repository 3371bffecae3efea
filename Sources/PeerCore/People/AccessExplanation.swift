import PeerStore

extension Session {
  /// A refusal by the server in one sentence naming the rule of the person's role that
  /// refused it: `Vera Volunteer (volunteer) may not change matches: role volunteer
  /// (scripts/roles.peer:13:1) has no "changes matches"`.
  public func explain(_ error: Error) -> Error {
    guard let refused = error as? AccessRefused, let person, let bridge else { return error }
    let who = "\(person.name) (\(person.role))"
    // The audit trail: only a role that `may audit` reads it (a record's history).
    if refused.table == "audit", !refused.byPolicy, let role = bridge.roles[person.role],
      !role.access.operations.contains(RoleOperation.audit.rawValue)
    {
      return StoreError(
        "\(who) may not \(RoleOperation.audit.action): role \(person.role) (\(role.declaredAt)) has no \"may audit\""
      )
    }
    guard let kind = RecordKind.allCases.first(where: { $0.table == refused.table }) else {
      return StoreError("\(who) may not do that with \(refused.table): their role does not allow it")
    }
    guard let role = bridge.roles[person.role] else {
      return StoreError(
        "\(who) may not do that with \(kind.plural): the project's scripts declare no role \(person.role)")
    }
    let rule = "role \(person.role) (\(role.declaredAt))"
    guard let access = role.access.kinds[kind] else {
      return StoreError("\(who) does not see \(kind.plural): \(rule) has no \"sees \(kind.plural)\"")
    }
    if refused.byPolicy {
      return StoreError(
        "\(who) may not add or change this one of \(kind.plural): \(rule) changes only the \(kind.plural) it sees"
      )
    }
    if let fields = access.fields, access.changes < .change {
      // A role that lists fields never changes records (Role.declared): what was refused is
      // a read, or a change of a kind it only adds.
      if access.changes == .add {
        return StoreError(
          "\(who) may only add \(kind.plural), and read only some of their fields: \(rule) says \"adds \(kind.plural)\" and reads only \(fields.joined(separator: ", "))"
        )
      }
      return StoreError(
        "\(who) may not read every field of \(kind.plural): \(rule) reads only \(fields.joined(separator: ", "))"
      )
    }
    switch access.changes {
    case .none:
      return StoreError("\(who) may not change \(kind.plural): \(rule) has no \"changes \(kind.plural)\"")
    case .add:
      return StoreError(
        "\(who) may only add \(kind.plural), not change or delete them: \(rule) says \"adds \(kind.plural)\"")
    case .change:
      return StoreError("\(who) may not do that with \(kind.plural): \(rule) does not allow it")
    }
  }
}
