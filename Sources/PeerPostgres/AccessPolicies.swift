import PeerStore

/// A project's roles as the server enforces them: each role a group role of the database
/// (`peer_DBNAME_ROLE`), given privileges on the columns it reads and the tables it changes,
/// and row-level security policies whose conditions are the role's own, written by the same
/// ConditionSQL that pushes a pipeline's `where` down. A person's login is a member of one
/// group, so whatever connects with it (peer, psql) sees no more than the role allows.
///
/// Applying is a rebuild, in one transaction: every peer policy dropped and every group's
/// privileges revoked, then made again from the declarations. The owner's login, which made
/// the tables, is not subject to the policies (row-level security is not forced), so set-up,
/// upgrades and `peer move` keep working; no person should use it.
enum AccessPolicies {
  /// The tables whose rows policies guard.
  static let guardedTables =
    RecordKind.allCases.map(\.table) + ["tasks", "audit", "peer_people", "restrictions"]

  static func groupRole(_ role: String, database: String) -> String { "peer_\(database)_\(role)" }

  /// `"name"`, quoted for SQL (roles and logins are cluster-wide names a project chooses).
  static func identifier(_ name: String) -> String {
    "\"" + name.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
  }

  /// The statements that make the server enforce `roles`, given the group roles that exist
  /// already for this database (`existing`) and the schema the tables are in.
  static func statements(_ roles: [AccessRole], database: String, schema: String, existing: Set<String>)
    throws -> [String]
  {
    var sql: [String] = []
    for table in guardedTables { sql.append("ALTER TABLE \(table) ENABLE ROW LEVEL SECURITY") }
    for group in existing.sorted() {
      let g = identifier(group)
      sql.append("REVOKE ALL ON ALL TABLES IN SCHEMA \(identifier(schema)) FROM \(g)")
      sql.append("REVOKE ALL ON ALL SEQUENCES IN SCHEMA \(identifier(schema)) FROM \(g)")
      sql.append("REVOKE ALL ON FUNCTION peer_forget_history(text, bigint[]) FROM \(g)")
    }
    // Every login sees its own line of peer_people (the policies look it up).
    sql.append("CREATE POLICY peer_own_line ON peer_people FOR SELECT USING (login = current_user)")
    for role in roles.sorted(by: { $0.name < $1.name }) {
      let group = groupRole(role.name, database: database)
      let g = identifier(group)
      if !existing.contains(group) { sql.append("CREATE ROLE \(g) NOLOGIN") }
      sql.append("GRANT USAGE ON SCHEMA \(identifier(schema)) TO \(g)")
      sql.append("GRANT SELECT ON peer_schema, peer_people TO \(g)")
      // Every transaction that may write takes its turn on this row first.
      sql.append("GRANT SELECT, UPDATE ON peer_writes TO \(g)")
      for kind in RecordKind.allCases {
        guard let access = role.kinds[kind] else { continue }
        let table = kind.table
        let policy = "peer_\(role.name)_\(table)"
        let condition =
          try access.condition.map {
            try ConditionSQL($0, kind, dialect: .postgres, inlineValues: true).sql
          } ?? "TRUE"
        // A copy of another record's field (a visit's mother's site) is read only by a role
        // that reads the field itself.
        let copies = CopiedColumn.all.filter { $0.kind == kind }
        let readCopies = copies.filter { role.kinds[$0.sourceKind]?.reads($0.path.last!) == true }.map(
          \.column)
        if let fields = access.fields {
          let columns = ["id"] + kind.fields.filter { fields.contains($0.name) }.map(\.column) + readCopies
          sql.append("GRANT SELECT (\(columns.joined(separator: ", "))) ON \(table) TO \(g)")
        } else if readCopies.count < copies.count {
          let columns = ["id"] + kind.fields.map(\.column) + ["extra"] + readCopies
          sql.append("GRANT SELECT (\(columns.joined(separator: ", "))) ON \(table) TO \(g)")
        } else {
          sql.append("GRANT SELECT ON \(table) TO \(g)")
        }
        sql.append(
          "CREATE POLICY \(identifier(policy + "_sees")) ON \(table) FOR SELECT TO \(g) USING (\(condition))")
        if access.changes >= .add {
          sql.append("GRANT INSERT ON \(table) TO \(g)")
          sql.append("GRANT USAGE, SELECT, UPDATE ON SEQUENCE \(ServerSchema.sequence(kind)) TO \(g)")
          sql.append(
            "CREATE POLICY \(identifier(policy + "_adds")) ON \(table) FOR INSERT TO \(g) WITH CHECK (\(condition))"
          )
        }
        if access.changes >= .change {
          sql.append("GRANT UPDATE, DELETE ON \(table) TO \(g)")
          sql.append(
            "CREATE POLICY \(identifier(policy + "_changes")) ON \(table) FOR UPDATE TO \(g) USING (\(condition)) WITH CHECK (\(condition))"
          )
          sql.append(
            "CREATE POLICY \(identifier(policy + "_deletes")) ON \(table) FOR DELETE TO \(g) USING (\(condition))"
          )
        }
      }
      // Tasks and flags: those about records the role sees; the daily rules make and close them.
      sql.append("GRANT SELECT ON tasks TO \(g)")
      sql.append(
        "CREATE POLICY \(identifier("peer_\(role.name)_tasks_sees")) ON tasks FOR SELECT TO \(g) USING (peer_sees_record(record))"
      )
      if role.operations.contains("batch") {
        sql.append("GRANT INSERT, UPDATE ON tasks TO \(g)")
        sql.append("GRANT USAGE, SELECT, UPDATE ON SEQUENCE tasks_id_seq TO \(g)")
        sql.append(
          "CREATE POLICY \(identifier("peer_\(role.name)_tasks_adds")) ON tasks FOR INSERT TO \(g) WITH CHECK (TRUE)"
        )
        sql.append(
          "CREATE POLICY \(identifier("peer_\(role.name)_tasks_changes")) ON tasks FOR UPDATE TO \(g) USING (peer_sees_record(record))"
        )
      }
      // Restrictions: a login sees those of the records it sees (the record's own policy
      // decides), and a role that changes mothers or volunteers restricts and lifts theirs.
      let seesRestricted =
        "EXISTS (SELECT 1 FROM mothers WHERE kind = 'mother' AND id = record_id) OR EXISTS (SELECT 1 FROM volunteers WHERE kind = 'volunteer' AND id = record_id)"
      sql.append("GRANT SELECT ON restrictions TO \(g)")
      sql.append(
        "CREATE POLICY \(identifier("peer_\(role.name)_restrictions_sees")) ON restrictions FOR SELECT TO \(g) USING (\(seesRestricted))"
      )
      if [RecordKind.mother, .volunteer].contains(where: { (role.kinds[$0]?.changes ?? .none) >= .change }) {
        sql.append("GRANT INSERT, DELETE ON restrictions TO \(g)")
        sql.append(
          "CREATE POLICY \(identifier("peer_\(role.name)_restrictions_adds")) ON restrictions FOR INSERT TO \(g) WITH CHECK (\(seesRestricted))"
        )
        sql.append(
          "CREATE POLICY \(identifier("peer_\(role.name)_restrictions_lifts")) ON restrictions FOR DELETE TO \(g) USING (\(seesRestricted))"
        )
      }
      // Erasure (docs/data-protection.md): a role that may erase deletes the tasks and flags
      // about records it sees, and may run the one function that blanks audit values.
      if role.operations.contains("erase") {
        sql.append("GRANT DELETE ON tasks TO \(g)")
        sql.append(
          "CREATE POLICY \(identifier("peer_\(role.name)_tasks_deletes")) ON tasks FOR DELETE TO \(g) USING (peer_sees_record(record))"
        )
        sql.append("GRANT EXECUTE ON FUNCTION peer_forget_history(text, bigint[]) TO \(g)")
      }
      // The audit trail: every role appends to it (its changes, and the reports and exports
      // it runs, as its own login); only a role that may read it reads it, and no one's login
      // changes or removes a line (the trigger, and no privilege to).
      sql.append("GRANT INSERT ON audit TO \(g)")
      sql.append("GRANT USAGE ON SEQUENCE audit_seq_seq TO \(g)")
      sql.append(
        "CREATE POLICY \(identifier("peer_\(role.name)_audit_adds")) ON audit FOR INSERT TO \(g) WITH CHECK (\"user\" = current_user)"
      )
      if role.operations.contains("audit") {
        sql.append("GRANT SELECT ON audit TO \(g)")
        sql.append(
          "CREATE POLICY \(identifier("peer_\(role.name)_audit_reads")) ON audit FOR SELECT TO \(g) USING (TRUE)"
        )
      }
    }
    return sql
  }
}
