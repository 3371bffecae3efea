/// One row of the audit trail exactly as stored: what `peer move` copies between stores.
public struct AuditRow: Hashable, Sendable {
  public var sequence: Int64
  /// UTC, ISO 8601 to the second (`2026-11-26T17:24:22Z`).
  public var at: String
  public var user: String
  /// A record kind's name, or "task".
  public var kind: String
  public var recordID: Int64
  /// The last id of a bulk creation's run (nil for an entry about one record).
  public var lastID: Int64?
  public var action: String
  public var before: String
  public var after: String

  public init(
    sequence: Int64, at: String, user: String, kind: String, recordID: Int64, lastID: Int64?, action: String,
    before: String, after: String
  ) {
    self.sequence = sequence
    self.at = at
    self.user = user
    self.kind = kind
    self.recordID = recordID
    self.lastID = lastID
    self.action = action
    self.before = before
    self.after = after
  }
}

/// What moving a whole project from one store to another needs: every row as it is, ids and
/// the audit trail included, written without new audit entries (the trail is copied).
public protocol ProjectTransfer {
  /// The audit trail in order, `batchSize` rows at a time.
  func auditRows(batchSize: Int, _ body: ([AuditRow]) throws -> Void) throws
  /// Every task and flag, by id.
  func allWorkItems() throws -> [WorkItem]
  /// Records of one kind with their own ids, adding nothing to the audit trail.
  func insertUnaudited(_ records: [StoredRecord]) throws
  func appendAudit(_ rows: [AuditRow]) throws
  /// A task or flag with its own id, adding nothing to the audit trail.
  func insertUnaudited(_ item: WorkItem) throws
  /// After a copy: new ids of every kind (records, audit, tasks) come after those copied.
  func finishTransfer() throws
}
