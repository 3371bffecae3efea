import PeerCalendar
import PeerStore

/// Everything the project holds about one person (a mother or a volunteer), as a subject access
/// request is answered: her records, the records about her support, the tasks and flags about
/// them and every audit entry of them, with other people's personal data redacted (`Redaction`).
/// Read through `StoreReader` alone, so it is the same on both stores.
public struct SubjectAccess {
  /// One field as shown: core fields first, in the kind's order, then the project's own fields.
  public struct Field {
    public var name: String
    public var value: FieldValue
    /// The core field's type (references are shown as ids such as `V-0017`); nil for own fields.
    public var type: FieldType?
  }

  /// One record as shown.
  public struct Record {
    public var kind: RecordKind
    public var code: String
    public var fields: [Field]
    /// Fields left out as other people's data.
    public var withheld: [String]
  }

  /// One audit entry: who did what to which record, when, and the fields it changed.
  public struct Change {
    public var sequence: Int64
    public var at: String
    public var user: String
    public var record: String
    public var action: String
    /// The fields whose values differ, with their values before and after (null when absent).
    public var fields: [(name: String, before: FieldValue, after: FieldValue, type: FieldType?)]
    /// Fields this entry changed that are left out as other people's data.
    public var withheld: [String]
  }

  public var subject: String
  public var subjectKind: RecordKind
  public var producedOn: CivilDate
  /// The subject's own record first, then matches, visits and endings.
  public var records: [Record]
  public var workItems: [WorkItem]
  public var changes: [Change]
  /// What was redacted and why, in sentences.
  public var redactions: [String]

  /// Gathers what is held about `code` (`M-0042` or `V-0017`). A code that names no mother or
  /// volunteer is one sentence.
  public static func gather(_ code: String, from reader: any StoreReader, producedOn: CivilDate) throws
    -> SubjectAccess
  {
    for kind in [RecordKind.mother, .volunteer] {
      if code.uppercased().hasPrefix(kind.idPrefix + "-"), let id = kind.id(fromCode: code) {
        return try gather(kind, id, reader, producedOn)
      }
    }
    throw ProjectError(
      "\(code) is not a mother or a volunteer: subject access is given for a person, as M-0042 or V-0017")
  }

  private static func gather(
    _ kind: RecordKind, _ id: Int64, _ reader: any StoreReader, _ producedOn: CivilDate
  )
    throws -> SubjectAccess
  {
    guard let subject = try reader.get(kind, id: id) else {
      throw ProjectError("there is no \(kind.rawValue) \(kind.code(for: id))")
    }
    // Her matches lead to everything else: their visits and endings, and the other person.
    let matches = try reader.find(.match, where: kind.rawValue, equals: .int(Int(id)))
    var visits: [StoredRecord] = []
    var endings: [StoredRecord] = []
    for m in matches {
      visits += try reader.find(.visit, where: "match", equals: .int(Int(m.id)))
      endings += try reader.find(.ending, where: "match", equals: .int(Int(m.id)))
    }
    let otherKind: RecordKind = kind == .mother ? .volunteer : .mother
    let otherIDs = Set(
      matches.compactMap { m -> Int64? in
        if case .int(let other) = m[otherKind.rawValue] { return Int64(other) }
        return nil
      })
    let others = try reader.get(otherKind, ids: otherIDs.sorted())
    let redaction =
      kind == .mother
      ? Redaction.forMother(volunteers: others, subject: subject)
      : Redaction.forVolunteer(mothers: others, subject: subject)

    let held = [subject] + matches + visits.sorted { $0.id < $1.id } + endings.sorted { $0.id < $1.id }
    let codes = Set(held.map(\.code))
    var changes: [Change] = []
    for record in held {
      for entry in try reader.history(record.kind, id: record.id) {
        changes.append(change(entry, record.kind, redaction))
      }
    }
    var items: [WorkItem] = []
    if let workItems = reader as? any WorkItemStore {
      items = try workItems.items(about: codes.sorted()).map { item in
        var shown = item
        shown.title = redaction.text(item.title)
        return shown
      }
    }
    return SubjectAccess(
      subject: subject.code, subjectKind: kind, producedOn: producedOn,
      records: held.map { shown($0, redaction) }, workItems: items,
      changes: changes.sorted { $0.sequence < $1.sequence }, redactions: redaction.explanations)
  }

  private static func shown(_ record: StoredRecord, _ redaction: Redaction) -> Record {
    var fields: [Field] = []
    var withheld: [String] = []
    let own = record.extra.keys.filter { record.kind.field($0) == nil }.sorted()
    for name in record.kind.fields.map(\.name) + own {
      let value = record[name]
      if redaction.withholds(record.kind, name) {
        if value != .null { withheld.append(name) }
        continue
      }
      fields.append(Field(name: name, value: redaction.shown(value), type: record.kind.field(name)?.type))
    }
    return Record(kind: record.kind, code: record.code, fields: fields, withheld: withheld)
  }

  /// An audit entry as its changed fields: the entry keeps whole records before and after.
  private static func change(_ entry: AuditEntry, _ kind: RecordKind, _ redaction: Redaction) -> Change {
    let before = JSONText.decodeObject(entry.before) ?? [:]
    let after = JSONText.decodeObject(entry.after) ?? [:]
    let own = Set(before.keys).union(after.keys).filter { kind.field($0) == nil }.sorted()
    var fields: [(name: String, before: FieldValue, after: FieldValue, type: FieldType?)] = []
    var withheld: [String] = []
    for name in kind.fields.map(\.name) + own {
      let old = before[name] ?? .null
      let new = after[name] ?? .null
      guard old != new else { continue }
      if redaction.withholds(kind, name) {
        withheld.append(name)
        continue
      }
      fields.append((name, redaction.shown(old), redaction.shown(new), kind.field(name)?.type))
    }
    return Change(
      sequence: entry.sequence, at: entry.at, user: redaction.text(entry.user),
      record: kind.code(for: entry.recordID),
      action: entry.action, fields: fields, withheld: withheld)
  }
}
