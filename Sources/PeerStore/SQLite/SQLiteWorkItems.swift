import GRDB
import PeerCalendar

extension Schema {
  /// v2: the tasks and flags of scheduled rules. One row per rule, record and due date.
  static func createWorkItems(_ db: Database) throws {
    try db.execute(
      sql: """
        CREATE TABLE tasks (
          id INTEGER PRIMARY KEY, kind TEXT NOT NULL, rule TEXT NOT NULL, record TEXT NOT NULL,
          title TEXT NOT NULL, due TEXT NOT NULL, created_on TEXT NOT NULL, closed_on TEXT, closed_how TEXT,
          UNIQUE (rule, record, due));
        CREATE INDEX tasks_open ON tasks(closed_on, due);
        """)
  }
}

extension SQLiteAccess: WorkItemStore {
  static let itemColumns = "id, kind, rule, record, title, due, created_on, closed_on, closed_how"

  func decodeItem(_ row: Row) -> WorkItem {
    var item = WorkItem(
      kind: WorkItem.Kind(rawValue: row[1]) ?? .task, rule: row[2], record: row[3], title: row[4],
      due: ISODate.days(row[5]) ?? 0, createdOn: ISODate.days(row[6]) ?? 0)
    item.id = row[0]
    item.closedOn = (row[7] as String?).flatMap(ISODate.days)
    item.closedHow = row[8]
    return item
  }

  func openItems(rule: String?) throws -> [WorkItem] {
    let sql = "SELECT \(Self.itemColumns) FROM tasks WHERE closed_on IS NULL"
    if let rule {
      return try Row.fetchAll(db, sql: sql + " AND rule = ? ORDER BY due, id", arguments: [rule]).map(
        decodeItem)
    }
    return try Row.fetchAll(db, sql: sql + " ORDER BY due, id").map(decodeItem)
  }

  func item(rule: String, record: String, due: Int32) throws -> WorkItem? {
    try Row.fetchOne(
      try db.cachedStatement(
        sql: "SELECT \(Self.itemColumns) FROM tasks WHERE rule = ? AND record = ? AND due = ?"),
      arguments: [rule, record, ISODate.text(due)]
    ).map(decodeItem)
  }

  func item(id: Int64) throws -> WorkItem? {
    try Row.fetchOne(db, sql: "SELECT \(Self.itemColumns) FROM tasks WHERE id = ?", arguments: [id]).map(
      decodeItem)
  }

  func closedItems() throws -> [WorkItem] {
    try Row.fetchAll(db, sql: "SELECT \(Self.itemColumns) FROM tasks WHERE closed_on IS NOT NULL ORDER BY id")
      .map(
        decodeItem)
  }

  func items(about records: [String]) throws -> [WorkItem] {
    guard !records.isEmpty else { return [] }
    let marks = Array(repeating: "?", count: records.count).joined(separator: ", ")
    return try Row.fetchAll(
      db, sql: "SELECT \(Self.itemColumns) FROM tasks WHERE record IN (\(marks)) ORDER BY id",
      arguments: StatementArguments(records)
    ).map(decodeItem)
  }

  func insert(_ item: WorkItem) throws -> Int64 {
    try db.cachedStatement(
      // Never the id of a deleted item (SQLite alone gives the highest one's again), so an
      // item's audit entries are never another's.
      sql: """
        INSERT INTO tasks (id, kind, rule, record, title, due, created_on) VALUES (
          1 + max(coalesce((SELECT max(id) FROM tasks), 0),
            coalesce((SELECT max(record_id) FROM audit WHERE kind = 'task'), 0)), ?, ?, ?, ?, ?, ?)
        """
    ).execute(arguments: [
      item.kind.rawValue, item.rule, item.record, item.title, ISODate.text(item.due),
      ISODate.text(item.createdOn),
    ])
    let id = db.lastInsertedRowID
    var stored = item
    stored.id = id
    try auditStatement().execute(arguments: [
      SQLiteAccess.timestamp(), user, "task", id, "insert", "", WorkItem.json(stored),
    ])
    return id
  }

  func close(id: Int64, on day: Int32, how: String) throws {
    guard let before = try item(id: id), before.isOpen else { return }
    try db.execute(
      sql: "UPDATE tasks SET closed_on = ?, closed_how = ? WHERE id = ?",
      arguments: [ISODate.text(day), how, id])
    var after = before
    after.closedOn = day
    after.closedHow = how
    try auditStatement().execute(arguments: [
      SQLiteAccess.timestamp(), user, "task", id, "update", WorkItem.json(before), WorkItem.json(after),
    ])
  }

  func delete(id: Int64) throws {
    guard let before = try item(id: id) else { throw StoreError("there is no task or flag \(id)") }
    try db.execute(sql: "DELETE FROM tasks WHERE id = ?", arguments: [id])
    try auditStatement().execute(arguments: [
      SQLiteAccess.timestamp(), user, "task", id, "delete", WorkItem.json(before), "",
    ])
  }

  func statusCounts(_ kind: RecordKind) throws -> [String: Int] {
    var counts: [String: Int] = [:]
    for row in try Row.fetchAll(db, sql: "SELECT status, count(*) FROM \(kind.table) GROUP BY status") {
      counts[row[0] ?? ""] = row[1]
    }
    return counts
  }
}
