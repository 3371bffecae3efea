import PeerScript

/// One question of a form, as the declaration describes it (see FormGrammar.swift).
final class FormField {
  enum Kind: String {
    case text, longText = "long text", number, yesno, date, choice, choices, phone, email, postcode
    case repeated = "repeat", computed
  }

  struct Check {
    /// A function of the answer (`it`) and the answers so far (`answers`).
    let test: Value
    let message: String
  }

  let name: String
  let kind: Kind
  /// The declaration's entry map, where load-time errors point.
  let place: Value
  var section: String?
  var required = false
  var defaultValue: Value?
  var help: String?
  /// The record field the answer is saved in (the question's name unless `to` says otherwise).
  var target: String
  /// Asked only when this function of the answers so far is true.
  var when: Value?
  /// The questions `when` reads: while one of them has a problem, this one is not asked.
  var whenRefs: [String] = []
  var checks: [Check] = []
  /// `number 0..600`.
  var range: (lower: Double, upper: Double)?
  /// A function giving the choices: texts, or records such as services (shown and saved by name).
  var choiceSource: Value?
  /// The choices when the declaration writes them out as texts (`choice("a", "b")`).
  var fixedChoices: [String]?
  /// `where`: keeps a choice when this function of the choice and the answers so far is true.
  var filter: Value?
  /// A computed field's function of the answers so far.
  var compute: Value?
  /// The questions of a repeated group, asked once per item.
  var group: [FormField] = []
  var groupTitle: String?

  init(name: String, kind: Kind, place: Value) {
    self.name = name
    self.kind = kind
    self.place = place
    self.target = name
  }

  var isChoice: Bool { kind == .choice || kind == .choices }

  /// How the type reads on a printed form and in messages.
  var typeDescription: String {
    switch kind {
    case .text: return "text"
    case .longText: return "a longer text"
    case .number:
      if let r = range { return "a number from \(FormField.number(r.lower)) to \(FormField.number(r.upper))" }
      return "a number"
    case .yesno: return "yes or no"
    case .date: return "a date (like 2027-03-14)"
    case .choice: return "one of the choices"
    case .choices: return "any of the choices"
    case .phone: return "a phone number"
    case .email: return "an email address"
    case .postcode: return "a UK postcode"
    case .repeated: return "a list"
    case .computed: return "worked out from the other answers"
    }
  }

  static func number(_ d: Double) -> String {
    d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
  }
}
