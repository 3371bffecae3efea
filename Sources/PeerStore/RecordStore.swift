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
}

/// A problem the store reports in one sentence ("the database was made by a newer version of
/// peer"); the command line prints it and exits with status 1.
public struct StoreError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// What a transaction can read.
public protocol StoreReader {
  func get(_ kind: RecordKind, id: Int64) throws -> StoredRecord?
  /// Every record of a kind, in id order.
  func all(_ kind: RecordKind) throws -> [StoredRecord]
  /// Records whose core field `field` equals `value` (references compare by id, as `.int`).
  func find(_ kind: RecordKind, where field: String, equals value: FieldValue) throws -> [StoredRecord]
  func count(_ kind: RecordKind) throws -> Int
  /// The records of a kind that meet a condition, in id order (a pipeline's `where`).
  func select(_ kind: RecordKind, where condition: RecordCondition) throws -> [StoredRecord]
  /// How many records of a kind meet a condition.
  func count(_ kind: RecordKind, where condition: RecordCondition) throws -> Int
  /// The audit trail of one record, oldest first.
  func history(_ kind: RecordKind, id: Int64) throws -> [AuditEntry]
}

/// What a write transaction can do. Every change appends to the audit trail.
public protocol StoreWriter: StoreReader {
  /// Inserts a record (its id is ignored) and returns its new id.
  func insert(_ record: StoredRecord) throws -> Int64
  /// Inserts many records of one kind (imports, the demo project); a record with an id > 0
  /// keeps it. Returns the ids in order.
  func insertMany(_ records: [StoredRecord]) throws -> [Int64]
  /// Replaces the fields of an existing record.
  func update(_ record: StoredRecord) throws
  func delete(_ kind: RecordKind, id: Int64) throws
}

/// The store: SQLite now, PostgreSQL later. One `write` is one transaction: if the body throws,
/// nothing it did is kept.
public protocol RecordStore: AnyObject {
  /// Who changes are recorded as (OS user or `--user`).
  var user: String { get set }
  func read<T>(_ body: (any StoreReader) throws -> T) throws -> T
  func write<T>(_ body: (any StoreWriter) throws -> T) throws -> T
}
