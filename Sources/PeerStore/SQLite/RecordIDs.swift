import GRDB

/// Ids are never reused: a new record's id is one more than the highest its kind ever had, and a
/// deleted record's id cannot be given to a new one (an import naming it is refused). The
/// audit trail remembers every id: each creation (`record_id`, or the run `record_id...last_id`)
/// and each deletion has an entry, and both columns are indexed by kind, so the highest is
/// found in a few index steps. (SQLite alone would hand out the id of a deleted last record
/// again, and the new person's `history()` would show the old one's.)
struct RecordIDs {
  let db: Database
  let kind: RecordKind
  private var next: Int64?
  private var highestDeleted: Int64?

  init(db: Database, kind: RecordKind) {
    self.db = db
    self.kind = kind
  }

  /// The id to store a record under: `requested` when it is given (an import keeping ids),
  /// else the next never-used one.
  mutating func assign(_ requested: Int64) throws -> Int64 {
    if requested > 0 {
      try refuseDeleted(requested)
      if let n = next, requested >= n { next = requested + 1 }
      return requested
    }
    let id = try next ?? highestEver() + 1
    next = id + 1
    return id
  }

  private func highestEver() throws -> Int64 {
    let row = try Row.fetchOne(
      db,
      sql: """
        SELECT max(
          coalesce((SELECT max(id) FROM \(kind.table)), 0),
          coalesce((SELECT max(record_id) FROM audit WHERE kind = ?1), 0),
          coalesce((SELECT max(last_id) FROM audit WHERE kind = ?1 AND last_id IS NOT NULL), 0))
        """, arguments: [kind.rawValue])
    return row?[0] ?? 0
  }

  private mutating func refuseDeleted(_ id: Int64) throws {
    let highest: Int64
    if let known = highestDeleted {
      highest = known
    } else {
      highest =
        try Int64.fetchOne(
          db, sql: "SELECT max(record_id) FROM audit WHERE kind = ? AND action = 'delete'",
          arguments: [kind.rawValue]) ?? 0
      highestDeleted = highest
    }
    guard id <= highest else { return }
    let deleted =
      try Bool.fetchOne(
        db,
        sql: "SELECT EXISTS (SELECT 1 FROM audit WHERE kind = ? AND record_id = ? AND action = 'delete')",
        arguments: [kind.rawValue, id]) ?? false
    if deleted {
      throw StoreError(
        "\(kind.code(for: id)) belonged to a \(kind.rawValue) that was deleted: ids are never given again")
    }
  }
}
