import PeerScript
import PeerStore

/// What erasing or anonymising one record did: the record, the action, and how many of each
/// thing went or lost what identified her (`removed`: "visits", "matches", "tasks and flags",
/// "audit values"...). Shown by `peer erase` and returned by the built-ins as a map.
public struct ErasureSummary: Sendable, Equatable {
  public var record: String
  public var action: String
  public var removed: [(name: String, count: Int)]

  public static func == (a: ErasureSummary, b: ErasureSummary) -> Bool {
    a.record == b.record && a.action == b.action && a.shell == b.shell
      && a.removed.map(\.name) == b.removed.map(\.name)
      && a.removed.map(\.count) == b.removed.map(\.count)
  }

  mutating func add(_ name: String, _ n: Int) {
    if let i = removed.firstIndex(where: { $0.name == name }) {
      removed[i].count += n
    } else {
      removed.append((name, n))
    }
  }

  /// A volunteer erased with matches: her record stays as an empty shell.
  public var shell = false

  static let singular = [
    "mothers": "mother", "volunteers": "volunteer", "matches": "match", "visits": "visit",
    "endings": "ending",
    "tasks and flags": "task or flag", "fields": "field",
  ]

  /// "M-0042 erased: 2 matches, 14 visits, 1 ending, 3 tasks and flags".
  public var line: String {
    let done = action == "erase" ? "erased" : "anonymised"
    let parts = removed.filter { $0.count > 0 }.map {
      "\($0.count) \($0.count == 1 ? Self.singular[$0.name] ?? $0.name : $0.name)"
    }
    return "\(record) \(done)" + (parts.isEmpty ? "" : ": " + parts.joined(separator: ", "))
      + (shell ? " (her record stays as an empty shell: mothers' matches name her)" : "")
  }

  var value: Value {
    let m = MapObject()
    m["record"] = .text(record)
    m["action"] = .text(action)
    let r = MapObject()
    for (name, count) in removed { r[name] = .int(count) }
    m["removed"] = .map(r)
    return .map(m)
  }
}

/// Erasure (UK GDPR, Article 17) of one mother or volunteer, in the transaction of `writer`:
/// all of it or nothing. See docs/data-protection.md, "Erasure". (A retention schedule may
/// also erase or anonymise a match, a visit or an ending: the record, and for a match its
/// visits and endings, the same way; the built-ins and `peer erase` take a person only.)
///
/// A mother: her matches, their visits and endings, the tasks and flags about any of these
/// records, and her record are deleted; the before- and after-values of every audit entry of
/// those records and tasks are blanked (`forgetHistory`); one audit entry, action "erase",
/// says when, by whom and why (the reason, which must hold no personal data). A volunteer: her
/// record goes if she was never matched; otherwise a shell stays (name "(erased)", her site,
/// status and capacity, nothing else) so the mothers' matches and the reports' figures stay.
public enum Erasure {
  /// The records of `kind` that have been anonymised (an audit entry "anonymise"): what a
  /// retention run skips. Any login may ask, on a server too (only ids are read).
  public static func anonymisedIDs(_ kind: RecordKind, in reader: any StoreReader) throws -> Set<Int64> {
    try reader.auditedIDs(kind.rawValue, action: "anonymise")
  }

  /// The kinds a person can ask to have erased or anonymised.
  static let subjects: [RecordKind] = [.mother, .volunteer]

  static func checkSubject(_ kind: RecordKind, _ id: Int64, _ verb: String) throws {
    guard subjects.contains(kind) else {
      throw RuntimeError(
        "\(verb) takes a mother or a volunteer, not \(kind.rawValue) \(kind.code(for: id))",
        hint:
          "\(verb) the mother or volunteer the record belongs to: her matches, visits and endings go with her"
      )
    }
  }

  static func checkReason(_ reason: String, _ verb: String) throws {
    guard reason.contains(where: { !$0.isWhitespace }) else {
      throw RuntimeError(
        "\(verb) needs a reason, kept in the audit trail",
        hint: "say why without naming her, as in: \(verb)(M-0042, \"her request of 2026-11-30\")")
    }
  }

  static func reasonJSON(_ reason: String) -> String { JSONText.encode(["reason": .text(reason)]) }

  static func workItems(_ writer: any StoreWriter) throws -> any WorkItemStore {
    guard let items = writer as? any WorkItemStore else { throw StoreError("this store keeps no tasks") }
    return items
  }

  /// The records that belong to a mother or volunteer: her matches, and their visits and
  /// endings.
  static func related(_ kind: RecordKind, _ id: Int64, in writer: any StoreWriter) throws -> (
    matches: [StoredRecord], visits: [StoredRecord], endings: [StoredRecord]
  ) {
    var matches: [StoredRecord] = []
    var matchIDs: [Int64] = []
    switch kind {
    case .mother, .volunteer:
      matches = try writer.find(.match, where: kind.rawValue, equals: .int(Int(id)))
      matchIDs = matches.map(\.id)
    case .match: matchIDs = [id]
    case .visit, .ending, .service: break
    }
    var visits: [StoredRecord] = []
    var endings: [StoredRecord] = []
    for m in matchIDs {
      visits += try writer.find(.visit, where: "match", equals: .int(Int(m)))
      endings += try writer.find(.ending, where: "match", equals: .int(Int(m)))
    }
    return (matches, visits, endings)
  }

  /// Deletes the tasks and flags about these records; returns their ids.
  static func deleteItems(about codes: [String], in writer: any StoreWriter) throws -> [Int64] {
    let items = try workItems(writer)
    let ids = try items.items(about: codes).map(\.id)
    for id in ids { try items.delete(id: id) }
    return ids
  }

  /// Erases a mother or volunteer (see the type's comment). Throws if there is no such record.
  public static func erase(_ kind: RecordKind, id: Int64, reason: String, in writer: any StoreWriter) throws
    -> ErasureSummary
  {
    try checkReason(reason, "erase")
    guard let record = try writer.get(kind, id: id) else {
      throw RuntimeError("there is no \(kind.rawValue) \(kind.code(for: id)) to erase")
    }
    var summary = ErasureSummary(record: record.code, action: "erase", removed: [])
    let (matches, visits, endings) = try related(kind, id, in: writer)
    var forget: [RecordKind: [Int64]] = [kind: [id]]
    if kind == .volunteer && !matches.isEmpty {
      // A shell keeps the mothers' matches (and the reports' volunteer sites) right.
      let items = try deleteItems(about: [record.code], in: writer)
      var shell = StoredRecord(kind: .volunteer, id: id)
      for name in ["site", "status", "capacity"] { shell.fields[name] = record.fields[name] }
      shell.fields["name"] = .text("(erased)")
      try writer.update(shell)
      try writer.forgetHistory("task", ids: items)
      summary.add("tasks and flags", items.count)
      summary.shell = true
      let kept: Set<String> = ["name", "site", "status", "capacity"]
      summary.add(
        "fields",
        record.fields.filter { !kept.contains($0.key) && $0.value != .null }.count + record.extra.count)
    } else {
      let codes = [record.code] + (matches + visits + endings).map(\.code)
      let items = try deleteItems(about: codes, in: writer)
      for v in visits { try writer.delete(.visit, id: v.id) }
      for e in endings { try writer.delete(.ending, id: e.id) }
      for m in matches { try writer.delete(.match, id: m.id) }
      try writer.delete(kind, id: id)
      forget[.match, default: []] += matches.map(\.id)
      forget[.visit, default: []] += visits.map(\.id)
      forget[.ending, default: []] += endings.map(\.id)
      try writer.forgetHistory("task", ids: items)
      summary.add("matches", matches.count)
      summary.add("visits", visits.count)
      summary.add("endings", endings.count)
      summary.add("tasks and flags", items.count)
    }
    for (k, ids) in forget where !ids.isEmpty { try writer.forgetHistory(k.rawValue, ids: ids) }
    try writer.auditEvent(kind.rawValue, id: id, action: "erase", after: reasonJSON(reason))
    return summary
  }

  /// The core fields anonymising keeps: those the standard reports count by (docs/data-protection.md,
  /// "Anonymisation"). Every other core field is cleared; a required text becomes "(anonymised)".
  static let keptOnAnonymising: [RecordKind: Set<String>] = [
    .mother: [
      "area", "site", "language", "interpreter", "referral_date", "referrer", "vulnerabilities", "consent",
      "status",
    ],
    .volunteer: [
      "area", "site", "languages", "experiences", "status", "trained_on", "dbs_checked_on", "capacity",
      "joined_on",
    ],
    .match: ["mother", "volunteer", "started_on", "status"],
    .visit: ["match", "date", "kind", "minutes", "support", "services", "concern"],
    .ending: ["match", "date", "reason", "planned", "final_visit", "feedback"],
  ]

  /// A record with what identifies stripped: core fields not kept cleared, own fields other
  /// than `keepOwn` dropped. Returns nil when nothing changes.
  static func stripped(_ record: StoredRecord, keepOwn: Set<String>) -> StoredRecord? {
    var r = record
    let kept = keptOnAnonymising[record.kind] ?? []
    for spec in record.kind.fields where !kept.contains(spec.name) {
      if spec.required {
        r.fields[spec.name] = .text("(anonymised)")
      } else {
        r.fields[spec.name] = nil
      }
    }
    r.extra = record.extra.filter { keepOwn.contains($0.key) }
    func same(_ a: StoredRecord, _ b: StoredRecord) -> Bool {
      a.kind.fields.allSatisfy { (a.fields[$0.name] ?? .null) == (b.fields[$0.name] ?? .null) }
        && a.extra == b.extra
    }
    return same(r, record) ? nil : r
  }

  /// Anonymises a mother or volunteer: her record keeps what the reports count by (site,
  /// area, language, dates of referral, status, referrer...) and loses her name, contact
  /// details and every other field; her matches lose their reasons, her visits their notes,
  /// and all of them their own fields (but `keepOwn`'s, by kind: those a retention schedule
  /// keeps); the tasks and flags about them go; their audit values are blanked; one entry
  /// "anonymise" is appended. A record anonymised before is refused.
  public static func anonymise(
    _ kind: RecordKind, id: Int64, reason: String, keepOwn: [RecordKind: Set<String>] = [:],
    in writer: any StoreWriter
  ) throws -> ErasureSummary {
    try checkReason(reason, "anonymise")
    guard let record = try writer.get(kind, id: id) else {
      throw RuntimeError("there is no \(kind.rawValue) \(kind.code(for: id)) to anonymise")
    }
    if try anonymisedIDs(kind, in: writer).contains(id) {
      throw RuntimeError(
        "\(record.code) is anonymised already",
        hint: "erase(\(record.code), reason) removes what is left of her record")
    }
    var summary = ErasureSummary(record: record.code, action: "anonymise", removed: [])
    // A volunteer's matches, visits and endings are the mothers' records: they stay as they are.
    let (matches, visits, endings) = try kind == .volunteer ? ([], [], []) : related(kind, id, in: writer)
    let all = [record] + matches + visits + endings
    let items = try deleteItems(about: all.map(\.code), in: writer)
    var changed: [String: Int] = [:]
    for r in all {
      guard let s = stripped(r, keepOwn: keepOwn[r.kind] ?? []) else { continue }
      try writer.update(s)
      changed[r.kind.plural, default: 0] += 1
    }
    var forget: [RecordKind: [Int64]] = [:]
    for r in all { forget[r.kind, default: []].append(r.id) }
    for (k, ids) in forget { try writer.forgetHistory(k.rawValue, ids: ids) }
    try writer.forgetHistory("task", ids: items)
    for k in [RecordKind.mother, .volunteer, .match, .visit, .ending] {
      if let n = changed[k.plural] { summary.add(k.plural, n) }
    }
    summary.add("tasks and flags", items.count)
    try writer.auditEvent(kind.rawValue, id: id, action: "anonymise", after: reasonJSON(reason))
    return summary
  }
}
