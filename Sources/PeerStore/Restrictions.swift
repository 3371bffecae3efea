/// Restriction of processing (UK GDPR, Article 18): a mother or volunteer who withdrew her
/// consent keeps her record, but peer leaves it out of lists, matching, the daily rules and
/// exports, and counts it only in reports' aggregates (docs/data-protection.md, "Restriction").
/// The store keeps who is restricted since when; the audit trail keeps each restriction and
/// its lifting on the record's own history, with the reason.
public protocol RestrictionStore {
  /// The restricted records of a kind: id to the day the restriction began.
  func restrictions(_ kind: RecordKind) throws -> [Int64: Int32]
  /// Restricts a record from `day` (audited as "restrict" with the reason); nothing if it is already.
  func restrict(_ kind: RecordKind, id: Int64, on day: Int32, reason: String) throws
  /// Lifts a record's restriction (audited as "lift restriction" with the reason); nothing if it has none.
  func lift(_ kind: RecordKind, id: Int64, reason: String) throws
  /// A restriction as it was, adding nothing to the audit trail (peer move copies the trail).
  func copyRestriction(_ kind: RecordKind, id: Int64, since day: Int32) throws
}

extension RestrictionStore {
  /// The audit entry's after-value: `{"since": "2026-12-01", "reason": "..."}`.
  package static func restrictionJSON(since day: Int32?, reason: String) -> String {
    var out: [UInt8] = Array("{".utf8)
    JSONText.append("reason", to: &out)
    out.append(UInt8(ascii: ":"))
    JSONText.append(.text(reason), to: &out)
    if let day {
      out.append(UInt8(ascii: ","))
      JSONText.append("since", to: &out)
      out.append(UInt8(ascii: ":"))
      JSONText.append(.date(day), to: &out)
    }
    out.append(UInt8(ascii: "}"))
    return String(decoding: out, as: UTF8.self)
  }
}
