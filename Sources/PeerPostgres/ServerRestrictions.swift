import PeerCalendar
import PeerStore

extension ServerSchema {
  /// v4: who withdrew her consent, since when (PeerStore's Restrictions.swift). A login sees
  /// the restrictions of the records it sees.
  static func restrictions() -> String {
    """
    CREATE TABLE restrictions (
      kind text NOT NULL, record_id bigint NOT NULL, since date NOT NULL, PRIMARY KEY (kind, record_id));

    """
  }
}

extension ServerAccess: RestrictionStore {
  func restrictions(_ kind: RecordKind) throws -> [Int64: Int32] {
    var out: [Int64: Int32] = [:]
    for row in try query("SELECT record_id, since FROM restrictions WHERE kind = $1", [.text(kind.rawValue)])
    {
      if case .int(let id) = row[0], case .day(let day) = row[1] { out[id] = day }
    }
    return out
  }

  func restrict(_ kind: RecordKind, id: Int64, on day: Int32) throws -> Bool {
    try willWrite()
    return try !query(
      "INSERT INTO restrictions (kind, record_id, since) VALUES ($1, $2, $3::date) ON CONFLICT DO NOTHING RETURNING record_id",
      [.text(kind.rawValue), .int(id), .text(ISODate.text(day))]
    ).isEmpty
  }

  func lift(_ kind: RecordKind, id: Int64) throws -> Bool {
    try willWrite()
    return try !query(
      "DELETE FROM restrictions WHERE kind = $1 AND record_id = $2 RETURNING record_id",
      [.text(kind.rawValue), .int(id)]
    ).isEmpty
  }

  func copyRestriction(_ kind: RecordKind, id: Int64, since day: Int32) throws {
    try query(
      "INSERT INTO restrictions (kind, record_id, since) VALUES ($1, $2, $3::date)",
      [.text(kind.rawValue), .int(id), .text(ISODate.text(day))])
  }
}
