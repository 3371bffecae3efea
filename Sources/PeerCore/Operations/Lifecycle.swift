import PeerScript
import PeerStore

/// The built-ins a coordinator uses every day: refer, match, log_visit, end_match, pause,
/// resume, plus create, delete and history. Each runs the integrity rules and writes in the
/// command's transaction, so a failing script leaves nothing behind. One method per built-in,
/// listed with its arity and help line in `builtins`.
final class Lifecycle {
  unowned let interpreter: Interpreter
  let bridge: RecordBridge
  /// The core field a project's own field name is a letter away from, by kind and name:
  /// remembered, since a form or an import asks about the same few names for every record.
  private var nearCoreField: [RecordKind: [String: String?]] = [:]

  init(interpreter: Interpreter, bridge: RecordBridge) {
    self.interpreter = interpreter
    self.bridge = bridge
  }

  typealias Builtin = (
    name: String, arity: ClosedRange<Int>, doc: String, run: (Lifecycle) -> (Arguments) throws -> Value
  )

  static var builtins: [Builtin] {
    [
      (
        "create", 2...2,
        "create(kind, fields) - a new record: create(\"volunteer\", {name: \"Ann\", capacity: 2, status: \"active\"})",
        Lifecycle.create(_:)
      ),
      (
        "refer", 1...1,
        "refer(fields) - a new referral: a mother with status \"referred\", referred today unless referral_date is given",
        Lifecycle.refer
      ),
      (
        "match", 2...3,
        "match(mother, volunteer, why) - match them from today; the volunteer must be active and have room",
        Lifecycle.match
      ),
      (
        "log_visit", 2...2,
        "log_visit(match or mother, {kind: \"home\", minutes: 60, ...}) - record a contact (dated today unless date is given)",
        Lifecycle.logVisit
      ),
      (
        "end_match", 2...3,
        "end_match(match, reason, {planned: true, final_visit: true, date: ...}) - end a match with a reason from the project's list",
        Lifecycle.endMatch
      ),
      (
        "pause", 1...1, "pause(volunteer) - a volunteer takes a break: no new matches until resumed",
        Lifecycle.pause
      ),
      ("resume", 1...1, "resume(volunteer) - a paused volunteer is active again", Lifecycle.resume),
      ("delete", 1...1, "delete(record) - remove a record (kept in its history)", Lifecycle.delete),
      (
        "history", 1...1,
        "history(record) - every change to a record: when, who, what (\"M-0042\" as text: also of a record since deleted or erased)",
        Lifecycle.history
      ),
    ]
  }

  static func register(in interpreter: Interpreter, bridge: RecordBridge) {
    let lifecycle = Lifecycle(interpreter: interpreter, bridge: bridge)
    interpreter.define("|record", arity: 1...1, doc: "") { args in try bridge.record(code: try args.string(0))
    }
    for builtin in builtins {
      let run = builtin.run(lifecycle)
      interpreter.define(builtin.name, arity: builtin.arity, doc: builtin.doc) { args in try run(args) }
    }
    for kind in RecordKind.allCases {
      interpreter.define(
        kind.plural, value: .host(RecordCollection(kind: kind, bridge: bridge)),
        doc: "\(kind.plural) - every \(kind.rawValue) record; fields: id, "
          + kind.fields.map(\.name).joined(separator: ", "))
    }
  }

  private func today() -> Int32 { interpreter.today.days }

  // MARK: - The built-ins

  private func create(_ args: Arguments) throws -> Value {
    let kind = try kindArgument(args, 0)
    var defaults: [String: FieldValue] = [:]
    switch kind {
    case .mother:
      defaults = ["status": .text("referred"), "referral_date": .date(today())]
    case .volunteer: defaults = ["status": .text("applicant"), "capacity": .int(1)]
    case .match: defaults = ["status": .text("active"), "started_on": .date(today())]
    case .visit, .ending: defaults = ["date": .date(today())]
    case .service: break
    }
    return try create(kind, try args.map(1), defaults: defaults)
  }

  private func refer(_ args: Arguments) throws -> Value {
    try create(
      .mother, try args.map(0), defaults: ["status": .text("referred"), "referral_date": .date(today())])
  }

  private func match(_ args: Arguments) throws -> Value {
    let mother = try recordArgument(args, 0, .mother)
    let volunteer = try recordArgument(args, 1, .volunteer)
    try bridge.refuseRestricted(mother, "match")
    try bridge.refuseRestricted(volunteer, "match")
    let fields = MapObject()
    fields["mother"] = .record(mother)
    fields["volunteer"] = .record(volunteer)
    if args.count > 2 { fields["why"] = args[2] }
    let match = try create(
      .match, fields, defaults: ["status": .text("active"), "started_on": .date(today())])
    try update(mother, ["status": .text("matched")])
    return match
  }

  private func logVisit(_ args: Arguments) throws -> Value {
    var target = args[0]
    if case .string(let s) = target { target = try bridge.record(code: s.value) }
    if case .record(let r) = target, bridge.kind(of: r) == .mother {
      guard let m = try bridge.field(of: r, "match"), case .record = m else {
        throw RuntimeError("\(r.values[0].description) has no active match to log a visit against")
      }
      target = m
    }
    guard case .record(let match) = target, bridge.kind(of: match) == .match else {
      throw args.typeError(0, expected: "a match or a mother")
    }
    let fields = MapObject()
    for (k, v) in try args.map(1).entries { fields.entries[k] = v }
    fields["match"] = .record(match)
    return try create(.visit, fields, defaults: ["date": .date(today())])
  }

  private func endMatch(_ args: Arguments) throws -> Value {
    let match = try recordArgument(args, 0, .match)
    guard case .string(let status)? = match["status"], status.value == "active" else {
      throw RuntimeError("\(match.values[0].description) has already ended")
    }
    let fields = MapObject()
    if args.count > 2 { for (k, v) in try args.map(2).entries { fields.entries[k] = v } }
    fields["match"] = .record(match)
    fields["reason"] = args[1]
    // Creating the ending ends the match and closes the mother's support (endTheMatch).
    return try create(.ending, fields, defaults: ["date": .date(today())])
  }

  private func pause(_ args: Arguments) throws -> Value {
    let v = try recordArgument(args, 0, .volunteer)
    try update(v, ["status": .text("paused")])
    return .record(v)
  }

  private func resume(_ args: Arguments) throws -> Value {
    let v = try recordArgument(args, 0, .volunteer)
    if case .string(let s)? = v["status"], s.value == "left" {
      throw RuntimeError("\(v.values[0].description) has left the project; set her status to rejoin")
    }
    try update(v, ["status": .text("active")])
    return .record(v)
  }

  private func delete(_ args: Arguments) throws -> Value {
    guard case .record(let r) = args[0], let kind = bridge.kind(of: r), let id = bridge.id(of: r) else {
      throw args.typeError(0, expected: "a stored record")
    }
    let w = try bridge.writer()
    for (other, field) in [(RecordKind.match, kind.rawValue), (.visit, "match"), (.ending, "match")]
    where other.field(field).map({ $0.type == .reference(kind) }) ?? false {
      if let dependent = try w.find(other, where: field, equals: .int(Int(id))).first {
        throw RuntimeError("\(kind.code(for: id)) cannot be deleted: \(dependent.code) refers to it")
      }
    }
    try w.delete(kind, id: id)
    bridge.loaded[kind]?[id] = nil
    return .null
  }

  private func history(_ args: Arguments) throws -> Value {
    var v = args[0]
    // A code as text names a record that may be gone (deleted or erased): its history stays.
    if case .string(let s) = v, let letter = s.value.first,
      let kind = RecordKind.allCases.first(where: { $0.idPrefix == String(letter) }),
      let id = kind.id(fromCode: s.value)
    {
      return historyValue(try bridge.writer().history(kind, id: id))
    }
    if case .string(let s) = v { v = try bridge.record(code: s.value) }
    guard case .record(let r) = v, let kind = bridge.kind(of: r), let id = bridge.id(of: r) else {
      throw args.typeError(0, expected: "a stored record")
    }
    return historyValue(try bridge.writer().history(kind, id: id))
  }

  private func historyValue(_ entries: [AuditEntry]) -> Value {
    return .list(
      entries.map { e in
        let m = MapObject()
        m["at"] = .text(e.at)
        m["user"] = .text(e.user)
        m["action"] = .text(e.action)
        m["before"] = .text(e.before)
        m["after"] = .text(e.after)
        return .map(m)
      })
  }

  // MARK: - What they share

  private func typoOfCoreField(_ name: String, _ kind: RecordKind) -> String? {
    if let known = nearCoreField[kind]?[name] { return known }
    let near = closestMatch(to: name, in: kind.fields.map(\.name))
    nearCoreField[kind, default: [:]][name] = .some(near)
    return near
  }

  /// Makes a new record from a map of fields, with defaults, checks and the audit trail.
  private func create(_ kind: RecordKind, _ fields: MapObject, defaults: [String: FieldValue] = [:]) throws
    -> Value
  {
    var record = StoredRecord(kind: kind)
    for (key, v) in fields.entries {
      guard case .string(let k) = key else {
        throw RuntimeError("field names are text, got \(key.shortDescription)")
      }
      let name = k.value
      if name == "id" { throw RuntimeError("a new record gets its id by itself; leave \"id\" out") }
      if let spec = kind.field(name) {
        // A workflow's statuses replace the standard ones (it checks them itself below).
        let choices = name == "status" && bridge.workflows[kind] != nil ? [] : spec.choices
        record.fields[name] = try FieldConversion.field(
          v, for: FieldSpec(name, spec.type, choices: choices), kind: kind)
      } else if let hint = typoOfCoreField(name, kind) {
        // A name this close to a core field is taken for a typo, not a project's own field.
        throw RuntimeError("\(kind.rawValue) has no field \"\(name)\"", hint: "did you mean \"\(hint)\"?")
      } else {
        record.extra[name] = try FieldConversion.extra(v, name: "\(kind.rawValue).\(name)")
      }
    }
    for (name, value) in defaults where record.fields[name] == nil || record.fields[name] == .null {
      record.fields[name] = value
    }
    let w = try bridge.writer()
    let workflow = bridge.workflows[kind]
    Rules.completeEnding(&record)
    try Rules.check(record, in: w, isNew: true, workflowChecksStatus: workflow != nil)
    let status = record.fields["status"]?.text
    if let workflow, let status, !workflow.statuses.contains(status) {
      throw RuntimeError(
        "a new \(kind.rawValue) cannot start as \"\(status)\": workflow \(workflow.name) has no such status",
        hint: "its statuses are " + workflow.statuses.joined(separator: ", "))
    }
    // The first status's guard holds at creation as at any later step (a match's "active"
    // guard stops match() with a volunteer whose DBS check expired).
    if let workflow, let status {
      try workflow.check(bridge.detachedValue(record), from: nil, to: status)
    }
    record.id = try w.insert(record)
    let value = bridge.value(record)
    if let workflow, let status, case .record(let r) = value {
      try workflow.afterChange(r, from: nil, to: status)
    }
    if kind == .ending { try endTheMatch(of: record) }
    return value
  }

  /// Recording an ending ends its match, by whatever path it comes (end_match, a form, a
  /// script's create): the match's status goes to "ended" and the mother's to "closed", each
  /// through the workflow like any change of status.
  private func endTheMatch(of ending: StoredRecord) throws {
    guard case .int(let mid) = ending["match"],
      case .record(let match) = try bridge.record(code: RecordKind.match.code(for: Int64(mid))),
      case .string(let status)? = match["status"], status.value == "active"
    else { return }
    try update(match, ["status": .text("ended")])
    if let mother = try bridge.field(of: match, "mother"), case .record(let m) = mother,
      m["status"]?.textValue != "closed"
    {
      try update(m, ["status": .text("closed")])
    }
  }

  private func kindArgument(_ args: Arguments, _ i: Int) throws -> RecordKind {
    let name = try args.string(i)
    guard let kind = RecordKind.named(name) else {
      throw RuntimeError(
        "there is no kind of record called \"\(name)\"",
        hint: "the kinds are " + RecordKind.allCases.map(\.rawValue).joined(separator: ", "))
    }
    return kind
  }

  private func recordArgument(_ args: Arguments, _ i: Int, _ kind: RecordKind) throws -> RecordObject {
    var v = args[i]
    if case .string(let s) = v { v = try bridge.record(code: s.value) }
    guard case .record(let r) = v, bridge.kind(of: r) == kind else {
      throw args.typeError(i, expected: "a \(kind.rawValue) (like \(kind.code(for: 42)))")
    }
    return r
  }

  private func update(_ r: RecordObject, _ changes: [String: Value]) throws {
    for (name, value) in changes { try setRecordField(r, name, value) }
  }
}

/// Sets a field through the language's own rules (so the host checks and writes it).
func setRecordField(_ r: RecordObject, _ name: String, _ value: Value) throws {
  guard let i = r.type.slot(of: name) else {
    try r.type.host?.willSet(r, name, to: value)
    return
  }
  try r.type.host?.willSet(r, name, to: value)
  r.values[i] = value
}
