import PeerStore

/// The tables on the server: as on SQLite (one per kind, a column per core field, the
/// project's own fields in `extra`, the audit trail, tasks and flags), with the server's own
/// types: dates are `date`, lists and own fields `jsonb`, yes/no `boolean`. Ids come from one
/// sequence per kind, so a deleted record's id is never given again. The audit trail is
/// append-only by a trigger that refuses UPDATE, DELETE and TRUNCATE; who may do what is then
/// the server's privileges (docs/records.md, "Running on a server").
enum ServerSchema {
  /// The migrations, oldest first; never edit one that has shipped, add the next.
  static let migrations: [(identifier: String, sql: @Sendable () -> String)] = [
    ("v1: records, audit, tasks and flags", recordsAuditAndWorkItems),
    ("v2: people", people),
    ("v3: erasure blanks audit values", erasure),
    ("v4: restrictions", restrictions),
    ("v5: site indexes hold the ids", siteIndexesHoldIDs),
    ("v6: matches, visits and endings carry their mother's site", copiedColumns),
  ]

  static var version: Int { migrations.count }

  static func sqlType(_ type: FieldType) -> String {
    switch type {
    case .text: return "text"
    case .date: return "date"
    case .list: return "jsonb"
    case .int, .reference: return "bigint"
    case .bool: return "boolean"
    case .double: return "double precision"
    }
  }

  static func sequence(_ kind: RecordKind) -> String { "\(kind.table)_ids" }

  static func recordsAuditAndWorkItems() -> String {
    var sql = ""
    for kind in [RecordKind.volunteer, .mother, .service, .match, .visit, .ending] {
      var columns = ["id bigint PRIMARY KEY"]
      for spec in kind.fields {
        var c = "\(spec.column) \(sqlType(spec.type))"
        if case .reference(let target) = spec.type { c += " REFERENCES \(target.table)(id)" }
        columns.append(c)
      }
      columns.append("extra jsonb NOT NULL DEFAULT '{}'")
      sql += "CREATE SEQUENCE \(sequence(kind));\n"
      sql += "CREATE TABLE \(kind.table) (\(columns.joined(separator: ", ")));\n"
    }
    for (table, column) in indexedColumns {
      sql += "CREATE INDEX \(table)_\(column) ON \(table)(\(column));\n"
    }
    sql += """
      CREATE TABLE audit (
        seq bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now(), "user" text NOT NULL,
        kind text NOT NULL, record_id bigint NOT NULL, last_id bigint, action text NOT NULL,
        before text NOT NULL, after text NOT NULL);
      CREATE INDEX audit_record ON audit(kind, record_id);
      CREATE INDEX audit_ranges ON audit(kind, last_id) WHERE last_id IS NOT NULL;
      CREATE FUNCTION audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit trail cannot be changed'; END $$;
      CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION audit_is_append_only();
      CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
        FOR EACH STATEMENT EXECUTE FUNCTION audit_is_append_only();
      CREATE TABLE tasks (
        id bigserial PRIMARY KEY, kind text NOT NULL, rule text NOT NULL, record text NOT NULL,
        title text NOT NULL, due date NOT NULL, created_on date NOT NULL, closed_on date, closed_how text,
        UNIQUE (rule, record, due));
      CREATE INDEX tasks_open ON tasks(closed_on, due);
      -- One row every writing transaction updates first: writers take turns on its lock, and a
      -- transaction that read before writing sees a conflict if another wrote meanwhile.
      CREATE TABLE peer_writes (n bigint NOT NULL);
      INSERT INTO peer_writes VALUES (0);

      """
    return sql
  }

  /// The project's people (docs/people.md): each a login of the server, a member of their
  /// role's group, with the values its policies compare with. `peer_sees_record` tells a
  /// policy on tasks and flags whether the login sees the record one is about (`M-0042`): it
  /// runs with the caller's rights, so the record's own policy decides.
  static func people() -> String {
    let tables = RecordKind.allCases.map { "\"\($0.idPrefix)\": \"\($0.table)\"" }.joined(separator: ", ")
    return """
      CREATE TABLE peer_people (
        id bigserial UNIQUE, login text PRIMARY KEY, name text NOT NULL, role text NOT NULL,
        sites text[] NOT NULL DEFAULT '{}', volunteer_id bigint REFERENCES volunteers(id));
      -- Every login reads its own line, to know whether it is one of the project's people.
      ALTER TABLE peer_people ENABLE ROW LEVEL SECURITY;
      CREATE POLICY peer_own_line ON peer_people FOR SELECT USING (login = current_user);
      GRANT SELECT ON peer_people TO PUBLIC;
      -- What a site coordinator's policies filter on, so they look up their sites' records
      -- rather than read every record (references are indexed already).
      CREATE INDEX mothers_site ON mothers(site);
      CREATE INDEX volunteers_site ON volunteers(site);
      CREATE FUNCTION peer_sees_record(code text) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
        DECLARE
          tables CONSTANT jsonb := '{\(tables)}';
          found boolean;
        BEGIN
          IF tables->>split_part(code, '-', 1) IS NULL OR split_part(code, '-', 2) !~ '^[0-9]{1,18}$' THEN
            RETURN FALSE;
          END IF;
          EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE id = $1)', tables->>split_part(code, '-', 1))
            INTO found USING split_part(code, '-', 2)::bigint;
          RETURN found;
        END $$;

      """
  }

  /// v5: a site coordinator's policies ask, in every query, for the ids of her sites' mothers
  /// (and volunteers). With the id in the site's index the server reads them from the index
  /// alone, not from every row of the table (docs/records.md, "Row-level security's cost").
  static func siteIndexesHoldIDs() -> String {
    """
    DROP INDEX mothers_site;
    CREATE INDEX mothers_site ON mothers(site) INCLUDE (id);
    DROP INDEX volunteers_site;
    CREATE INDEX volunteers_site ON volunteers(site) INCLUDE (id);

    """
  }

  /// v6: the copies of CopiedColumn (a match's, visit's and ending's mother's site), filled in
  /// and indexed, then kept right by triggers: each insert of a record, and each update that
  /// names its reference or its copy (any other change leaves both as they were), sets its copy
  /// from the record it refers to (whatever the login wrote in it, so no one can forge a copy
  /// to pass a policy), and a change of the copied value is passed on to the records that
  /// refer to it (a mother's new site to her matches, and from them to their visits). The
  /// trigger functions run with their owner's rights: a coordinator who moves a mother to
  /// another site may not read or change that site's records, but her visits must follow her.
  static func copiedColumns() -> String {
    var sql = ""
    var functions: [String] = []
    for copy in CopiedColumn.all {
      let table = copy.kind.table
      guard let reference = copy.kind.field(copy.reference), case .reference(let target) = reference.type,
        let copied = copy.sourceKind.field(copy.path.last!)
      else { preconditionFailure("CopiedColumn \(copy.column) of \(table) names no reference") }
      let keep = "peer_keep_\(table)_\(copy.column)"
      let pass = "peer_pass_\(target.table)_\(copy.source)_to_\(table)"
      functions += [keep, pass]
      let indexed = copy.kind.field("date") == nil ? copy.column : "\(copy.column), date"
      sql += """
        ALTER TABLE \(table) ADD COLUMN \(copy.column) \(sqlType(copied.type));
        UPDATE \(table) t SET \(copy.column) = s.\(copy.source) FROM \(target.table) s WHERE s.id = t.\(reference.column);
        CREATE INDEX \(table)_\(copy.column) ON \(table)(\(indexed));
        CREATE FUNCTION \(keep)() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
          BEGIN
            NEW.\(copy.column) := (SELECT \(copy.source) FROM \(target.table) WHERE id = NEW.\(reference.column));
            RETURN NEW;
          END $$;
        CREATE TRIGGER \(keep) BEFORE INSERT OR UPDATE OF \(reference.column), \(copy.column) ON \(table)
          FOR EACH ROW EXECUTE FUNCTION \(keep)();
        CREATE FUNCTION \(pass)() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
          BEGIN
            UPDATE \(table) SET \(copy.column) = NEW.\(copy.source) WHERE \(reference.column) = NEW.id;
            RETURN NULL;
          END $$;
        CREATE TRIGGER \(pass) AFTER UPDATE ON \(target.table) FOR EACH ROW
          WHEN (OLD.\(copy.source) IS DISTINCT FROM NEW.\(copy.source)) EXECUTE FUNCTION \(pass)();

        """
    }
    sql += "DO $$ BEGIN\n"
    for f in functions {
      sql += "  EXECUTE format('ALTER FUNCTION \(f)() SET search_path = %I, pg_temp', current_schema());\n"
      sql += "  EXECUTE 'REVOKE ALL ON FUNCTION \(f)() FROM PUBLIC';\n"
    }
    sql += "END $$;\n"
    return sql
  }

  /// Erasure (docs/data-protection.md): an UPDATE of an audit entry is allowed when it only
  /// empties its before- and after-values; anything else, DELETE and TRUNCATE are refused as
  /// before. No login is granted UPDATE on the audit trail: `peer_forget_history` does the
  /// blanking with its owner's rights, and only the owner and the groups of roles that may
  /// erase may run it (AccessPolicies). `peer_audited_ids` tells any login which records have
  /// an entry of an action (which are anonymised already) without reading any values. Both run
  /// with the search path pinned to the project's schema.
  static func erasure() -> String {
    """
    CREATE OR REPLACE FUNCTION audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' THEN
          IF NEW.before = '' AND NEW.after = '' AND NEW.seq = OLD.seq AND NEW.at = OLD.at
            AND NEW."user" = OLD."user" AND NEW.kind = OLD.kind AND NEW.record_id = OLD.record_id
            AND NEW.last_id IS NOT DISTINCT FROM OLD.last_id AND NEW.action = OLD.action THEN
            RETURN NEW;
          END IF;
        END IF;
        RAISE EXCEPTION 'the audit trail cannot be changed';
      END $$;
    CREATE FUNCTION peer_forget_history(forget_kind text, ids bigint[]) RETURNS bigint
      LANGUAGE sql SECURITY DEFINER AS $$
      WITH blanked AS (
        UPDATE audit SET before = '', after = ''
        WHERE kind = forget_kind AND record_id = ANY (ids) AND (before <> '' OR after <> '')
        RETURNING 1)
      SELECT count(*) FROM blanked $$;
    REVOKE ALL ON FUNCTION peer_forget_history(text, bigint[]) FROM PUBLIC;
    CREATE FUNCTION peer_audited_ids(audited_kind text, audited_action text) RETURNS SETOF bigint
      LANGUAGE sql STABLE SECURITY DEFINER AS $$
      SELECT DISTINCT record_id FROM audit WHERE kind = audited_kind AND action = audited_action $$;
    DO $$ BEGIN
      EXECUTE format('ALTER FUNCTION peer_forget_history(text, bigint[]) SET search_path = %I, pg_temp', current_schema());
      EXECUTE format('ALTER FUNCTION peer_audited_ids(text, text) SET search_path = %I, pg_temp', current_schema());
    END $$;

    """
  }

  /// Makes or brings up to date the tables (in one transaction), or refuses a database that
  /// is not peer's or is newer (one sentence). Returns whether it made the tables.
  @discardableResult
  static func prepare(_ c: ServerConnection, create: Bool) throws -> Bool {
    // The catalog itself, not information_schema's view of it (a few milliseconds of every
    // command's start): every table, view and foreign table of the schema in use.
    let tables = try c.query(
      "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f')"
    )
    let names = Set(
      tables.compactMap { row -> String? in if case .text(let s) = row[0] { return s } else { return nil } })
    var applied = 0
    if names.contains("peer_schema") {
      let rows = try c.query("SELECT max(version) FROM peer_schema")
      if case .int(let v)? = rows.first?.first { applied = Int(v) }
      if applied > version {
        throw StoreError(
          "the database \(c.address.database) was made by a newer version of peer (schema \(applied)); this peer understands up to schema \(version)"
        )
      }
    } else if !names.isEmpty {
      throw StoreError(
        "the database \(c.address.database) on \(c.address) holds tables that are not peer's: give peer a database of its own"
      )
    } else if !create {
      throw StoreError(
        "the database \(c.address.database) on \(c.address) holds no peer project yet (make one with peer init DIR --database URL)"
      )
    }
    guard applied < version else { return false }
    try c.query("BEGIN")
    do {
      if applied == 0 {
        try c.query(
          "CREATE TABLE peer_schema (version integer NOT NULL, identifier text NOT NULL, at timestamptz NOT NULL DEFAULT now())"
        )
      }
      for (number, migration) in migrations.enumerated() where number >= applied {
        for statement in split(migration.sql()) { try c.query(statement) }
        try c.query(
          "INSERT INTO peer_schema (version, identifier) VALUES ($1, $2)",
          [.int(Int64(number + 1)), .text(migration.identifier)])
      }
      try c.query("COMMIT")
      return applied == 0
    } catch {
      try? c.query("ROLLBACK")
      throw error
    }
  }

  /// The statements of a script, split at semicolons that end a line (a function body's `;`
  /// inside `$$ ... $$` never ends one here).
  static func split(_ script: String) -> [String] {
    var out: [String] = []
    var current = ""
    var inBody = false
    for line in script.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.drop(while: { $0 == " " }).hasPrefix("--") { continue }
      current += line + "\n"
      if dollarQuotes(line) % 2 == 1 { inBody.toggle() }
      if !inBody, line.hasSuffix(";") {
        out.append(current)
        current = ""
      }
    }
    if current.contains(where: { !$0.isWhitespace }) { out.append(current) }
    return out
  }

  private static func dollarQuotes(_ line: Substring) -> Int {
    var n = 0
    var previous: Character? = nil
    for c in line {
      if c == "$" && previous == "$" {
        n += 1
        previous = nil
      } else {
        previous = c
      }
    }
    return n
  }
}
