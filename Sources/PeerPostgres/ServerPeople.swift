import PeerStore

/// The project's people on the server (docs/people.md): each one a login of the server, a
/// member of their role's group role, and a line of `peer_people` that the policies read.
/// Run by the project's owner (a login that may create roles); every change is one
/// transaction and one line of the audit trail.
extension PostgresStore {
  /// Makes the server enforce `roles` (AccessPolicies), replacing what it enforced before.
  public func applyRoles(_ roles: [AccessRole]) throws {
    try transaction(.writing) { access in
      let schema = try access.text("SELECT current_schema()") ?? "public"
      let prefix = AccessPolicies.groupRole("", database: address.database)
      let existing = Set(
        try access.query("SELECT rolname::text FROM pg_roles WHERE starts_with(rolname, $1)", [.text(prefix)])
          .compactMap { row -> String? in if case .text(let s) = row[0] { return s } else { return nil } })
      let policies = try access.query(
        "SELECT policyname::text, tablename::text FROM pg_policies WHERE schemaname = current_schema() AND starts_with(policyname, 'peer_')"
      )
      for row in policies {
        guard case .text(let name) = row[0], case .text(let table) = row[1] else { continue }
        try access.query(
          "DROP POLICY \(AccessPolicies.identifier(name)) ON \(AccessPolicies.identifier(table))")
      }
      for statement in try AccessPolicies.statements(
        roles, database: address.database, schema: schema, existing: existing)
      {
        try access.query(statement)
      }
    }
  }

  /// Every person, by login.
  public func people() throws -> [Person] {
    try transaction(.readingOnly) { access in try access.people(where: "TRUE", []) }
  }

  /// The person whose login this store connected with; nil for the owner (or any login that
  /// is not one of the project's people).
  public func connectedPerson() throws -> Person? {
    try transaction(.readingOnly) { access in
      try access.people(where: "login = current_user", []).first
    }
  }

  /// Adds a person: their login (with no password: they set one, or the server's
  /// authentication takes over), a member of their role's group.
  public func add(_ person: Person) throws {
    try Self.checkLogin(person.login)
    try transaction(.writing) { access in
      let exists = try access.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [.text(person.login)])
      guard exists.isEmpty else {
        throw StoreError("the server has a login called \(person.login) already: choose another with --login")
      }
      try access.query(
        "CREATE ROLE \(AccessPolicies.identifier(person.login)) LOGIN IN ROLE \(group(person.role))")
      let rows = try access.query(
        "INSERT INTO peer_people (login, name, role, sites, volunteer_id) VALUES ($1, $2, $3, ARRAY(SELECT jsonb_array_elements_text($4::jsonb)), $5) RETURNING id",
        Self.values(person))
      guard case .int(let id)? = rows.first?.first else {
        throw StoreError("the server did not add the person")
      }
      try access.audit("person", id, "create", before: "", after: Self.json(person))
    }
  }

  /// Changes a person's name, role, sites or volunteer record: in force for their next command.
  public func change(_ person: Person) throws {
    try transaction(.writing) { access in
      guard let before = try access.people(where: "login = $1", [.text(person.login)]).first,
        case .int(let id)? = try access.query(
          "SELECT id FROM peer_people WHERE login = $1", [.text(person.login)]
        )
        .first?.first
      else { throw StoreError("there is no person with the login \(person.login)") }
      if before.role != person.role {
        let login = AccessPolicies.identifier(person.login)
        try access.query("REVOKE \(group(before.role)) FROM \(login)")
        try access.query("GRANT \(group(person.role)) TO \(login)")
      }
      try access.query(
        "UPDATE peer_people SET name = $2, role = $3, sites = ARRAY(SELECT jsonb_array_elements_text($4::jsonb)), volunteer_id = $5 WHERE login = $1",
        Self.values(person))
      try access.audit("person", id, "update", before: Self.json(before), after: Self.json(person))
    }
  }

  /// Removes a person and their login: from their next command on they cannot connect, and
  /// a session still open sees nothing (the policies find no line for them).
  public func remove(login: String) throws {
    try transaction(.writing) { access in
      guard let before = try access.people(where: "login = $1", [.text(login)]).first,
        case .int(let id)? = try access.query("SELECT id FROM peer_people WHERE login = $1", [.text(login)])
          .first?.first
      else { throw StoreError("there is no person with the login \(login)") }
      try access.query("DELETE FROM peer_people WHERE login = $1", [.text(login)])
      try access.query("DROP ROLE \(AccessPolicies.identifier(login))")
      try access.audit("person", id, "delete", before: Self.json(before), after: "")
    }
  }

  /// Appends a line to the audit trail about something a person did that changed no record:
  /// a report run or an export (`kind` "report" or "export"; `detail` a JSON object saying
  /// what, and how many records), in a transaction of its own after the work.
  public func auditEvent(kind: String, action: String, detail: [String: FieldValue]) throws {
    try transaction(.writing) { access in
      try access.audit(kind, 0, action, before: "", after: JSONText.encode(detail))
    }
  }

  private func group(_ role: String) -> String {
    AccessPolicies.identifier(AccessPolicies.groupRole(role, database: address.database))
  }

  /// Logins peer makes: lower-case letters, digits and `_`, starting with a letter; they are
  /// the server's own names, shared by every database on it.
  static func checkLogin(_ login: String) throws {
    guard let first = login.first, first.isASCII, first.isLowercase, login.count < 64,
      login.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") })
    else {
      throw StoreError(
        "\(login) is not a login peer makes (lower-case letters, digits and _, starting with a letter, up to 63)"
      )
    }
  }

  static func values(_ p: Person) -> [ServerValue] {
    [
      .text(p.login), .text(p.name), .text(p.role), .text(JSONText.encodeList(p.sites)),
      p.volunteer.map { .int($0) } ?? .null,
    ]
  }

  static func json(_ p: Person) -> String {
    var fields: [String: FieldValue] = [
      "login": .text(p.login), "name": .text(p.name), "role": .text(p.role),
    ]
    fields["sites"] = .list(p.sites)
    if let v = p.volunteer { fields["volunteer"] = .text(RecordKind.volunteer.code(for: v)) }
    return JSONText.encode(fields)
  }
}

extension ServerAccess {
  func text(_ sql: String) throws -> String? {
    if case .text(let s)? = try query(sql).first?.first { return s }
    return nil
  }

  func people(where condition: String, _ arguments: [ServerValue]) throws -> [Person] {
    try query(
      "SELECT login, name, role, to_jsonb(sites)::text, volunteer_id FROM peer_people WHERE \(condition) ORDER BY login",
      arguments
    ).map { row in
      func text(_ i: Int) -> String { if case .text(let s) = row[i] { return s } else { return "" } }
      var volunteer: Int64? = nil
      if case .int(let v) = row[4] { volunteer = v }
      return Person(
        login: text(0), name: text(1), role: text(2), sites: JSONText.decodeList(text(3)) ?? [],
        volunteer: volunteer)
    }
  }
}
