import PeerScript

/// A project's `match score(m, v) { ... }`: hard requirements that rule a pair out, and criteria
/// that each give points with a reason. Built by `|declare_match` from the declaration's map;
/// the REPL shows it, and `explain(m, v)` uses it on one pair.
final class MatchScore: HostObject {
  /// Which of the two records a test reads, so work that depends on one only is done once.
  struct Dependence: OptionSet {
    let rawValue: Int
    static let mother = Dependence(rawValue: 1)
    static let volunteer = Dependence(rawValue: 2)
  }

  struct Requirement {
    var test: Value
    var message: Value
    var uses: Dependence
    var entry: Value
  }

  struct Criterion {
    enum Rule {
      case always
      case when(Value)
      /// `for each tag in LIST`: one lot of points per item (`A & B`: per item of A also in B).
      case each(items: Value)
      /// `per 2 km in distance(m, v)`: one lot of points per whole step of the measure.
      case per(step: Double, unit: String, isDays: Bool, measure: Value)
    }
    var points: Double
    var reason: Value
    var rule: Rule
    var uses: Dependence
    var entry: Value
  }

  let name: String
  let title: String?
  let parameters: [String]
  var requirements: [Requirement] = []
  var criteria: [Criterion] = []

  init(name: String, title: String?, parameters: [String]) {
    self.name = name
    self.title = title
    self.parameters = parameters
  }

  override var typeName: String { "match score" }

  override var description: String {
    "<match score \(name): \(criteria.count) criteria, \(requirements.count) requirements>"
  }

  override func field(_ name: String) throws -> Value? {
    switch name {
    case "name": return .text(self.name)
    case "title": return title.map { .text($0) } ?? .null
    case "criteria": return .int(criteria.count)
    case "requirements": return .int(requirements.count)
    default: return nil
    }
  }

  override var fieldNames: [String] { ["name", "title", "criteria", "requirements"] }

  // MARK: - One pair

  /// The messages of the requirements the pair fails (empty: they may be matched).
  func failures(_ m: Value, _ v: Value, vm: VM, only uses: Dependence? = nil) throws -> [String] {
    var out: [String] = []
    for r in requirements where uses == nil || r.uses == uses {
      if try !vm.call(r.test, m, v).isTruthy {
        out.append(try vm.call(r.message, m, v).description)
      }
    }
    return out
  }

  func passes(_ r: Requirement, _ m: Value, _ v: Value, vm: VM) throws -> Bool {
    try vm.call(r.test, m, v).isTruthy
  }

  /// The points a criterion gives the pair (0 when it does not apply).
  func points(_ c: Criterion, _ m: Value, _ v: Value, vm: VM) throws -> Double {
    switch c.rule {
    case .always: return c.points
    case .when(let test): return try vm.call(test, m, v).isTruthy ? c.points : 0
    case .each: return c.points * Double(try items(c, m, v, vm: vm).count)
    case .per:
      guard let steps = try steps(c, m, v, vm: vm) else { return 0 }
      return c.points * Double(steps.count)
    }
  }

  /// What a criterion gives the pair and why, or nil when it does not apply.
  func contribution(_ c: Criterion, _ m: Value, _ v: Value, vm: VM) throws -> (
    points: Double, reason: String
  )? {
    switch c.rule {
    case .always, .when:
      let p = try points(c, m, v, vm: vm)
      if case .when = c.rule, p == 0 { return nil }
      return (p, try vm.call(c.reason, m, v).description)
    case .each:
      let found = try items(c, m, v, vm: vm)
      if found.isEmpty { return nil }
      var reasons: [String] = []
      for item in found {
        let r = try vm.call(c.reason, [m, v, item]).description
        if !reasons.contains(r) { reasons.append(r) }
      }
      var reason = reasons.joined(separator: ", ")
      if reasons.count == 1 && found.count > 1 { reason += " (x\(found.count))" }
      return (c.points * Double(found.count), reason)
    case .per(_, let unit, _, _):
      guard let steps = try steps(c, m, v, vm: vm), steps.count > 0 else { return nil }
      let reason = try vm.call(c.reason, m, v).description
      let shown = unit.isEmpty ? steps.measured : steps.measured + " " + unit
      return (c.points * Double(steps.count), "\(reason) (\(shown))")
    }
  }

  private func items(_ c: Criterion, _ m: Value, _ v: Value, vm: VM) throws -> [Value] {
    guard case .each(let itemsFunction) = c.rule else { return [] }
    return try list(try vm.call(itemsFunction, m, v), c)
  }

  private func list(_ value: Value, _ c: Criterion) throws -> [Value] {
    switch value {
    case .null: return []
    case .list(let l): return Array(l.items)
    default:
      throw RuntimeError.declaration(
        "\"for each\" needs a list here, but got \(value.shortDescription)", at: c.entry,
        hint: "tags such as m.vulnerabilities are lists; a missing one counts as empty")
    }
  }

  /// How many whole steps the measure holds, or nil when it is unknown (nil).
  private func steps(_ c: Criterion, _ m: Value, _ v: Value, vm: VM) throws -> (count: Int, measured: String)?
  {
    guard case .per(let step, _, let isDays, let measureFunction) = c.rule else { return nil }
    let measure = try vm.call(measureFunction, m, v)
    let amount: Double
    switch measure {
    case .null: return nil
    case .duration(let d) where isDays && d.months == 0: amount = Double(d.days)
    case .int(let n) where !isDays: amount = Double(n)
    case .float(let x) where !isDays: amount = x
    default:
      throw RuntimeError.declaration(
        "\"per\" needs \(isDays ? "a number of days or weeks" : "a number") to measure, but got \(measure.shortDescription)",
        at: c.entry)
    }
    let count = Int((abs(amount) / step).rounded(.down))
    let measured = isDays ? measure.description : Matching.roundedText(amount)
    return (count, measured)
  }

  /// `explain(m, v)`: one row per criterion that applies, then one per failed requirement.
  func explanationRows(_ m: Value, _ v: Value, vm: VM) throws -> Value {
    var rows = ContiguousArray<Value>()
    var total = 0.0
    for c in criteria {
      guard let (points, reason) = try contribution(c, m, v, vm: vm) else { continue }
      total += points
      rows.append(Matching.row([("points", Matching.number(points)), ("reason", .text(reason))]))
    }
    let failed = try failures(m, v, vm: vm)
    for message in failed {
      rows.append(Matching.row([("points", .text("ruled out")), ("reason", .text(message))]))
    }
    if failed.isEmpty {
      rows.append(Matching.row([("points", Matching.number(total)), ("reason", .text("total"))]))
    }
    return .list(ListObject(rows))
  }

  // MARK: - Built from the declaration

  /// Reads the map the parser made of the declaration (see `ScoreGrammar.swift`).
  static func make(from declaration: MapObject) throws -> MatchScore {
    guard case .string(let name)? = declaration["name"],
      case .list(let parameters)? = declaration["parameters"],
      case .list(let entries)? = declaration["entries"]
    else { throw RuntimeError("internal error: a match declaration without its parts") }
    var title: String?
    if case .string(let t)? = declaration["title"] { title = t.value }
    let names = parameters.items.map(\.description)
    let score = MatchScore(name: name.value, title: title, parameters: names)
    for entryValue in entries.items {
      guard case .map(let entry) = entryValue else { continue }
      var uses: Dependence = []
      if case .list(let used)? = entry["uses"] {
        for u in used.items where u.description == names.first { uses.insert(.mother) }
        for u in used.items where u.description == names.last { uses.insert(.volunteer) }
      }
      switch entry["clause"]?.description {
      case "require":
        score.requirements.append(
          Requirement(test: entry["test"]!, message: entry["message"]!, uses: uses, entry: entryValue))
      default:
        guard let points = entry["points"]?.asDouble else { continue }
        let rule: Criterion.Rule
        switch entry["kind"]?.description {
        case "if": rule = .when(entry["test"]!)
        case "each":
          rule = .each(items: entry["items"]!)
        case "per":
          let unit = entry["unit"]?.description ?? ""
          switch entry["step"] {
          case .duration(let d)?:
            guard d.months == 0 else {
              throw RuntimeError.declaration(
                "\"per\" cannot count in months (they have different lengths)", at: entryValue,
                hint: "count in days or weeks, such as: per 4 weeks in today - m.referral_date")
            }
            rule = .per(step: Double(d.days), unit: "", isDays: true, measure: entry["measure"]!)
          case let step?:
            rule = .per(step: step.asDouble ?? 1, unit: unit, isDays: false, measure: entry["measure"]!)
          case nil:
            throw RuntimeError("internal error: \"per\" without a step")
          }
        default: rule = .always
        }
        score.criteria.append(
          Criterion(points: points, reason: entry["reason"]!, rule: rule, uses: uses, entry: entryValue))
      }
    }
    if score.criteria.isEmpty {
      throw RuntimeError.declaration(
        "the match score \"\(name.value)\" has no criteria, so every volunteer would score the same",
        at: .map(declaration),
        hint: "add lines such as: +3 \"speaks {m.language}\" if m.language in v.languages")
    }
    return score
  }
}
