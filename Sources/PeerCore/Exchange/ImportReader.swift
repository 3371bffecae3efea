import PeerStore

/// What the integrity rules read while an import runs: the store, as it will be once the rows
/// accepted so far are written. Rows are written in batches, so the rows of the batch being
/// built are looked up here too; records of the other kinds cannot change during the import,
/// so what is read of them is remembered (a million visits ask about the same few thousand
/// matches and endings).
final class ImportReader: StoreReader {
  let base: any StoreWriter
  let kind: RecordKind
  /// Accepted rows not yet written; those without an id from the file get a provisional
  /// negative one so the rules can tell them apart.
  private(set) var pending: [StoredRecord] = []
  private var pendingByID: [Int64: Int] = [:]
  /// Pending rows by reference field and the id they name (for the fields the rules look up).
  private var pendingByReference: [String: [Int: [Int]]] = [:]
  private var provisional: Int64 = 0

  /// What was read of the other kinds, by kind (in `RecordKind.allCases` order) and id.
  private var gets: [[Int64: StoredRecord?]] = Array(repeating: [:], count: RecordKind.allCases.count)
  /// What was found of the other kinds, by kind, field and value.
  private var finds: [[String: [FieldValue: [StoredRecord]]]] = Array(
    repeating: [:], count: RecordKind.allCases.count)

  /// After this many reads of one other kind, that whole kind is read at once: a million
  /// visits naming 77,000 matches then cost one read of the matches, not 77,000 round trips
  /// to a server. A small import never reads more than it asks for.
  static let readWholeKindAfter = 1000
  private var misses: [Int] = Array(repeating: 0, count: RecordKind.allCases.count)
  /// A whole kind once read, by id, and its records by field and value (built as asked).
  private var wholeKinds: [[Int64: StoredRecord]?] = Array(repeating: nil, count: RecordKind.allCases.count)
  private var wholeByField: [[String: [FieldValue: [StoredRecord]]]] = Array(
    repeating: [:], count: RecordKind.allCases.count)

  init(base: any StoreWriter, kind: RecordKind) {
    self.base = base
    self.kind = kind
  }

  /// Takes an accepted row into the batch.
  func accept(_ record: StoredRecord) {
    var r = record
    if r.id == 0 {
      provisional -= 1
      r.id = provisional
    }
    let index = pending.count
    pending.append(r)
    pendingByID[r.id] = index
    for field in pendingByReference.keys {
      if case .int(let target) = r.fields[field] {
        pendingByReference[field]![target, default: []].append(index)
      }
    }
  }

  /// The batch, with the provisional ids cleared, ready to write; empties it.
  func takeBatch() -> [StoredRecord] {
    var batch = pending
    for i in batch.indices where batch[i].id < 0 { batch[i].id = 0 }
    pending.removeAll(keepingCapacity: true)
    pendingByID.removeAll(keepingCapacity: true)
    for field in pendingByReference.keys { pendingByReference[field] = [:] }
    return batch
  }

  // MARK: - StoreReader

  func get(_ kind: RecordKind, id: Int64) throws -> StoredRecord? {
    if kind == self.kind {
      if let i = pendingByID[id] { return pending[i] }
      return try base.get(kind, id: id)
    }
    let k = kind.ordinal
    if let known = gets[k][id] { return known }
    if let whole = try wholeKind(kind) { return whole[id] }
    let found = try base.get(kind, id: id)
    gets[k][id] = .some(found)
    return found
  }

  func all(_ kind: RecordKind) throws -> [StoredRecord] {
    try base.all(kind) + (kind == self.kind ? pending : [])
  }

  // The rules never query the kind being imported by condition; rows not yet written could
  // not be seen by the store's query, so that is refused rather than answered wrongly.
  func select(_ kind: RecordKind, where condition: RecordCondition) throws -> [StoredRecord] {
    guard kind != self.kind else { throw StoreError("\(kind.plural) cannot be queried during their import") }
    return try base.select(kind, where: condition)
  }

  func count(_ kind: RecordKind, where condition: RecordCondition) throws -> Int {
    guard kind != self.kind else { throw StoreError("\(kind.plural) cannot be counted during their import") }
    return try base.count(kind, where: condition)
  }

  func scan(
    _ kind: RecordKind, where condition: RecordCondition?, columns: [[String]], inIDOrder: Bool,
    _ body: (ScanRow) throws -> Void
  ) throws {
    guard kind != self.kind else { throw StoreError("\(kind.plural) cannot be read during their import") }
    try base.scan(kind, where: condition, columns: columns, inIDOrder: inIDOrder, body)
  }

  func find(_ kind: RecordKind, where field: String, equals value: FieldValue) throws -> [StoredRecord] {
    if kind == self.kind {
      var found = try base.find(kind, where: field, equals: value)
      if case .reference? = kind.field(field)?.type {
        if pendingByReference[field] == nil {
          // Indexed from the first time the rules ask (visits are never looked up this way).
          var byTarget: [Int: [Int]] = [:]
          for (i, r) in pending.enumerated() {
            if case .int(let t) = r.fields[field] { byTarget[t, default: []].append(i) }
          }
          pendingByReference[field] = byTarget
        }
        if case .int(let target) = value, let indices = pendingByReference[field]?[target] {
          found += indices.map { pending[$0] }
        }
      } else {
        found += pending.filter { $0[field] == value }
      }
      return found
    }
    let k = kind.ordinal
    if let known = finds[k][field]?[value] { return known }
    if let whole = try wholeKind(kind) {
      if wholeByField[k][field] == nil {
        var index: [FieldValue: [StoredRecord]] = [:]
        // In id order, as the store finds them; an empty field equals nothing (SQL's `=`).
        for id in whole.keys.sorted() {
          let r = whole[id]!
          if let v = r.fields[field], v != .null { index[v, default: []].append(r) }
        }
        wholeByField[k][field] = index
      }
      return wholeByField[k][field]![value] ?? []
    }
    let found = try base.find(kind, where: field, equals: value)
    finds[k][field, default: [:]][value] = found
    return found
  }

  /// Another kind read whole, once it has been read piecemeal often enough; nil before.
  private func wholeKind(_ kind: RecordKind) throws -> [Int64: StoredRecord]? {
    let k = kind.ordinal
    if let whole = wholeKinds[k] { return whole }
    misses[k] += 1
    guard misses[k] > Self.readWholeKindAfter else { return nil }
    var whole: [Int64: StoredRecord] = [:]
    try base.forEach(kind, batchSize: 10_000) { batch in
      for r in batch { whole[r.id] = r }
      return true
    }
    wholeKinds[k] = whole
    return whole
  }

  func forEach(
    _ kind: RecordKind, fields: [String]?, batchSize: Int, _ body: ([StoredRecord]) throws -> Bool
  ) throws {
    let records = try all(kind)
    for start in stride(from: 0, to: records.count, by: max(1, batchSize)) {
      if try !body(Array(records[start..<min(start + max(1, batchSize), records.count)])) { return }
    }
  }

  func ownFieldNames(_ kind: RecordKind) throws -> [String] {
    var names = Set(try base.ownFieldNames(kind))
    if kind == self.kind { for r in pending { names.formUnion(r.extra.keys) } }
    return Array(names)
  }

  func count(_ kind: RecordKind) throws -> Int {
    try base.count(kind) + (kind == self.kind ? pending.count : 0)
  }

  func history(_ kind: RecordKind, id: Int64) throws -> [AuditEntry] {
    try base.history(kind, id: id)
  }

  func auditedIDs(_ kind: String, action: String) throws -> Set<Int64> {
    try base.auditedIDs(kind, action: action)
  }
}
