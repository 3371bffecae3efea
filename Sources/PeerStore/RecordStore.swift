extension StoredRecord {
  /// The message for a record whose own-fields column cannot be read: refused rather than
  /// read as empty, since the next update would write the loss back.
  package static func unreadableOwnFields(_ kind: RecordKind, _ code: String) -> String {
    "\(kind.rawValue) \(code) has own fields peer cannot read (its extra column is not a JSON object of texts, numbers, booleans and lists of texts)"
  }

  /// The record as one JSON object: core fields in column order, then its own fields.
  /// SQLite's text functions and every C tool read a text up to its first NUL, and PostgreSQL
  /// cannot keep one: a field holding one is refused rather than kept cut short.
  package func refuseNUL() throws {
    let record = self
    func holdsNUL(_ v: FieldValue) -> Bool {
      switch v {
      case .text(let s): return s.utf8.contains(0)
      case .list(let items): return items.contains { $0.utf8.contains(0) }
      default: return false
      }
    }
    for (name, value) in record.fields where holdsNUL(value) {
      throw StoreError("\(record.kind.rawValue).\(name) holds a NUL byte, which the database cannot keep")
    }
    for (name, value) in record.extra where holdsNUL(value) {
      throw StoreError("\(record.kind.rawValue).\(name) holds a NUL byte, which the database cannot keep")
    }
  }

  package static func json(_ record: StoredRecord) -> String {
    var out: [UInt8] = [UInt8(ascii: "{")]
    out.reserveCapacity(256)
    var first = true
    func add(_ name: String, _ value: FieldValue) {
      if case .null = value { return }
      if !first { out.append(UInt8(ascii: ",")) }
      first = false
      JSONText.append(name, to: &out)
      out.append(UInt8(ascii: ":"))
      JSONText.append(value, to: &out)
    }
    for spec in record.kind.fields { add(spec.name, record.fields[spec.name] ?? .null) }
    for key in record.extra.keys.sorted() where record.kind.field(key) == nil { add(key, record.extra[key]!) }
    out.append(UInt8(ascii: "}"))
    return String(decoding: out, as: UTF8.self)
  }
}

/// A record as stored: its kind, id, core fields and the project's own fields.
public struct StoredRecord: Hashable, Sendable {
  public var kind: RecordKind
  public var id: Int64
  /// Core fields by name (absent = null).
  public var fields: [String: FieldValue]
  /// The project's own fields, kept in the record's JSON column.
  public var extra: [String: FieldValue]

  public init(
    kind: RecordKind, id: Int64 = 0, fields: [String: FieldValue] = [:], extra: [String: FieldValue] = [:]
  ) {
    self.kind = kind
    self.id = id
    self.fields = fields
    self.extra = extra
  }

  public var code: String { kind.code(for: id) }

  public subscript(name: String) -> FieldValue {
    fields[name] ?? extra[name] ?? .null
  }
}

extension AuditEntry {
  /// A record's history from the entries naming it and the bulk creations whose id range holds
  /// it, oldest first, as both stores give it. A creation written as a range keeps no
  /// after-values: they are the record as first stored, which is the before-values of its next
  /// entry or, if it has none, the record as it is now (`current`). In a file from before ids
  /// were kept unique, an id may have been given again after a deletion: the entries up to that
  /// deletion are the earlier record's, not this one's.
  package static func history(_ entries: [AuditEntry], current: () throws -> StoredRecord?) rethrows
    -> [AuditEntry]
  {
    var entries = entries
    // A record given again after a deletion begins with a new "create"; entries after a
    // deletion that are not a creation (an erasure's own entry) are still this record's.
    if let deletion = entries.lastIndex(where: { $0.action == "delete" }),
      entries[(deletion + 1)...].contains(where: { $0.action == "create" })
    {
      entries.removeFirst(deletion + 1)
    }
    for i in entries.indices where entries[i].action == "create" && entries[i].after.isEmpty {
      if i + 1 < entries.count {
        entries[i].after = entries[i + 1].before
      } else if let now = try current() {
        entries[i].after = StoredRecord.json(now)
      }
    }
    return entries
  }
}

/// One line of the audit trail.
public struct AuditEntry: Hashable, Sendable {
  public var sequence: Int64
  /// When, as ISO 8601 text in UTC.
  public var at: String
  public var user: String
  public var kind: RecordKind
  public var recordID: Int64
  /// "create", "update" or "delete".
  public var action: String
  /// The record's fields before and after, as JSON objects ("" when absent).
  public var before: String
  public var after: String

  package init(
    sequence: Int64, at: String, user: String, kind: RecordKind, recordID: Int64, action: String,
    before: String,
    after: String
  ) {
    self.sequence = sequence
    self.at = at
    self.user = user
    self.kind = kind
    self.recordID = recordID
    self.action = action
    self.before = before
    self.after = after
  }
}

/// A problem the store reports in one sentence ("the database was made by a newer version of
/// peer"); the command line prints it and exits with status 1.
public struct StoreError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// A `writeOnFirstChange` transaction read the records while another program was changing
/// them, so its own change could not follow: nothing it did was kept. Running it again (in a
/// `write`, which waits its turn) is safe if nothing else it did can be seen.
public struct StoreConflict: Error, Sendable, CustomStringConvertible {
  public init() {}
  public var description: String {
    "another program was changing the records while this script read them, so nothing it changed was saved; run it again"
  }
}

/// The kind of transaction a command's work runs in.
public enum TransactionKind: Sendable {
  /// Takes the write lock first (waits for another writer): for work that changes records.
  case writing
  /// Never waits and cannot change anything: a report, a printed form.
  case readingOnly
  /// Reads without waiting and takes the write lock at its first change: a script that may or
  /// may not write (`peer run`). Throws `StoreConflict` if the records changed in between.
  case writingOnFirstChange
}

/// What a transaction can read.
public protocol StoreReader {
  func get(_ kind: RecordKind, id: Int64) throws -> StoredRecord?
  /// The records of a kind with these ids, in no set order; an id with no record is left out.
  /// One query on a server, where `get` for each would be a round trip each.
  func get(_ kind: RecordKind, ids: [Int64]) throws -> [StoredRecord]
  /// Every record of a kind, in id order.
  func all(_ kind: RecordKind) throws -> [StoredRecord]
  /// Records whose core field `field` equals `value` (references compare by id, as `.int`).
  func find(_ kind: RecordKind, where field: String, equals value: FieldValue) throws -> [StoredRecord]
  func count(_ kind: RecordKind) throws -> Int
  /// The names of the project's own fields that records of the kind have (in no set order).
  func ownFieldNames(_ kind: RecordKind) throws -> [String]
  /// Every record of a kind, in id order, handed to `body` `batchSize` at a time, so that a
  /// whole kind is never held in memory (exports of a million visits). With `fields`, the
  /// records hold only those core fields (and no own fields). `body` returns false to stop.
  func forEach(
    _ kind: RecordKind, fields: [String]?, batchSize: Int, _ body: ([StoredRecord]) throws -> Bool) throws
  /// The records of a kind that meet a condition, in id order (a pipeline's `where`).
  func select(_ kind: RecordKind, where condition: RecordCondition) throws -> [StoredRecord]
  /// How many records of a kind meet a condition.
  func count(_ kind: RecordKind, where condition: RecordCondition) throws -> Int
  /// Reads the `columns` of every record of `kind` that meets `condition`, in id order, one
  /// row at a time and without building records (reports over a million visits). A column is
  /// a path: a core field, or reference fields and then a core field of the record they lead
  /// to (`["match", "mother", "site"]` from a visit); `["id"]` is the record's own id and
  /// `["extra"]` its own fields (read with `ScanRow.ownFields`). Without
  /// `inIDOrder` the rows come in whatever order the database finds cheapest (by an index on
  /// the condition's field, say).
  func scan(
    _ kind: RecordKind, where condition: RecordCondition?, columns: [[String]], inIDOrder: Bool,
    _ body: (ScanRow) throws -> Void
  ) throws
  /// Works out a `group ... | aggregates` of the records of `kind` that meet `condition` in the
  /// database, handing `body` one row per group, in no set order (see `GroupedScan.width` for
  /// its cells). Returns false, having called nothing, when this store does not group itself
  /// (SQLite, whose columns may hold any type: `scan` reads its rows instead).
  func scanGroups(
    _ kind: RecordKind, where condition: RecordCondition?, _ grouping: GroupedScan,
    _ body: (ScanRow) throws -> Void
  ) throws -> Bool
  /// The audit trail of one record, oldest first.
  func history(_ kind: RecordKind, id: Int64) throws -> [AuditEntry]
  /// The ids of `kind` (a record kind's name, or "task") that have at least one audit entry
  /// whose action is `action` ("anonymise": the records already anonymised). Only ids: on a
  /// server any login may ask, since no values of the entries are read.
  func auditedIDs(_ kind: String, action: String) throws -> Set<Int64>
}

extension StoreReader {
  /// A store in the same process reads them one by one: a lookup by id costs no round trip.
  public func get(_ kind: RecordKind, ids: [Int64]) throws -> [StoredRecord] {
    try ids.compactMap { try get(kind, id: $0) }
  }

  /// Most readers do not group in the database.
  public func scanGroups(
    _ kind: RecordKind, where condition: RecordCondition?, _ grouping: GroupedScan,
    _ body: (ScanRow) throws -> Void
  ) throws -> Bool { false }

  /// `forEach` with every field.
  public func forEach(_ kind: RecordKind, batchSize: Int, _ body: ([StoredRecord]) throws -> Bool) throws {
    try forEach(kind, fields: nil, batchSize: batchSize, body)
  }
}

/// What a write transaction can do. Every change appends to the audit trail.
public protocol StoreWriter: StoreReader {
  /// Goes up with every change this transaction makes (records, tasks, restrictions...): what
  /// a caller read and kept is as the store has it while this stays the same.
  var changeCount: Int { get }
  /// Inserts a record (its id is ignored) and returns its new id.
  func insert(_ record: StoredRecord) throws -> Int64
  /// Inserts many records of one kind (imports, the demo project); a record with an id > 0
  /// keeps it. Returns the ids in order.
  func insertMany(_ records: [StoredRecord]) throws -> [Int64]
  /// Replaces the fields of an existing record.
  func update(_ record: StoredRecord) throws
  func delete(_ kind: RecordKind, id: Int64) throws
  /// Starts a bulk insert of records of `kind` whose fields are given one by one, without
  /// building a `StoredRecord` per row (imports of a million visits). With `rebuildIndexes`,
  /// the kind's secondary indexes are dropped until `finish`, which builds them again (faster
  /// when many rows go into a table; nothing may look records of this kind up meanwhile).
  func bulkInsert(_ kind: RecordKind, rebuildIndexes: Bool) throws -> any BulkInsert
  /// Erasure's one exception to an append-only audit trail: the before- and after-values of
  /// every entry about these records of `kind` (a record kind's name, or "task") become empty.
  /// Each entry itself (when, who, which record, what kind of change) stays; the databases
  /// refuse any other change to it.
  func forgetHistory(_ kind: String, ids: [Int64]) throws
  /// Appends an audit entry that is not a change of fields (an erasure, an anonymisation):
  /// `kind` and `id` say which record, `after` is a JSON object saying what happened.
  func auditEvent(_ kind: String, id: Int64, action: String, after: String) throws
}

/// A field value for `BulkInsert`: texts are bytes valid until the row is inserted.
public enum BulkValue {
  case null
  case int(Int64)
  case double(Double)
  /// UTF-8 text (dates as ISO text, lists as JSON arrays, as the store keeps them).
  case text(UnsafeBufferPointer<UInt8>)
}

/// Rows of one kind written field by field. The audit trail gets one "create" entry per run
/// of consecutive ids, whose after-values are the records as first stored (see `history`).
public protocol BulkInsert: AnyObject {
  /// Sets field `index` of the next row: an index into the kind's `fields`, or
  /// `fields.count` for the project's own fields as a JSON object. Unset fields are null (own
  /// fields: none).
  func set(_ index: Int, _ value: BulkValue)
  /// Inserts the row (id 0: the next id never used) and returns its id; the fields are reset.
  func insertRow(id: Int64) throws -> Int64
  /// Inserts a whole record of the kind (its texts copied; an id > 0 is kept) and returns its id.
  func insert(_ record: StoredRecord) throws -> Int64
  /// Writes the audit entries and rebuilds any dropped index. Call once, after the last row.
  func finish() throws
}

/// The store: SQLite now, PostgreSQL later. One `write` is one transaction: if the body throws,
/// nothing it did is kept.
public protocol RecordStore: AnyObject {
  /// Who changes are recorded as (OS user or `--user`).
  var user: String { get set }
  func read<T>(_ body: (any StoreReader) throws -> T) throws -> T
  func write<T>(_ body: (any StoreWriter) throws -> T) throws -> T
  /// A transaction for a command that only reads (a report, a printed form): it never waits
  /// for a writer, sees one consistent snapshot, and any change tried in it fails with
  /// "this command only reads the records". The body gets the writer interface so that the
  /// same code runs in both kinds of transaction.
  func readingOnly<T>(_ body: (any StoreWriter) throws -> T) throws -> T
  /// A transaction that reads without waiting for a writer and takes the write lock only at
  /// its first change; if another program wrote in between, it throws `StoreConflict` and
  /// keeps nothing.
  func writeOnFirstChange<T>(_ body: (any StoreWriter) throws -> T) throws -> T
  /// `write` for a bulk load whose caller checks every reference itself (an import of visits
  /// checks each visit's match): the database does not check them again row by row.
  func writeCheckingReferencesItself<T>(_ body: (any StoreWriter) throws -> T) throws -> T
  /// After a transaction that erased personal data has committed: clears the copies the
  /// database still keeps of what it deleted or changed (SQLite: the WAL is checkpointed and
  /// truncated, the file vacuumed; a server: the touched tables rewritten by VACUUM FULL, when
  /// the login may). Never inside a transaction.
  func reclaimErasedSpace() throws
}

extension RecordStore {
  /// Runs `body` in a transaction of the given kind.
  public func transaction<T>(_ kind: TransactionKind, _ body: (any StoreWriter) throws -> T) throws -> T {
    switch kind {
    case .writing: return try write(body)
    case .readingOnly: return try readingOnly(body)
    case .writingOnFirstChange: return try writeOnFirstChange(body)
    }
  }
}
