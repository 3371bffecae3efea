import GRDB

/// The tables: one per kind of record with a typed column per core field, the project's own
/// fields in a JSON `extra` column, and the append-only audit trail. Migrations are versioned
/// here; a database with a migration this list does not know was made by a newer peer.
enum Schema {
  static func sqlType(_ type: FieldType) -> String {
    switch type {
    case .text, .date, .list: return "TEXT"
    case .int, .bool, .reference: return "INTEGER"
    case .double: return "REAL"
    }
  }

  /// The migrations this peer knows, oldest first. Never edit one that has shipped: add the next.
  /// Each also sets `PRAGMA user_version` to its number, so that an older peer can say which
  /// schema a newer file has.
  static let migrations: [(identifier: String, apply: @Sendable (Database) throws -> Void)] = [
    ("v1: records and audit", createRecordsAndAudit),
    ("v2: audit of bulk creations by id range", auditRanges),
    ("v3: tasks and flags", createWorkItems),
    ("v4: erasure blanks audit values", auditValuesMayBeBlanked),
    ("v5: restrictions", createRestrictions),
  ]

  /// The newest schema this peer understands.
  static var version: Int { migrations.count }

  /// The identifier GRDB records for the first migration: a database without it is not a peer one.
  static var firstMigration: String { migrations[0].identifier }

  static var migrator: DatabaseMigrator {
    var m = DatabaseMigrator()
    for (number, migration) in migrations.enumerated() {
      m.registerMigration(migration.identifier) { db in
        try migration.apply(db)
        try db.execute(sql: "PRAGMA user_version = \(number + 1)")
      }
    }
    return m
  }

  static func createRecordsAndAudit(_ db: Database) throws {
    // Referenced kinds first.
    for kind in [RecordKind.volunteer, .mother, .service, .match, .visit, .ending] {
      var columns = ["id INTEGER PRIMARY KEY"]
      for spec in kind.fields {
        var c = "\(spec.column) \(sqlType(spec.type))"
        if case .reference(let target) = spec.type { c += " REFERENCES \(target.table)(id)" }
        columns.append(c)
      }
      columns.append("extra TEXT NOT NULL DEFAULT '{}'")
      try db.execute(sql: "CREATE TABLE \(kind.table) (\(columns.joined(separator: ", ")))")
    }
    for (table, column) in indexedColumns {
      try db.execute(sql: "CREATE INDEX \(table)_\(column) ON \(table)(\(column))")
    }
    try db.execute(
      sql: """
        CREATE TABLE audit (
          seq INTEGER PRIMARY KEY, at TEXT NOT NULL, user TEXT NOT NULL, kind TEXT NOT NULL,
          record_id INTEGER NOT NULL, action TEXT NOT NULL, before TEXT NOT NULL, after TEXT NOT NULL);
        CREATE INDEX audit_record ON audit(kind, record_id);
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
          BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;
        CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
          BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;
        """)
  }

  /// Records created in bulk are audited one entry per run of consecutive ids: `record_id` is
  /// the first, `last_id` the last (null for an entry about one record).
  static func auditRanges(_ db: Database) throws {
    try db.execute(
      sql: """
        ALTER TABLE audit ADD COLUMN last_id INTEGER;
        CREATE INDEX audit_ranges ON audit(kind, last_id) WHERE last_id IS NOT NULL;
        """)
  }

  /// Erasure (docs/data-protection.md): an audit entry may lose its before- and after-values,
  /// and nothing else. Any other change to an entry, and any deletion, is still refused.
  static func auditValuesMayBeBlanked(_ db: Database) throws {
    try db.execute(
      sql: """
        DROP TRIGGER audit_no_update;
        CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
          WHEN NOT (NEW.before = '' AND NEW.after = '' AND NEW.seq IS OLD.seq AND NEW.at IS OLD.at
            AND NEW.user IS OLD.user AND NEW.kind IS OLD.kind AND NEW.record_id IS OLD.record_id
            AND NEW.last_id IS OLD.last_id AND NEW.action IS OLD.action)
          BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END;
        """)
  }
}
