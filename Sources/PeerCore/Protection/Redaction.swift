import PeerStore

/// What a subject access export leaves out of other people's personal data, and says it left
/// out. The ICO expects a copy of everything held about the person asking, with other people's
/// personal data redacted unless they agree: a mother's volunteer, and a volunteer's mothers.
///
/// Two things are done: fields that are about the other person are withheld from the records
/// shown (and from the audit trail's old values of them), and the other people's names, phones,
/// emails and postcodes are replaced wherever they turn up in a text (a visit's notes, a task's
/// title, a match's reason), since a free text can name anyone.
struct Redaction {
  /// Fields withheld from records of a kind, by kind, with why.
  let withheld: [RecordKind: Set<String>]
  /// Whether the own fields of a kind (a project's form answers) are withheld.
  let ownFieldsWithheld: Set<RecordKind>
  /// Each other person's identifying texts, with what replaces them.
  private var identifiers: [(text: [Character], replacement: String)] = []
  /// What the page and the JSON say was redacted and why.
  let explanations: [String]

  private init(
    subject: StoredRecord, others: [StoredRecord], replacement: (StoredRecord) -> String,
    withheld: [RecordKind: Set<String>] = [:], ownFieldsWithheld: Set<RecordKind> = [], explanations: [String]
  ) {
    self.withheld = withheld
    self.ownFieldsWithheld = ownFieldsWithheld
    self.explanations = explanations
    for other in others { replaceIdentifiers(of: other, with: replacement(other), keeping: subject) }
  }

  /// For a mother: her records are hers, so nothing of them is withheld; her volunteers' own
  /// records are never shown, and their identifiers are replaced in every text.
  static func forMother(volunteers: [StoredRecord], subject: StoredRecord) -> Redaction {
    Redaction(
      subject: subject, others: volunteers, replacement: { "[her volunteer, \($0.code)]" },
      explanations: [
        "Her volunteer's record (name, phone, email, postcode and the rest) is not included: it is the volunteer's personal data. Matches show the volunteer by id only.",
        "Wherever a volunteer's name, phone, email or postcode appeared in a text (a visit's notes, a task's title, a match's reason, an old value in the audit trail), it is replaced by [her volunteer, V-....].",
        "No other mother's records or audit entries are included.",
      ])
  }

  /// For a volunteer: the mothers she supported appear by id only. A visit's notes and whether
  /// it raised a concern describe the mother, as do the project's own fields on shared records.
  static func forVolunteer(mothers: [StoredRecord], subject: StoredRecord) -> Redaction {
    Redaction(
      subject: subject, others: mothers, replacement: { "[mother \($0.code)]" },
      withheld: [.visit: ["notes", "concern"]], ownFieldsWithheld: [.match, .visit, .ending],
      explanations: [
        "The mothers she supported appear by id only (M-....): their records (names, phones, addresses, health and circumstances) are their personal data and are not included.",
        "A visit's notes and whether it raised a concern are withheld: they describe the mother, not the volunteer. So are the project's own fields on matches, visits and endings (form answers that may be the mother's).",
        "Wherever a mother's name, phone, email or postcode appeared in a text (a task's title, a match's reason), it is replaced by [mother M-....].",
      ])
  }

  /// Whether a field of a record of this kind is withheld.
  func withholds(_ kind: RecordKind, _ field: String) -> Bool {
    if kind.field(field) == nil { return ownFieldsWithheld.contains(kind) }
    return withheld[kind]?.contains(field) ?? false
  }

  /// A value as the export may show it: texts with the other people's identifiers replaced.
  func shown(_ value: FieldValue) -> FieldValue {
    switch value {
    case .text(let s): return .text(text(s))
    case .list(let items): return .list(items.map(text))
    default: return value
    }
  }

  /// A text with every other person's identifier replaced (case ignored, whole words only, so
  /// "Ann" is not taken out of "Annual").
  func text(_ s: String) -> String {
    guard !identifiers.isEmpty else { return s }
    var chars = Array(s)
    for (target, replacement) in identifiers {
      chars = Self.replacingWords(target, in: chars, with: Array(replacement))
    }
    return String(chars)
  }

  /// Adds a person's name (whole, and each word of three letters or more), phone, email and
  /// postcode. A name word the subject shares ("Anna" for both) is left alone, or her own
  /// name would be redacted from her own copy.
  private mutating func replaceIdentifiers(
    of person: StoredRecord, with replacement: String, keeping subject: StoredRecord
  ) {
    var subjectWords: Set<String> = []
    if case .text(let name) = subject["name"] {
      subjectWords = Set(name.split(separator: " ").map { $0.lowercased() })
    }
    var texts: [String] = []
    for field in ["name", "phone", "email", "postcode"] {
      if case .text(let s) = person[field], !s.isEmpty { texts.append(s) }
    }
    if case .text(let name) = person["name"] {
      for word in name.split(separator: " ")
      where word.count >= 3 && !subjectWords.contains(word.lowercased()) {
        texts.append(String(word))
      }
    }
    // Longest first, so a full name goes before its words.
    for t in texts.sorted(by: { $0.count > $1.count }) where !subjectWords.contains(t.lowercased()) {
      identifiers.append((Array(t), replacement))
    }
  }

  private static func replacingWords(
    _ target: [Character], in chars: [Character], with replacement: [Character]
  )
    -> [Character]
  {
    guard !target.isEmpty, chars.count >= target.count else { return chars }
    let lowered = target.map { $0.lowercased() }
    func isWordCharacter(_ c: Character) -> Bool { c.isLetter || c.isNumber }
    var out: [Character] = []
    var i = 0
    while i < chars.count {
      let fits =
        i + target.count <= chars.count
        && (i == 0 || !isWordCharacter(chars[i - 1]) || !isWordCharacter(target[0]))
        && (0..<target.count).allSatisfy { chars[i + $0].lowercased() == lowered[$0] }
        && (i + target.count == chars.count || !isWordCharacter(chars[i + target.count])
          || !isWordCharacter(target[target.count - 1]))
      if fits {
        out += replacement
        i += target.count
      } else {
        out.append(chars[i])
        i += 1
      }
    }
    return out
  }
}
