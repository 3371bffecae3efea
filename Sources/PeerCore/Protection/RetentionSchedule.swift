import PeerScript
import PeerStore

/// What one line of a retention schedule is about: a collection of records, one field of a
/// collection, or the tasks or flags the daily rules make.
enum RetentionTarget: Hashable, CustomStringConvertible {
  case records(RecordKind)
  case field(RecordKind, String)
  case workItems(WorkItem.Kind)

  var description: String {
    switch self {
    case .records(let kind): return kind.plural
    case .field(let kind, let field): return "\(kind.plural).\(field)"
    case .workItems(let kind): return kind == .task ? "tasks" : "flags"
    }
  }

  /// Every collection a schedule must say something about (`peer check`).
  static var collections: [RetentionTarget] {
    RecordKind.allCases.map { .records($0) } + [.workItems(.task), .workItems(.flag)]
  }
}

/// What happens to a line's records or field.
enum RetentionAction {
  /// Kept for as long as the project runs (services, say: no one's personal data).
  case keep
  /// Erased or anonymised together with the record they belong to (a mother's visits).
  case with(RecordKind)
  /// Gone (erased) or stripped of what identifies (anonymised) `period` after the day `event`
  /// gives for each record; a record whose event is nil is not due.
  case erase(period: Duration, event: Value)
  case anonymise(period: Duration, event: Value)
}

/// One line of a `retention` declaration, with where it is (the dry run says which line
/// made each record due).
struct RetentionRule {
  var targets: [RetentionTarget]
  var condition: Value?
  var action: RetentionAction
  var place: String
  /// The line as a person reads it: "mothers: anonymise 6 years after .referral_date".
  var summary: String
}

/// `retention NAME "Title" { ... }` of the project's scripts: how long each kind of record and
/// each of the project's own fields is kept, and what happens then (docs/data-protection.md).
final class RetentionSchedule: HostObject {
  let name: String
  let title: String
  let rules: [RetentionRule]
  var declaredAt = ""

  init(name: String, title: String, rules: [RetentionRule]) {
    self.name = name
    self.title = title
    self.rules = rules
  }

  override var typeName: String { "retention schedule" }

  override var description: String {
    "<retention schedule \(name): \(rules.count) line\(rules.count == 1 ? "" : "s")>"
  }

  override var fieldNames: [String] { ["name", "title", "lines"] }

  override func field(_ name: String) throws -> Value? {
    switch name {
    case "name": return .text(self.name)
    case "title": return .text(title)
    case "lines": return .list(ListObject(ContiguousArray(rules.map { .text($0.summary) })))
    default: return nil
    }
  }

  /// The line that says what happens to `target`, if any (the first, as the schedule reads).
  func rule(for target: RetentionTarget) -> RetentionRule? {
    rules.first { $0.targets.contains(target) }
  }

  /// What the schedule leaves unsaid: each collection, and each of the project's own fields
  /// (`ownFields`, by kind), that no line names. `peer check` fails on each.
  func missing(ownFields: [RecordKind: Set<String>]) -> [RetentionTarget] {
    var out = RetentionTarget.collections.filter { rule(for: $0) == nil }
    for kind in RecordKind.allCases {
      for field in (ownFields[kind] ?? []).sorted() where rule(for: .field(kind, field)) == nil {
        out.append(.field(kind, field))
      }
    }
    return out
  }

  /// Fields the schedule names that are neither a core field nor one of the project's own.
  func unknownFields(ownFields: [RecordKind: Set<String>]) -> [RetentionTarget] {
    rules.flatMap(\.targets).filter {
      guard case .field(let kind, let field) = $0 else { return false }
      return kind.field(field) == nil && !(ownFields[kind] ?? []).contains(field)
    }
  }

  /// Reads the map `|declare_retention` receives; a mistake is reported at its place.
  static func declared(_ declaration: Value, file: String) throws -> RetentionSchedule {
    guard case .map(let m) = declaration, case .string(let name)? = m["name"],
      case .list(let entries)? = m["entries"]
    else { throw RuntimeError("internal error: a retention declaration without entries") }
    var rules: [RetentionRule] = []
    var seen: [RetentionTarget: String] = [:]
    for entry in entries.items {
      guard case .map(let e) = entry, let clause = e["clause"]?.textValue,
        case .list(let targetList)? = e["targets"]
      else { continue }
      let place = "\(file):\(e["line"]?.description ?? "?"):\(e["column"]?.description ?? "?")"
      var targets: [RetentionTarget] = []
      for item in targetList.items {
        guard case .list(let parts) = item, parts.items.count == 3, let word = parts.items[0].textValue else {
          continue
        }
        let target = try target(word, field: parts.items[1].textValue, at: parts.items[2])
        if let earlier = seen[target] {
          throw RuntimeError.declaration(
            "\(target) is given twice in this retention schedule: the line at \(earlier) says already",
            at: parts.items[2], hint: "one line says what happens to each collection and field")
        }
        seen[target] = place
        targets.append(target)
      }
      let action: RetentionAction
      switch clause {
      case "keep":
        action = .keep
      case "with":
        guard case .list(let owner)? = e["owner"], owner.items.count == 2, let word = owner.items[0].textValue
        else { continue }
        let kind = try Self.kind(word, at: owner.items[1])
        for target in targets { try checkBelongs(target, to: kind, at: owner.items[1]) }
        action = .with(kind)
      default:
        guard case .duration(let period)? = e["period"] else {
          throw RuntimeError.declaration(
            "a retention period is a duration, as in 6 years, and this is \(e["period"]?.typeName ?? "missing")",
            at: entry, hint: "write how long after the event: erase 2 years after .date")
        }
        guard let event = e["event"] else { continue }
        if clause == "anonymise" {
          for target in targets {
            guard case .records(let kind) = target, kind == .mother || kind == .volunteer else {
              throw RuntimeError.declaration(
                "only mothers and volunteers are anonymised: \(target) is erased, kept, or goes with its record",
                at: entry, hint: "write erase instead, or with mothers")
            }
          }
          action = .anonymise(period: period, event: event)
        } else {
          action = .erase(period: period, event: event)
        }
      }
      let summary =
        targets.map(\.description).joined(separator: ", ")
        + (e["condition"] == nil ? "" : " where ...") + ": " + describe(action)
      rules.append(
        RetentionRule(targets: targets, condition: e["condition"], action: action, place: place, summary: summary))
    }
    return RetentionSchedule(name: name.value, title: m["title"]?.textValue ?? name.value, rules: rules)
  }

  private static func describe(_ action: RetentionAction) -> String {
    switch action {
    case .keep: return "keep"
    case .with(let kind): return "with \(kind.plural)"
    case .erase(let period, _): return "erase \(Value.duration(period)) after the event"
    case .anonymise(let period, _): return "anonymise \(Value.duration(period)) after the event"
    }
  }

  private static func kind(_ word: String, at place: Value) throws -> RecordKind {
    if let kind = RecordKind.allCases.first(where: { $0.plural == word }) { return kind }
    let names = RecordKind.allCases.map(\.plural)
    let near = closestMatch(to: word, in: names + ["tasks", "flags"]) ?? RecordKind.named(word)?.plural
    throw RuntimeError.declaration(
      "a retention schedule names collections of records, and \(word) is not one", at: place,
      hint: near.map { "did you mean \($0)?" } ?? "write one of: " + (names + ["tasks", "flags"]).joined(separator: ", "))
  }

  private static func target(_ word: String, field: String?, at place: Value) throws -> RetentionTarget {
    if word == "tasks" || word == "flags" {
      if let field {
        throw RuntimeError.declaration(
          "a retention schedule says what happens to whole \(word), not to their \(field)", at: place,
          hint: "write \(word): erase 1 year after .closed_on")
      }
      return .workItems(word == "tasks" ? .task : .flag)
    }
    let kind = try kind(word, at: place)
    guard let field else { return .records(kind) }
    return .field(kind, field)
  }

  /// `matches, visits, endings: with mothers` and `mothers.children: with mothers`: what goes
  /// with a record must belong to it.
  private static func checkBelongs(_ target: RetentionTarget, to owner: RecordKind, at place: Value) throws {
    let belongs: Bool
    switch target {
    case .field(let kind, _): belongs = kind == owner
    case .records(let kind): belongs = [.match, .visit, .ending].contains(kind) && owner == .mother
    case .workItems: belongs = true
    }
    guard belongs else {
      throw RuntimeError.declaration(
        "\(target) does not belong to \(owner.plural), so it cannot go with them", at: place,
        hint: "a field goes with its own collection (mothers.children: with mothers); matches, visits and endings go with mothers; tasks and flags with any")
    }
  }
}
