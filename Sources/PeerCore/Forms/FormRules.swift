import PeerCalendar
import PeerScript

/// The one rule set every way of filling a form goes through (a map in a script, a JSON file,
/// a CSV row, the interactive questions): how an answer is read, what makes it valid, and the
/// message a coordinator sees when it is not.
enum FormRules {
  /// A problem with one answer; `field` names the question ("children[2].born" in a group).
  struct Problem: Error {
    var field: String
    var message: String
  }

  /// Reads and checks one answer. `raw` may be typed (from a script or JSON) or text (from a CSV
  /// cell or the keyboard). Returns nil for a question left blank that is not required.
  static func answer(_ field: FormField, _ raw: Value, answers: MapObject, vm: VM) throws -> Value? {
    func problem(_ message: String) -> Problem { Problem(field: field.name, message: message) }
    var raw = raw
    if case .string(let s) = raw {
      let t = s.value.trimmingSpaces
      raw = t.isEmpty ? .null : .text(t)
    }
    if case .list(let l) = raw, l.items.isEmpty { raw = .null }
    if case .null = raw {
      if field.required { throw problem("an answer is required") }
      return nil
    }
    let value = try convert(field, raw, answers: answers, vm: vm, problem)
    for check in field.checks {
      let passed: Bool
      do {
        passed = try vm.call(check.test, [value, .map(answers)]).isTruthy
      } catch let e as RuntimeError {
        throw problem("the check could not be worked out: \(e.message)")
      }
      if !passed { throw problem(check.message) }
    }
    return value
  }

  private static func convert(
    _ field: FormField, _ raw: Value, answers: MapObject, vm: VM, _ problem: (String) -> Problem
  ) throws -> Value {
    let text: String? = if case .string(let s) = raw { s.value } else { nil }
    switch field.kind {
    case .text, .longText:
      guard let text else { throw problem("must be text, got \(raw.kindAndValue)") }
      if field.kind == .text, text.contains("\n") { throw problem("must be a single line") }
      return .text(text)
    case .number:
      var n: Double
      switch raw {
      case .int(let i): n = Double(i)
      case .float(let d): n = d
      default:
        guard let text, let d = Double(text) else {
          throw problem("must be a number, got \(raw.shortDescription)")
        }
        n = d
      }
      if let r = field.range, n < r.lower || n > r.upper {
        throw problem(
          "must be between \(FormField.number(r.lower)) and \(FormField.number(r.upper)), got \(FormField.number(n))"
        )
      }
      return n == n.rounded() && abs(n) < 9e15 ? .int(Int(n)) : .float(n)
    case .yesno:
      if case .bool = raw { return raw }
      switch text?.lowercased() {
      case "yes", "y", "true": return .bool(true)
      case "no", "n", "false": return .bool(false)
      default: throw problem("must be yes or no, got \(raw.shortDescription)")
      }
    case .date:
      if case .date = raw { return raw }
      if let text, let d = parseDate(text) { return .date(d) }
      throw problem("must be a date like 2027-03-14 or 14/03/2027, got \(raw.shortDescription)")
    case .choice:
      return try choice(field, raw, answers: answers, vm: vm, problem)
    case .choices:
      var items: [Value]
      switch raw {
      case .list(let l): items = Array(l.items)
      case .string(let s):
        // A CSV cell or a typed line: "listening; information".
        items = s.value.split(whereSeparator: { $0 == ";" || $0 == "," }).map {
          Value.text(String($0).trimmingSpaces)
        }
      default: items = [raw]
      }
      var out: [Value] = []
      for item in items {
        let v = try choice(field, item, answers: answers, vm: vm, problem)
        if !out.contains(where: { $0.repr == v.repr }) { out.append(v) }
      }
      return .list(out)
    case .phone:
      guard let text else { throw problem("must be a phone number, got \(raw.shortDescription)") }
      let digits = text.filter(\.isNumber)
      let allowed = text.allSatisfy { $0.isNumber || " +-()".contains($0) }
      guard allowed, (10...13).contains(digits.count) else {
        throw problem("\"\(text)\" does not look like a phone number (like 07700 900123)")
      }
      return .text(text)
    case .email:
      guard let text else { throw problem("must be an email address, got \(raw.shortDescription)") }
      let parts = text.split(separator: "@", omittingEmptySubsequences: false)
      guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
        !parts[1].hasSuffix("."), !text.contains(" ")
      else { throw problem("\"\(text)\" does not look like an email address (like name@example.org)") }
      return .text(text)
    case .postcode:
      guard let text, let postcode = normalisedPostcode(text) else {
        throw problem("\(raw.shortDescription) does not look like a UK postcode (like SW1A 1AA)")
      }
      return .text(postcode)
    case .repeated, .computed:
      return raw
    }
  }

  /// The choices open to this question given the answers so far (its `where` filter).
  static func choices(_ field: FormField, answers: MapObject, vm: VM) throws -> [(
    label: String, value: Value
  )] {
    let all = try allChoices(field, vm: vm)
    guard let filter = field.filter else { return all }
    return try all.filter { try vm.call(filter, [$0.value, .map(answers)]).isTruthy }
  }

  /// Every choice, before any filter: `choice("a", "b")`, or one list or query `choice(services)`.
  static func allChoices(_ field: FormField, vm: VM) throws -> [(label: String, value: Value)] {
    guard let source = field.choiceSource, case .list(let l) = try vm.call(source, []) else { return [] }
    var items = Array(l.items)
    if items.count == 1 {
      switch items[0] {
      case .list(let inner): items = Array(inner.items)
      case .host(let h): items = Array(try h.items() ?? [items[0]])
      default: break
      }
    }
    return items.map { (label(of: $0), $0) }
  }

  private static func choice(
    _ field: FormField, _ raw: Value, answers: MapObject, vm: VM, _ problem: (String) -> Problem
  ) throws -> Value {
    let open = try choices(field, answers: answers, vm: vm)
    let wanted = label(of: raw).lowercased()
    if let c = open.first(where: { $0.label.lowercased() == wanted }) {
      // A record chosen for a reference is kept as the record; anything else as its label.
      if case .record = c.value, case .record = raw { return c.value }
      return .text(c.label)
    }
    let isChoiceElsewhere = try allChoices(field, vm: vm).contains { $0.label.lowercased() == wanted }
    if open.isEmpty {
      // Choices from the records (the active matches, say) may be none at all just now.
      throw problem(
        "\(raw.shortDescription) is not a choice: there are no choices"
          + (isChoiceElsewhere ? " given the earlier answers" : " at the moment"))
    }
    throw problem(
      "\(raw.shortDescription) is not "
        + (isChoiceElsewhere ? "a choice given the earlier answers" : "one of the choices") + ": "
        + listed(open.map(\.label)))
  }

  /// The choices for a message: all of them, or the first few of a long list (from a query).
  static func listed(_ labels: [String], limit: Int = 12) -> String {
    let shown = labels.prefix(labels.count > limit ? limit - 2 : limit).map { "\"\($0)\"" }
    return shown.joined(separator: ", ") + (labels.count > shown.count ? " ... (\(labels.count) in all)" : "")
  }

  /// What a choice is called: text as it is, a record by its name (or its id when it has none).
  static func label(of v: Value) -> String {
    switch v {
    case .string(let s): return s.value
    case .record(let r):
      if let idx = r.type.slot(of: "name"), case .string(let s) = r.values[idx] { return s.value }
      if case .string(let code) = r.values[0] { return code.value }
      return v.description
    default: return v.description
    }
  }

  /// 2027-03-14, or the UK's 14/03/2027.
  static func parseDate(_ s: String) -> Int32? {
    if let d = CivilDate.parseISO(s) { return d.days }
    let parts = s.split(separator: "/")
    guard parts.count == 3, let day = Int(parts[0]), let month = Int(parts[1]), let year = Int(parts[2]),
      parts[2].count == 4
    else { return nil }
    func pad(_ n: Int, _ width: Int) -> String {
      let digits = "\(n)"
      return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
    let iso = pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    return CivilDate.parseISO(iso)?.days
  }

  /// "sw1a1aa" -> "SW1A 1AA"; nil when it is not shaped like a UK postcode.
  static func normalisedPostcode(_ s: String) -> String? {
    let compact = s.uppercased().filter { $0 != " " }
    guard (5...7).contains(compact.count), compact.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
    else { return nil }
    let inward = compact.suffix(3)
    let outward = compact.dropLast(3)
    let i = Array(inward)
    guard i[0].isNumber, i[1].isLetter, i[2].isLetter, let first = outward.first, first.isLetter,
      outward.contains(where: \.isNumber)
    else { return nil }
    return outward + " " + inward
  }
}

extension String {
  var trimmingSpaces: String {
    var s = Substring(self)
    while let f = s.first, f.isWhitespace { s.removeFirst() }
    while let l = s.last, l.isWhitespace { s.removeLast() }
    return String(s)
  }
}
