/// Restriction of processing (UK GDPR, Article 18): a mother or volunteer who withdrew her
/// consent keeps her record, but peer leaves it out of lists, matching, the daily rules and
/// exports, and counts it only in reports' aggregates (docs/data-protection.md, "Restriction").
/// The store keeps who is restricted since when; the audit trail keeps each restriction and
/// its lifting on the record's own history, with the reason (`StoreWriter.auditEvent`).
public protocol RestrictionStore {
  /// The restricted records of a kind: id to the day the restriction began.
  func restrictions(_ kind: RecordKind) throws -> [Int64: Int32]
  /// Restricts a record from `day`; false if it was already (the caller audits the change).
  func restrict(_ kind: RecordKind, id: Int64, on day: Int32) throws -> Bool
  /// Lifts a record's restriction; false if it had none (the caller audits the change).
  func lift(_ kind: RecordKind, id: Int64) throws -> Bool
  /// A restriction as it was, adding nothing to the audit trail (peer move copies the trail).
  func copyRestriction(_ kind: RecordKind, id: Int64, since day: Int32) throws
}
