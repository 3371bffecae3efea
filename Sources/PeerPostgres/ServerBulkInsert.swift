import PeerCalendar
import PeerStore

/// `BulkInsert` on the server: rows are gathered and sent 20,000 to a COPY; the
/// audit trail gets one entry per run of consecutive ids at `finish`.
final class ServerBulkInsert: BulkInsert {
  let access: ServerAccess
  let kind: RecordKind
  private var row: [FieldValue]
  private var pending: [StoredRecord] = []
  private var ids: RecordIDs
  private var runs: AuditRuns
  private var finished = false

  init(access: ServerAccess, kind: RecordKind) {
    self.access = access
    self.kind = kind
    row = Array(repeating: .null, count: kind.fields.count + 1)
    ids = RecordIDs(connection: access.connection, kind: kind)
    runs = AuditRuns(kind: kind)
  }

  func set(_ index: Int, _ value: BulkValue) {
    let type: FieldType = index < kind.fields.count ? kind.fields[index].type : .text
    switch value {
    case .null: row[index] = .null
    case .int(let n): row[index] = type == .bool ? .bool(n != 0) : .int(Int(n))
    case .double(let d): row[index] = .double(d)
    case .text(let bytes):
      let text = String(decoding: bytes, as: UTF8.self)
      switch type {
      case .date: row[index] = ISODate.days(text).map { .date($0) } ?? .text(text)
      case .list: row[index] = .list(JSONText.decodeList(text) ?? [text])
      default: row[index] = .text(text)
      }
    }
  }

  func insertRow(id: Int64) throws -> Int64 {
    var record = StoredRecord(kind: kind)
    for (i, spec) in kind.fields.enumerated() where row[i] != .null { record.fields[spec.name] = row[i] }
    if case .text(let extra) = row[kind.fields.count], extra != "{}" {
      guard let fields = JSONText.decodeObject(extra) else {
        throw StoreError("the own fields of a new \(kind.rawValue) are not a JSON object")
      }
      record.extra = fields
    }
    for i in row.indices { row[i] = .null }
    return try insert(record, id: id)
  }

  func insert(_ record: StoredRecord) throws -> Int64 {
    guard record.kind == kind else { throw StoreError("a bulk insert takes records of one kind") }
    return try insert(record, id: record.id)
  }

  private func insert(_ record: StoredRecord, id: Int64) throws -> Int64 {
    try record.refuseNUL()
    var stored = record
    if id > 0 {
      // Kept ids (an import's) are checked and move the sequence a batch at a time, at `flush`.
      if keptIDs.isEmpty { try ids.giveBack() }
      stored.id = id
      keptIDs.append(id)
    } else {
      if !keptIDs.isEmpty { try flush() }
      stored.id = try ids.assign(0)
    }
    pending.append(stored)
    runs.add(stored.id)
    if pending.count >= 20_000 { try flush() }
    return stored.id
  }

  /// The ids given by the caller among the pending rows.
  private var keptIDs: [Int64] = []

  private func flush() throws {
    guard !pending.isEmpty else { return }
    if !keptIDs.isEmpty {
      let deleted = try access.query(
        "SELECT min(record_id) FROM audit WHERE kind = $1 AND action = 'delete' AND record_id = ANY($2::bigint[])",
        [.text(kind.rawValue), .ints(keptIDs)])
      if case .int(let id)? = deleted.first?.first {
        throw StoreError(
          "\(kind.code(for: id)) belonged to a \(kind.rawValue) that was deleted: ids are never given again")
      }
      let sequence = ServerSchema.sequence(kind)
      try access.query(
        "SELECT setval('\(sequence)', greatest($1, (SELECT last_value FROM \(sequence))))",
        [.int(keptIDs.max()!)])
      keptIDs.removeAll(keepingCapacity: true)
    }
    _ = try access.insertRows(pending, idsGiven: true)
    pending.removeAll(keepingCapacity: true)
  }

  func finish() throws {
    guard !finished else { return }
    finished = true
    try flush()
    try ids.giveBack()
    try access.writeRuns(runs)
    runs.removeAll()
  }
}
