import PeerStore

/// The fields whose reading by one of the project's people is audited: a mother's
/// vulnerabilities (health, domestic abuse, immigration) and her project's own fields (a
/// referral's notes, say), and a visit's notes. Only records a person's command loads count
/// (reports count records without sending them), and only fields that hold something.
enum SensitiveReads {
  static let coreFields: [RecordKind: [String]] = [.mother: ["vulnerabilities"], .visit: ["notes"]]

  static func holdsSensitive(_ record: StoredRecord) -> Bool {
    if record.kind == .mother, record.extra.contains(where: { $0.value != .null }) { return true }
    return coreFields[record.kind]?.contains { (record.fields[$0] ?? .null) != .null } ?? false
  }

  /// The same of a record read from a scan's row (RecordBridge.recordColumns).
  static func holdsSensitive(_ row: ScanRow, _ kind: RecordKind, ownFields: Bool) -> Bool {
    if kind == .mother, ownFields { return true }
    guard let names = coreFields[kind] else { return false }
    return kind.fields.enumerated().contains { i, spec in names.contains(spec.name) && !row.isNull(i + 1) }
  }
}

extension RecordBridge {
  /// Notes a record loaded for one of the project's people whose sensitive fields hold
  /// something (`sensitiveReads`, handed to the audit trail after the command).
  func noteSensitive(_ stored: StoredRecord) {
    guard me.person != nil, SensitiveReads.holdsSensitive(stored) else { return }
    sensitiveReads.insert(stored.code)
  }

  func noteSensitive(_ row: ScanRow, _ kind: RecordKind, id: Int64) throws {
    guard me.person != nil else { return }
    let own = try !row.ownFields(kind.fields.count + 1, of: kind, code: kind.code(for: id)).isEmpty
    if SensitiveReads.holdsSensitive(row, kind, ownFields: own) { sensitiveReads.insert(kind.code(for: id)) }
  }
}

extension Session {
  /// Hands the records with sensitive fields a person's command loaded to `auditSensitiveReads`
  /// (on a server, a line of the audit trail), whether the command succeeded or not: they were
  /// sent to the person's machine either way.
  func flushSensitiveReads() throws {
    guard let bridge, !bridge.sensitiveReads.isEmpty, let audit = auditSensitiveReads else { return }
    let codes = bridge.sensitiveReads.sorted()
    bridge.sensitiveReads = []
    try audit(codes)
  }
}
