import GRDB
import PeerCalendar

extension Schema {
  /// v5: who withdrew her consent, since when (Restrictions.swift).
  static func createRestrictions(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE restrictions (
          kind TEXT NOT NULL, record_id INTEGER NOT NULL, since TEXT NOT NULL, PRIMARY KEY (kind, record_id));
        """)
  }
}

extension SQLiteAccess: RestrictionStore {
  func restrictions(_ kind: RecordKind) throws -> [Int64: Int32] {
    var out: [Int64: Int32] = [:]
    for row in try Row.fetchAll(
      db, sql: "SELECT record_id, since FROM restrictions WHERE kind = ?", arguments: [kind.rawValue])
    {
      out[row[0]] = ISODate.days(row[1]) ?? 0
    }
    return out
  }

  func restrict(_ kind: RecordKind, id: Int64, on day: Int32) throws -> Bool {
    try db.execute(
      sql: "INSERT OR IGNORE INTO restrictions (kind, record_id, since) VALUES (?, ?, ?)",
      arguments: [kind.rawValue, id, ISODate.text(day)])
    return db.changesCount > 0
  }

  func lift(_ kind: RecordKind, id: Int64) throws -> Bool {
    try db.execute(
      sql: "DELETE FROM restrictions WHERE kind = ? AND record_id = ?", arguments: [kind.rawValue, id])
    return db.changesCount > 0
  }

  func copyRestriction(_ kind: RecordKind, id: Int64, since day: Int32) throws {
    try db.execute(
      sql: "INSERT INTO restrictions (kind, record_id, since) VALUES (?, ?, ?)",
      arguments: [kind.rawValue, id, ISODate.text(day)])
  }
}
