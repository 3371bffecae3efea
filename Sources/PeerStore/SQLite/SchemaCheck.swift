import GRDB

/// What an existing file holds, looked at before migrating: a new file, a peer database this peer
/// can bring up to date, one from a newer peer, or some other SQLite database that must not be
/// touched (migrating it would add peer's tables to another program's data).
enum SchemaCheck {
  /// Throws a `StoreError` unless this peer can use the database; returns whether migrations
  /// remain to be applied (so that opening an up-to-date file writes nothing).
  static func verify(_ db: Database, path: String) throws -> Bool {
    let tables = try String.fetchAll(
      db,
      sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    if tables.isEmpty { return true }  // a new file: the migrations make it
    // Errors reading it propagate: a damaged page must read as damage, not as "not peer's".
    let applied =
      tables.contains("grdb_migrations")
      ? Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")) : []
    guard applied.contains(Schema.firstMigration) else {
      let others = tables.filter { $0 != "grdb_migrations" }.prefix(4).joined(separator: ", ")
      throw StoreError("\(path) is not a peer database (it holds other tables: \(others))")
    }
    let known = Set(Schema.migrations.map(\.identifier))
    let unknown = applied.subtracting(known)
    let userVersion = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
    if !unknown.isEmpty || userVersion > Schema.version {
      let theirs = max(userVersion, applied.count)
      throw StoreError(
        "\(path) was made by a newer version of peer (schema \(theirs)); "
          + "this peer understands up to schema \(Schema.version): update peer to open it")
    }
    return !known.isSubset(of: applied)
  }
}
