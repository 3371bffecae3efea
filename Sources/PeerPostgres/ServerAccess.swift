import PeerCalendar
import PeerStore

/// Reading and writing records inside one server transaction: the same answers as
/// `SQLiteAccess`, in PostgreSQL's dialect (the conditions come from the same `ConditionSQL`).
struct ServerAccess: StoreWriter {
  let connection: ServerConnection
  let user: String
  let transaction: ServerTransaction

  // MARK: - Rows and values

  /// A core field as the SELECT reads it: lists as their JSON text (dates come as `date`).
  static func selected(_ spec: FieldSpec) -> String { SQLDialect.postgres.read(spec.column, spec.type) }

  /// The columns of a record as this login reads them: a column its role may not read (a
  /// volunteer's view of a referral) comes as empty, so nothing the role hides is sent.
  func selectList(_ kind: RecordKind) throws -> String {
    let hidden = try connection.hiddenColumns()[kind] ?? []
    return
      (["id"] + kind.fields.map { hidden.contains($0.column) ? "NULL" : Self.selected($0) }
      + [hidden.contains("extra") ? "'{}'" : "extra::text"]).joined(separator: ", ")
  }

  func decode(_ row: [ScanCell], _ kind: RecordKind) throws -> StoredRecord {
    let cells = ScanCells()
    cells.cells = row
    let scan = ScanRow(cells: cells)
    var record = StoredRecord(kind: kind, id: scan.int(0))
    for (i, spec) in kind.fields.enumerated() { record.fields[spec.name] = scan.field(i + 1, spec.type) }
    record.extra = try scan.ownFields(kind.fields.count + 1, of: kind, code: record.code)
    return record
  }

  /// The parameters `$first...` for a record's fields and own fields, cast to the columns' types.
  static func parameters(_ kind: RecordKind, from first: Int) -> [String] {
    var out = kind.fields.enumerated().map { i, spec in SQLDialect.postgres.parameter(first + i, spec.type) }
    out.append("$\(first + kind.fields.count)::jsonb")
    return out
  }

  static func values(_ record: StoredRecord) -> [ServerValue] {
    var out = record.kind.fields.map { ServerValue(record.fields[$0.name] ?? .null) }
    out.append(
      .text(record.extra.isEmpty ? "{}" : JSONText.encode(record.extra.filter { $0.value != .null })))
    return out
  }

  func query(_ sql: String, _ arguments: [ServerValue] = []) throws -> [[ScanCell]] {
    try connection.query(sql, arguments)
  }

  /// Before the first change of a transaction that began by reading (`writeOnFirstChange`).
  func willWrite() throws { try transaction.willWrite(connection) }

  var changeCount: Int { transaction.changes }

  // MARK: - StoreReader

  func get(_ kind: RecordKind, id: Int64) throws -> StoredRecord? {
    try query("SELECT \(try selectList(kind)) FROM \(kind.table) WHERE id = $1", [.int(id)]).first.map {
      try decode($0, kind)
    }
  }

  func get(_ kind: RecordKind, ids: [Int64]) throws -> [StoredRecord] {
    try query(
      "SELECT \(try selectList(kind)) FROM \(kind.table) WHERE id = ANY($1::bigint[])", [.ints(ids)]
    ).map { try decode($0, kind) }
  }

  func all(_ kind: RecordKind) throws -> [StoredRecord] {
    try query("SELECT \(try selectList(kind)) FROM \(kind.table) ORDER BY id").map { try decode($0, kind) }
  }

  func find(_ kind: RecordKind, where field: String, equals value: FieldValue) throws -> [StoredRecord] {
    guard let spec = kind.field(field) else { throw StoreError("\(kind.rawValue) has no field \"\(field)\"") }
    let p = SQLDialect.postgres.parameter(1, spec.type)
    let sql = "SELECT \(try selectList(kind)) FROM \(kind.table) WHERE \(spec.column) = \(p) ORDER BY id"
    return try query(sql, [ServerValue(value)]).map { try decode($0, kind) }
  }

  func ownFieldNames(_ kind: RecordKind) throws -> [String] {
    try query(
      """
      SELECT DISTINCT jsonb_object_keys(extra) FROM \(kind.table)
      WHERE extra <> '{}'::jsonb AND jsonb_typeof(extra) = 'object'
      """
    ).compactMap { row in if case .text(let s) = row[0] { return s } else { return nil } }
  }

  func select(_ kind: RecordKind, where condition: RecordCondition) throws -> [StoredRecord] {
    let c = try ConditionSQL(condition, kind, dialect: .postgres)
    let sql = "SELECT \(try selectList(kind)) FROM \(kind.table) WHERE \(c.sql) ORDER BY id"
    return try query(sql, c.arguments.map(ServerValue.init)).map { try decode($0, kind) }
  }

  func count(_ kind: RecordKind, where condition: RecordCondition) throws -> Int {
    let c = try ConditionSQL(condition, kind, dialect: .postgres)
    let rows = try query(
      "SELECT count(*) FROM \(kind.table) WHERE \(c.sql)", c.arguments.map(ServerValue.init))
    if case .int(let n)? = rows.first?.first { return Int(n) }
    return 0
  }

  func count(_ kind: RecordKind) throws -> Int {
    if case .int(let n)? = try query("SELECT count(*) FROM \(kind.table)").first?.first { return Int(n) }
    return 0
  }

  /// As `SQLiteAccess.history`: the record's entries and the bulk creations whose id range
  /// holds it, a range's after-values filled in from the next entry or the record as it is.
  func history(_ kind: RecordKind, id: Int64) throws -> [AuditEntry] {
    let at = #"to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"#
    let rows = try query(
      """
      SELECT seq, \(at), "user", action, before, after FROM audit WHERE kind = $1 AND record_id = $2
      UNION ALL
      SELECT seq, \(at), "user", action, before, after FROM audit
        WHERE kind = $1 AND last_id IS NOT NULL AND last_id >= $2 AND record_id < $2
      ORDER BY 1
      """, [.text(kind.rawValue), .int(id)])
    let entries = rows.map { row -> AuditEntry in
      func text(_ i: Int) -> String { if case .text(let s) = row[i] { return s } else { return "" } }
      var sequence: Int64 = 0
      if case .int(let n) = row[0] { sequence = n }
      return AuditEntry(
        sequence: sequence, at: text(1), user: text(2), kind: kind, recordID: id, action: text(3),
        before: text(4), after: text(5))
    }
    return try AuditEntry.history(entries) { try get(kind, id: id) }
  }

  func forEach(
    _ kind: RecordKind, fields names: [String]?, batchSize: Int, _ body: ([StoredRecord]) throws -> Bool
  ) throws {
    let specs = try kind.fields(named: names)
    let hidden = try connection.hiddenColumns()[kind] ?? []
    let columns =
      names == nil
      ? try selectList(kind)
      : (["id"] + specs.map { hidden.contains($0.column) ? "NULL" : Self.selected($0) }).joined(
        separator: ", ")
    let size = max(1, batchSize)
    var stop = false
    try transaction.withCursor(
      connection, "SELECT \(columns) FROM \(kind.table) ORDER BY id", [], batch: size
    ) { rows in
      var batch: [StoredRecord] = []
      batch.reserveCapacity(rows.count)
      for row in rows {
        if names == nil {
          batch.append(try decode(row, kind))
        } else {
          let cells = ScanCells()
          cells.cells = row
          let scan = ScanRow(cells: cells)
          var record = StoredRecord(kind: kind, id: scan.int(0))
          for (i, spec) in specs.enumerated() { record.fields[spec.name] = scan.field(i + 1, spec.type) }
          batch.append(record)
        }
      }
      if !batch.isEmpty, try !body(batch) { stop = true }
      return !stop
    }
  }

  /// `ScanSQL`'s one SELECT, read through a cursor so that a million rows are never held at
  /// once.
  func scan(
    _ kind: RecordKind, where condition: RecordCondition?, columns: [[String]], inIDOrder: Bool,
    _ body: (ScanRow) throws -> Void
  ) throws {
    let query = try ScanSQL(
      kind, where: condition, columns: columns, inIDOrder: inIDOrder, dialect: .postgres,
      hidden: try connection.hiddenColumns())
    let arguments = query.arguments.map(ServerValue.init)
    let sql = query.sql
    let cells = ScanCells()
    let row = ScanRow(cells: cells)
    try transaction.withCursor(connection, sql, arguments, batch: 5000) { rows in
      for r in rows {
        cells.cells = r
        try body(row)
      }
      return true
    }
  }

  /// `GroupedSQL`'s one GROUP BY: only the groups come over the wire. A plain query, not a
  /// cursor: the planner plans a cursor for its first rows (nested loops, sorted groups), where
  /// a grouping wants the whole answer at once (hash joins and aggregates).
  func scanGroups(
    _ kind: RecordKind, where condition: RecordCondition?, _ grouping: GroupedScan,
    _ body: (ScanRow) throws -> Void
  ) throws -> Bool {
    let query = try GroupedSQL(
      kind, where: condition, grouping, dialect: .postgres, hidden: try connection.hiddenColumns())
    let cells = ScanCells()
    let row = ScanRow(cells: cells)
    for r in try self.query(query.sql, query.arguments.map(ServerValue.init)) {
      cells.cells = r
      try body(row)
    }
    return true
  }

  // MARK: - StoreWriter

  func insert(_ record: StoredRecord) throws -> Int64 {
    try willWrite()
    let id = try insertRows([record])[0]
    var stored = record
    stored.id = id
    try audit(record.kind.rawValue, id, "create", before: "", after: StoredRecord.json(stored))
    return id
  }

  func insertMany(_ records: [StoredRecord]) throws -> [Int64] {
    guard let kind = records.first?.kind else { return [] }
    try willWrite()
    let ids = try insertRows(records)
    var runs = AuditRuns(kind: kind)
    for id in ids { runs.add(id) }
    try writeRuns(runs)
    return ids
  }

  /// Appends the audit entries of records created in bulk: one per run of consecutive ids.
  func writeRuns(_ runs: AuditRuns) throws {
    for run in runs.runs {
      try query(
        """
        INSERT INTO audit ("user", kind, record_id, last_id, action, before, after)
        VALUES ($1, $2, $3, $4, 'create', '', '')
        """,
        [
          .text(user), .text(runs.kind.rawValue), .int(run.first),
          run.first == run.last ? .null : .int(run.last),
        ])
    }
  }

  /// Inserts the rows, several to a statement; returns their ids in order. `idsGiven`: the
  /// records' ids are already assigned (a bulk insert's).
  func insertRows(_ records: [StoredRecord], idsGiven: Bool = false) throws -> [Int64] {
    guard let kind = records.first?.kind else { return [] }
    var ids = RecordIDs(connection: connection, kind: kind)
    var assigned: [Int64] = []
    assigned.reserveCapacity(records.count)
    if !idsGiven {
      let new = records.filter { $0.id <= 0 }.count
      if new > 0 && new == records.count { try ids.reserve(new) }
    }
    for record in records {
      guard record.kind == kind else { throw StoreError("insertMany takes records of one kind") }
      try record.refuseNUL()
      assigned.append(idsGiven ? record.id : try ids.assign(record.id))
    }
    try ids.giveBack()
    // A few rows (a form, a REPL entry) go as plain INSERTs: one round trip each.
    if records.count <= 8 {
      let columns = (["id"] + kind.fields.map(\.column) + ["extra"]).joined(separator: ", ")
      let sql =
        "INSERT INTO \(kind.table) (\(columns)) VALUES ($1, \(Self.parameters(kind, from: 2).joined(separator: ", ")))"
      for (i, record) in records.enumerated() { try query(sql, [.int(assigned[i])] + Self.values(record)) }
      return assigned
    }
    // More go in COPY's text format, a few megabytes to a statement: nothing for the server to
    // parse but the values themselves.
    var rows = CopyRows(kind: kind)
    for (i, record) in records.enumerated() {
      rows.append(record, id: assigned[i])
      if rows.bytes.count >= 1 << 22 {
        try connection.copy(rows)
        rows.removeAll()
      }
    }
    if rows.count > 0 { try connection.copy(rows) }
    return assigned
  }

  func bulkInsert(_ kind: RecordKind, rebuildIndexes: Bool) throws -> any BulkInsert {
    try willWrite()
    return ServerBulkInsert(access: self, kind: kind)
  }

  func update(_ record: StoredRecord) throws {
    try willWrite()
    try record.refuseNUL()
    guard let before = try get(record.kind, id: record.id) else {
      throw StoreError("there is no \(record.kind.rawValue) \(record.code)")
    }
    let kind = record.kind
    let parameters = Self.parameters(kind, from: 2)
    let assignments = zip(kind.fields.map(\.column) + ["extra"], parameters).map { "\($0) = \($1)" }
    try query(
      "UPDATE \(kind.table) SET \(assignments.joined(separator: ", ")) WHERE id = $1",
      [.int(record.id)] + Self.values(record))
    try audit(
      kind.rawValue, record.id, "update", before: StoredRecord.json(before), after: StoredRecord.json(record))
  }

  func delete(_ kind: RecordKind, id: Int64) throws {
    try willWrite()
    guard let before = try get(kind, id: id) else {
      throw StoreError("there is no \(kind.rawValue) \(kind.code(for: id))")
    }
    for other in RecordKind.allCases {
      for spec in other.fields where spec.type == .reference(kind) {
        let sql = "SELECT id FROM \(other.table) WHERE \(spec.column) = $1 ORDER BY id LIMIT 1"
        if case .int(let holder)? = try query(sql, [.int(id)]).first?.first {
          throw StoreError(
            "cannot delete \(kind.rawValue) \(kind.code(for: id)): \(other.rawValue) \(other.code(for: holder)) refers to it"
          )
        }
      }
    }
    try query("DELETE FROM \(kind.table) WHERE id = $1", [.int(id)])
    try audit(kind.rawValue, id, "delete", before: StoredRecord.json(before), after: "")
  }

  /// Through `peer_forget_history` (ServerSchema v3): no login may update the audit trail
  /// itself, and only the roles that may erase may run the function.
  func forgetHistory(_ kind: String, ids: [Int64]) throws {
    guard !ids.isEmpty else { return }
    try willWrite()
    try query("SELECT peer_forget_history($1, $2::bigint[])", [.text(kind), .ints(ids)])
  }

  func auditEvent(_ kind: String, id: Int64, action: String, after: String) throws {
    try willWrite()
    try audit(kind, id, action, before: "", after: after)
  }

  func auditedIDs(_ kind: String, action: String) throws -> Set<Int64> {
    Set(
      try query("SELECT peer_audited_ids($1, $2)", [.text(kind), .text(action)]).compactMap { row in
        if case .int(let n) = row[0] { return n } else { return nil }
      })
  }

  func audit(_ kind: String, _ id: Int64, _ action: String, before: String, after: String) throws {
    try query(
      #"INSERT INTO audit ("user", kind, record_id, action, before, after) VALUES ($1, $2, $3, $4, $5, $6)"#,
      [.text(user), .text(kind), .int(id), .text(action), .text(before), .text(after)])
  }
}

extension ServerAccess: WorkItemStore {
  static let itemColumns = "id, kind, rule, record, title, due, created_on, closed_on, closed_how"

  func decodeItem(_ row: [ScanCell]) -> WorkItem {
    func text(_ i: Int) -> String? { if case .text(let s) = row[i] { return s } else { return nil } }
    func day(_ i: Int) -> Int32? { if case .day(let d) = row[i] { return d } else { return nil } }
    var item = WorkItem(
      kind: WorkItem.Kind(rawValue: text(1) ?? "") ?? .task, rule: text(2) ?? "", record: text(3) ?? "",
      title: text(4) ?? "", due: day(5) ?? 0, createdOn: day(6) ?? 0)
    if case .int(let id) = row[0] { item.id = id }
    item.closedOn = day(7)
    item.closedHow = text(8)
    return item
  }

  func openItems(rule: String?) throws -> [WorkItem] {
    let sql = "SELECT \(Self.itemColumns) FROM tasks WHERE closed_on IS NULL"
    if let rule { return try query(sql + " AND rule = $1 ORDER BY due, id", [.text(rule)]).map(decodeItem) }
    return try query(sql + " ORDER BY due, id").map(decodeItem)
  }

  func item(rule: String, record: String, due: Int32) throws -> WorkItem? {
    try query(
      "SELECT \(Self.itemColumns) FROM tasks WHERE rule = $1 AND record = $2 AND due = $3::date",
      [.text(rule), .text(record), .text(ISODate.text(due))]
    ).first.map(decodeItem)
  }

  func item(id: Int64) throws -> WorkItem? {
    try query("SELECT \(Self.itemColumns) FROM tasks WHERE id = $1", [.int(id)]).first.map(decodeItem)
  }

  func closedItems() throws -> [WorkItem] {
    try query("SELECT \(Self.itemColumns) FROM tasks WHERE closed_on IS NOT NULL ORDER BY id").map(decodeItem)
  }

  func items(about records: [String]) throws -> [WorkItem] {
    guard !records.isEmpty else { return [] }
    return try query(
      // Record codes hold no comma.
      "SELECT \(Self.itemColumns) FROM tasks WHERE record = ANY (string_to_array($1, ',')) ORDER BY id",
      [.text(records.joined(separator: ","))]
    ).map(decodeItem)
  }

  func insert(_ item: WorkItem) throws -> Int64 {
    try willWrite()
    let rows = try query(
      """
      INSERT INTO tasks (kind, rule, record, title, due, created_on)
      VALUES ($1, $2, $3, $4, $5::date, $6::date) RETURNING id
      """,
      [
        .text(item.kind.rawValue), .text(item.rule), .text(item.record), .text(item.title),
        .text(ISODate.text(item.due)), .text(ISODate.text(item.createdOn)),
      ])
    guard case .int(let id)? = rows.first?.first else { throw StoreError("the server gave the task no id") }
    var stored = item
    stored.id = id
    try audit("task", id, "insert", before: "", after: WorkItem.json(stored))
    return id
  }

  func close(id: Int64, on day: Int32, how: String) throws {
    guard let before = try item(id: id), before.isOpen else { return }
    try willWrite()
    try query(
      "UPDATE tasks SET closed_on = $1::date, closed_how = $2 WHERE id = $3",
      [.text(ISODate.text(day)), .text(how), .int(id)])
    var after = before
    after.closedOn = day
    after.closedHow = how
    try audit("task", id, "update", before: WorkItem.json(before), after: WorkItem.json(after))
  }

  func delete(id: Int64) throws {
    guard let before = try item(id: id) else { throw StoreError("there is no task or flag \(id)") }
    try willWrite()
    try query("DELETE FROM tasks WHERE id = $1", [.int(id)])
    try audit("task", id, "delete", before: WorkItem.json(before), after: "")
  }

  func statusCounts(_ kind: RecordKind) throws -> [String: Int] {
    var counts: [String: Int] = [:]
    for row in try query("SELECT status, count(*) FROM \(kind.table) GROUP BY status") {
      var name = ""
      if case .text(let s) = row[0] { name = s }
      if case .int(let n) = row[1] { counts[name] = Int(n) }
    }
    return counts
  }
}

/// Ids on the server: the kind's sequence gives new ones (it never goes back, so a deleted
/// record's id is never given again); an id an import keeps is refused if a deleted record had
/// it, and moves the sequence past it.
struct RecordIDs {
  let connection: ServerConnection
  let kind: RecordKind
  /// Ids taken from the sequence and not yet used (taken many at a time on bulk loads).
  private var reserved: [Int64] = []
  private var reservedAt = 0

  init(connection: ServerConnection, kind: RecordKind) {
    self.connection = connection
    self.kind = kind
  }

  mutating func assign(_ requested: Int64) throws -> Int64 {
    if requested > 0 {
      let deleted = try connection.query(
        "SELECT 1 FROM audit WHERE kind = $1 AND record_id = $2 AND action = 'delete' LIMIT 1",
        [.text(kind.rawValue), .int(requested)])
      if !deleted.isEmpty {
        throw StoreError(
          "\(kind.code(for: requested)) belonged to a \(kind.rawValue) that was deleted: ids are never given again"
        )
      }
      try giveBack()
      try connection.query(
        "SELECT setval('\(sequence)', greatest($1, (SELECT last_value FROM \(sequence))))", [.int(requested)])
      return requested
    }
    if reservedAt == reserved.count { try reserve(min(1000, max(1, reserved.count * 4))) }
    reservedAt += 1
    return reserved[reservedAt - 1]
  }

  private var sequence: String { ServerSchema.sequence(kind) }

  /// Takes `count` new ids from the sequence at once (one round trip for many rows).
  mutating func reserve(_ count: Int) throws {
    try giveBack()
    reserved = try connection.query(
      "SELECT nextval('\(sequence)') FROM generate_series(1, $1)", [.int(Int64(max(1, count)))]
    ).compactMap { row in if case .int(let n) = row[0] { return n } else { return nil } }
    reservedAt = 0
    guard !reserved.isEmpty else { throw StoreError("the server gave no new id") }
  }

  /// Puts the sequence back to the last id used, so reserved ids left over leave no gap.
  /// Safe because it runs in the writer's turn: no other peer takes ids meanwhile.
  mutating func giveBack() throws {
    guard reservedAt < reserved.count else { return }
    let last = reservedAt > 0 ? reserved[reservedAt - 1] : reserved[0] - 1
    try connection.query("SELECT setval('\(sequence)', $1, $2)", [.int(max(last, 1)), .bool(last >= 1)])
    reserved = []
    reservedAt = 0
  }
}

extension ServerAccess: ProjectTransfer {
  func auditRows(batchSize: Int, _ body: ([AuditRow]) throws -> Void) throws {
    let at = #"to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"#
    try transaction.withCursor(
      connection,
      #"SELECT seq, \#(at), "user", kind, record_id, last_id, action, before, after FROM audit ORDER BY seq"#,
      [],
      batch: batchSize
    ) { rows in
      try body(
        rows.map { row in
          func text(_ i: Int) -> String { if case .text(let s) = row[i] { return s } else { return "" } }
          func int(_ i: Int) -> Int64? { if case .int(let n) = row[i] { return n } else { return nil } }
          return AuditRow(
            sequence: int(0) ?? 0, at: text(1), user: text(2), kind: text(3), recordID: int(4) ?? 0,
            lastID: int(5), action: text(6), before: text(7), after: text(8))
        })
      return true
    }
  }

  func allWorkItems() throws -> [WorkItem] {
    try query("SELECT \(Self.itemColumns) FROM tasks ORDER BY id").map(decodeItem)
  }

  func insertUnaudited(_ records: [StoredRecord]) throws {
    try willWrite()
    _ = try insertRows(records, idsGiven: true)
  }

  func appendAudit(_ rows: [AuditRow]) throws {
    try willWrite()
    var start = 0
    while start < rows.count {
      let end = min(rows.count, start + 500)
      var tuples: [String] = []
      var arguments: [ServerValue] = []
      for r in rows[start..<end] {
        let n = arguments.count
        tuples.append(
          "($\(n + 1)::bigint, $\(n + 2)::timestamptz, $\(n + 3)::text, $\(n + 4)::text, $\(n + 5)::bigint, $\(n + 6)::bigint, $\(n + 7)::text, $\(n + 8)::text, $\(n + 9)::text)"
        )
        arguments += [
          .int(r.sequence), .text(r.at), .text(r.user), .text(r.kind), .int(r.recordID),
          r.lastID.map { .int($0) } ?? .null,
          .text(r.action), .text(r.before), .text(r.after),
        ]
      }
      try query(
        #"INSERT INTO audit (seq, at, "user", kind, record_id, last_id, action, before, after) VALUES "#
          + tuples.joined(separator: ", "), arguments)
      start = end
    }
  }

  func insertUnaudited(_ item: WorkItem) throws {
    try willWrite()
    try query(
      """
      INSERT INTO tasks (id, kind, rule, record, title, due, created_on, closed_on, closed_how)
      VALUES ($1, $2, $3, $4, $5, $6::date, $7::date, $8::date, $9)
      """,
      [
        .int(item.id), .text(item.kind.rawValue), .text(item.rule), .text(item.record), .text(item.title),
        .text(ISODate.text(item.due)), .text(ISODate.text(item.createdOn)),
        item.closedOn.map { .text(ISODate.text($0)) } ?? .null, item.closedHow.map { .text($0) } ?? .null,
      ])
  }

  /// Each sequence moves past the highest id its kind ever had: in its table, or in the audit
  /// trail (a deleted record's id, or the end of a bulk creation's run).
  func finishTransfer() throws {
    try willWrite()
    for kind in RecordKind.allCases {
      let sequence = ServerSchema.sequence(kind)
      try query(
        """
        SELECT setval('\(sequence)', greatest(1, (SELECT coalesce(max(id), 0) FROM \(kind.table)),
          (SELECT coalesce(max(greatest(record_id, coalesce(last_id, 0))), 0) FROM audit WHERE kind = $1)),
          (SELECT count(*) > 0 FROM \(kind.table)) OR EXISTS (SELECT 1 FROM audit WHERE kind = $1))
        """, [.text(kind.rawValue)])
    }
    try query(
      "SELECT setval('audit_seq_seq', greatest(1, (SELECT coalesce(max(seq), 0) FROM audit)), (SELECT count(*) > 0 FROM audit))"
    )
    try query(
      "SELECT setval('tasks_id_seq', greatest(1, (SELECT coalesce(max(id), 0) FROM tasks)), (SELECT count(*) > 0 FROM tasks))"
    )
  }
}
