/// The kinds of record every project has, and their core fields. A project's own fields (from
/// its forms) live beside these in each record's JSON `extra` column.
public enum FieldType: Hashable, Sendable {
  case text
  case int
  case double
  case bool
  case date
  /// A list of short texts.
  case list
  /// The id of a record of another kind (`volunteer` of a match).
  case reference(RecordKind)
}

public struct FieldSpec: Hashable, Sendable {
  public var name: String
  public var type: FieldType
  public var required: Bool
  /// Allowed values for a text field (status, kind, reason...); empty means any text.
  public var choices: [String]

  public init(_ name: String, _ type: FieldType, required: Bool = false, choices: [String] = []) {
    self.name = name
    self.type = type
    self.required = required
    self.choices = choices
  }
}

extension FieldSpec {
  /// The column holding the field in either store: references are `<field>_id`, so SQL reads
  /// naturally (`visits.match_id = matches.id`).
  public var column: String {
    if case .reference = type { return name + "_id" }
    return name
  }
}

/// The secondary indexes both stores keep (table, column): references, and the fields pipelines
/// and reports filter on most.
package let indexedColumns: [(table: String, column: String)] = [
  ("matches", "mother_id"), ("matches", "volunteer_id"), ("matches", "status"), ("visits", "match_id"),
  ("visits", "date"), ("endings", "match_id"), ("mothers", "status"), ("mothers", "referral_date"),
  ("volunteers", "status"),
]

public enum RecordKind: String, CaseIterable, Hashable, Sendable {
  case volunteer, mother, match, visit, ending, service

  /// The plural the language and the command line use: `mothers`, `peer import visits`.
  public var plural: String { self == .match ? "matches" : rawValue + "s" }

  public var table: String { plural }

  /// Prefix of the human-friendly id: M-0042, V-0017.
  public var idPrefix: String {
    switch self {
    case .volunteer: return "V"
    case .mother: return "M"
    case .match: return "X"
    case .visit: return "C"
    case .ending: return "E"
    case .service: return "S"
    }
  }

  public static func named(_ name: String) -> RecordKind? {
    RecordKind(rawValue: name) ?? allCases.first { $0.plural == name }
  }

  public static let volunteerStatuses = ["applicant", "in training", "active", "paused", "left"]
  public static let motherStatuses = [
    "referred", "assessed", "waiting", "matched", "active", "ending", "closed", "declined",
  ]
  public static let matchStatuses = ["active", "ended"]
  public static let visitKinds = ["home", "phone", "text", "video", "group", "accompanied appointment"]
  public static let supportElements = ["listening", "information", "signposting", "practical"]
  public static let referrers = [
    "midwife", "health visitor", "GP", "social worker", "family support", "self", "other",
  ]
  public static let endingReasons = [
    "planned", "mother's choice", "moved away", "lost contact", "handed on to professional services",
    "volunteer left", "safeguarding",
  ]

  /// The core fields, in column order (the id is not listed: every record has one). Built
  /// once: records read them for every field of every row.
  public var fields: [FieldSpec] { Self.fieldTable[ordinal] }

  public func field(_ name: String) -> FieldSpec? { Self.fieldsByName[ordinal][name] }

  /// The core fields `names` names, in that order (all of them for nil); an error names the
  /// first the kind does not have.
  package func fields(named names: [String]?) throws -> [FieldSpec] {
    guard let names else { return fields }
    return try names.map { name in
      guard let spec = field(name) else { throw StoreError("\(rawValue) has no field \"\(name)\"") }
      return spec
    }
  }

  /// The kind's place in `allCases`.
  public var ordinal: Int {
    switch self {
    case .volunteer: return 0
    case .mother: return 1
    case .match: return 2
    case .visit: return 3
    case .ending: return 4
    case .service: return 5
    }
  }

  private static let fieldTable: [[FieldSpec]] = allCases.map(\.declaredFields)
  private static let fieldsByName: [[String: FieldSpec]] = fieldTable.map { specs in
    Dictionary(uniqueKeysWithValues: specs.map { ($0.name, $0) })
  }

  private var declaredFields: [FieldSpec] {
    switch self {
    case .volunteer:
      return [
        FieldSpec("name", .text, required: true), FieldSpec("phone", .text), FieldSpec("email", .text),
        FieldSpec("postcode", .text), FieldSpec("area", .text), FieldSpec("site", .text),
        FieldSpec("languages", .list), FieldSpec("experiences", .list),
        FieldSpec("status", .text, required: true, choices: RecordKind.volunteerStatuses),
        FieldSpec("trained_on", .date), FieldSpec("dbs_checked_on", .date),
        FieldSpec("capacity", .int, required: true), FieldSpec("joined_on", .date),
      ]
    case .mother:
      return [
        FieldSpec("name", .text, required: true), FieldSpec("phone", .text), FieldSpec("email", .text),
        FieldSpec("postcode", .text), FieldSpec("area", .text), FieldSpec("site", .text),
        FieldSpec("language", .text), FieldSpec("interpreter", .bool),
        FieldSpec("due_date", .date), FieldSpec("birth_date", .date),
        FieldSpec("referral_date", .date, required: true),
        FieldSpec("referrer", .text, choices: RecordKind.referrers),
        FieldSpec("vulnerabilities", .list), FieldSpec("consent", .bool),
        FieldSpec("status", .text, required: true, choices: RecordKind.motherStatuses),
      ]
    case .match:
      return [
        FieldSpec("mother", .reference(.mother), required: true),
        FieldSpec("volunteer", .reference(.volunteer), required: true),
        FieldSpec("started_on", .date, required: true),
        FieldSpec("status", .text, required: true, choices: RecordKind.matchStatuses),
        FieldSpec("why", .text),
      ]
    case .visit:
      return [
        FieldSpec("match", .reference(.match), required: true), FieldSpec("date", .date, required: true),
        FieldSpec("kind", .text, required: true, choices: RecordKind.visitKinds),
        FieldSpec("minutes", .int), FieldSpec("support", .list), FieldSpec("services", .list),
        FieldSpec("concern", .bool), FieldSpec("notes", .text),
      ]
    case .ending:
      return [
        FieldSpec("match", .reference(.match), required: true), FieldSpec("date", .date, required: true),
        FieldSpec("reason", .text, required: true, choices: RecordKind.endingReasons),
        FieldSpec("planned", .bool), FieldSpec("final_visit", .bool), FieldSpec("feedback", .int),
      ]
    case .service:
      return [
        FieldSpec("name", .text, required: true), FieldSpec("category", .text), FieldSpec("area", .text),
      ]
    }
  }

  /// `M-0042` for id 42.
  public func code(for id: Int64) -> String {
    let digits = String(id)
    return "\(idPrefix)-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
  }

  /// The id in `M-0042` (or `42`), if the text names a record of this kind.
  public func id(fromCode text: String) -> Int64? {
    if let n = Int64(text), n > 0 { return n }
    let parts = text.split(separator: "-", maxSplits: 1)
    guard parts.count == 2, parts[0].uppercased() == idPrefix, let n = Int64(parts[1]), n > 0 else {
      return nil
    }
    return n
  }
}
