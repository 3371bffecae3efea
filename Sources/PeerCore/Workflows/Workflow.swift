import PeerScript
import PeerStore

/// A project's workflow for one kind of record: its statuses, the steps allowed between them,
/// the guards that must hold before a record enters a status and the actions run when it
/// enters or leaves one. Declared in a script (`workflow support { ... }`) and held by the
/// record bridge, so every status change - a script, the REPL, `match(...)`, a form - passes
/// through `change` at the one place fields are written (`RecordBridge.willSet`).
final class Workflow: HostObject {
  struct Requirement {
    var condition: Value
    var message: Value
  }

  let name: String
  /// Where it was declared (file:line:col): two workflows for one kind are an error naming both.
  var declaredAt = ""
  let kind: RecordKind
  /// In the order the declaration first names them.
  private(set) var statuses: [String] = []
  private(set) var next: [String: [String]] = [:]
  private(set) var guards: [String: [Requirement]] = [:]
  private(set) var onEnter: [String: [Value]] = [:]
  private(set) var onLeave: [String: [Value]] = [:]
  /// `every day "name" { ... }`, in the order declared.
  private(set) var rules: [ScheduledRule] = []
  unowned let interpreter: Interpreter
  unowned let bridge: RecordBridge

  init(name: String, kind: RecordKind, interpreter: Interpreter, bridge: RecordBridge) {
    self.name = name
    self.kind = kind
    self.interpreter = interpreter
    self.bridge = bridge
  }

  /// Reads the map `|declare_workflow` receives; a mistake is reported at its line.
  static func declared(_ declaration: Value, interpreter: Interpreter, bridge: RecordBridge) throws
    -> Workflow
  {
    guard case .map(let m) = declaration, case .string(let name)? = m["name"],
      case .list(let entries)? = m["entries"]
    else { throw RuntimeError("internal error: a workflow declaration without entries") }
    var kind = RecordKind.mother
    for entry in entries.items {
      guard case .map(let e) = entry, e["clause"]?.textValue == "of" else { continue }
      let word = e["kind"]?.textValue ?? ""
      guard let k = RecordKind.named(word), [.mother, .match, .volunteer].contains(k) else {
        throw RuntimeError.declaration(
          "a workflow is for mothers, matches or volunteers, not \"\(word)\"", at: entry,
          hint: "write: of mother, of match or of volunteer")
      }
      kind = k
    }
    let workflow = Workflow(name: name.value, kind: kind, interpreter: interpreter, bridge: bridge)
    // Steps first, so a guard or an action may name a status declared further down.
    for entry in entries.items {
      guard case .map(let e) = entry, e["clause"]?.textValue == "steps", case .list(let steps)? = e["steps"]
      else {
        continue
      }
      let groups = steps.items.map { g -> [String] in
        guard case .list(let l) = g else { return [] }
        return l.items.compactMap(\.textValue)
      }
      // A workflow may name statuses of its own ("antenatal"); one a letter or two from a
      // standard status is taken for a typo of it.
      let known = kind.field("status")?.choices ?? []
      for group in groups {
        for s in group {
          if !known.contains(s), let near = closestMatch(to: s, in: known) {
            throw RuntimeError.declaration(
              "\(kind.plural) cannot have the status \"\(s)\"", at: entry,
              hint:
                "did you mean \"\(near)\"? (a status of the project's own needs a name further from the standard ones)"
            )
          }
          workflow.add(s)
        }
      }
      for (from, to) in zip(groups, groups.dropFirst()) {
        for a in from {
          for b in to where !workflow.next[a, default: []].contains(b) {
            workflow.next[a, default: []].append(b)
          }
        }
      }
    }
    if workflow.statuses.isEmpty {
      throw RuntimeError.declaration(
        "workflow \(name.value) has no steps", at: declaration,
        hint: "add a line such as: referred -> assessed")
    }
    for entry in entries.items {
      guard case .map(let e) = entry, e["clause"]?.textValue == "rule", let rule = e["name"]?.textValue,
        let action = e["action"]
      else { continue }
      if rule.isEmpty || workflow.rules.contains(where: { $0.name == rule }) {
        throw RuntimeError.declaration(
          rule.isEmpty ? "a rule needs a name" : "there are two rules called \"\(rule)\"", at: entry,
          hint: "each rule's name identifies the tasks it makes, so it must be unique")
      }
      workflow.rules.append(ScheduledRule(name: rule, workflow: name.value, action: action))
    }
    for entry in entries.items {
      guard case .map(let e) = entry, let clause = e["clause"]?.textValue, clause == "guard" || clause == "on"
      else {
        continue
      }
      let status = e["status"]?.textValue ?? ""
      guard workflow.statuses.contains(status) else {
        throw RuntimeError.declaration(
          "workflow \(name.value) has no status \"\(status)\"", at: entry,
          hint: closestMatch(to: status, in: workflow.statuses).map { "did you mean \"\($0)\"?" }
            ?? "its statuses are " + workflow.statuses.joined(separator: ", "))
      }
      if clause == "guard" {
        guard case .list(let lines)? = e["entries"] else { continue }
        for line in lines.items {
          guard case .map(let l) = line, let condition = l["condition"], let message = l["message"] else {
            continue
          }
          workflow.guards[status, default: []].append(Requirement(condition: condition, message: message))
        }
      } else if let action = e["action"] {
        if e["event"]?.textValue == "enter" {
          workflow.onEnter[status, default: []].append(action)
        } else {
          workflow.onLeave[status, default: []].append(action)
        }
      }
    }
    return workflow
  }

  private func add(_ status: String) {
    if !statuses.contains(status) { statuses.append(status) }
  }

  // MARK: - Changing status

  /// Checks that `record` may go from `old` to `new`: a step the workflow allows, and every
  /// guard of `new` holding (all the failing ones are reported together). A record whose status
  /// the workflow no longer has may go to any status, so it can be put right.
  func check(_ record: RecordObject, from old: String?, to new: String) throws {
    let who = describe(record)
    guard statuses.contains(new) else {
      throw RuntimeError(
        "\(who) cannot have the status \"\(new)\": workflow \(name) has no such status",
        hint: closestMatch(to: new, in: statuses).map { "did you mean \"\($0)\"?" }
          ?? "its statuses are " + statuses.joined(separator: ", "))
    }
    if let old, statuses.contains(old), !next[old, default: []].contains(new) {
      let ways = next[old, default: []]
      throw RuntimeError(
        "\(who) cannot go from \"\(old)\" to \"\(new)\" in workflow \(name)",
        hint: ways.isEmpty
          ? "\"\(old)\" is a final status"
          : "from \"\(old)\" the next step is " + ways.map { "\"\($0)\"" }.joined(separator: " or "))
    }
    var failures: [String] = []
    for requirement in guards[new, default: []] {
      let holds = try interpreter.vm.call(requirement.condition, .record(record))
      if !holds.isTruthy {
        let message = try interpreter.vm.call(requirement.message, .record(record))
        failures.append(message.textValue ?? message.description)
      }
    }
    if !failures.isEmpty {
      throw RuntimeError(
        "\(who) cannot become \"\(new)\":\n" + failures.map { "  - " + $0 }.joined(separator: "\n"),
        hint: "put \(failures.count == 1 ? "this" : "these") right first (guard \(new) in workflow \(name))")
    }
  }

  /// Runs the actions of leaving `old` and entering `new`, after the change is written.
  func afterChange(_ record: RecordObject, from old: String?, to new: String) throws {
    if let old {
      for action in onLeave[old, default: []] { _ = try interpreter.vm.call(action, .record(record)) }
    }
    for action in onEnter[new, default: []] { _ = try interpreter.vm.call(action, .record(record)) }
  }

  private func describe(_ record: RecordObject) -> String {
    var code = record.values[0].textValue ?? kind.rawValue
    // A record being created has no id yet: its guards see it as "a new mother".
    if code == kind.code(for: 0) { code = "a new \(kind.rawValue)" }
    if let i = record.type.fields.firstIndex(of: "name"), let n = record.values[i].textValue {
      return "\(n) (\(code))"
    }
    return code
  }

  // MARK: - As a value

  override var typeName: String { "workflow" }

  override var description: String {
    "<workflow \(name) of \(kind.plural): " + statuses.joined(separator: ", ") + ">"
  }

  override func field(_ name: String) throws -> Value? {
    switch name {
    case "name": return .text(self.name)
    case "kind": return .text(kind.rawValue)
    case "statuses": return .list(statuses.map { Value.text($0) })
    case "steps":
      return .list(statuses.flatMap { a in next[a, default: []].map { Value.text("\(a) -> \($0)") } })
    case "strays": return .list(try strays())
    case "rules": return .list(rules.map { Value.text($0.name) })
    default: return nil
    }
  }

  override var fieldNames: [String] { ["name", "kind", "statuses", "steps", "strays", "rules"] }

  /// Records in a status this workflow does not have (it was changed since they got it):
  /// kept as they are, listed here so a coordinator can move them on.
  func strays() throws -> [Value] {
    try bridge.writer().all(kind).filter { r in
      guard case .text(let s)? = r.fields["status"] else { return false }
      return !statuses.contains(s)
    }.map(bridge.value)
  }
}

extension Value {
  var textValue: String? {
    if case .string(let s) = self { return s.value }
    return nil
  }
}
