import PeerCalendar
import PeerScript
import PeerStore

/// One thing a retention schedule says is due on a day: a record to erase or anonymise, a field
/// to clear, or a closed task or flag to delete, with the line that says so and why.
struct RetentionDue: Equatable {
  enum Step: Equatable {
    case erase(RecordKind, Int64)
    case anonymise(RecordKind, Int64)
    case clearField(RecordKind, Int64, String)
    case deleteItem(Int64)
  }
  var step: Step
  /// The day the period counted from and the day it ended (on or before the day of the run).
  var event: Int32
  var due: Int32
  /// The schedule's line (`file:line:col`) and its words.
  var place: String
  var summary: String

  /// The record (`M-0042`) or item (`task 12`) the step is about.
  var subject: String {
    switch step {
    case .erase(let kind, let id), .anonymise(let kind, let id), .clearField(let kind, let id, _):
      return kind.code(for: id)
    case .deleteItem(let id): return "item \(id)"
    }
  }

  var actionName: String {
    switch step {
    case .erase: return "erase"
    case .anonymise: return "anonymise"
    case .clearField(_, _, let field): return "clear \(field)"
    case .deleteItem: return "delete"
    }
  }

  /// "6 years after 2026-03-02 (2032-03-02), by scripts/retention.peer:4:3".
  var why: String {
    "due on \(CivilDate(days: due).iso), counted from \(CivilDate(days: event).iso), by \(place)"
  }

  var value: Value {
    let m = MapObject()
    m["record"] = .text(subject)
    m["action"] = .text(actionName)
    m["event"] = .date(event)
    m["due"] = .date(due)
    m["rule"] = .text(summary)
    m["why"] = .text(why)
    return .map(m)
  }
}

/// Works out what a schedule makes due on a day, reading the records in the current
/// transaction. Changes nothing: `RetentionApply` does what the list says.
struct RetentionDueList {
  let schedule: RetentionSchedule
  let bridge: RecordBridge
  let vm: VM
  let day: Int32

  func all() throws -> [RetentionDue] {
    var out: [RetentionDue] = []
    for rule in schedule.rules {
      let period: Duration
      let event: Value
      switch rule.action {
      case .keep, .with: continue
      case .erase(let p, let e), .anonymise(let p, let e):
        period = p
        event = e
      }
      for target in rule.targets {
        try each(target, rule: rule) { subject, value in
          guard let start = try eventDay(event, value, rule: rule),
            let due = addDuration(start, period), due <= day
          else { return }
          let step: RetentionDue.Step
          switch (target, rule.action, subject) {
          case (.records(let kind), .anonymise, .record(let id)): step = .anonymise(kind, id)
          case (.records(let kind), _, .record(let id)): step = .erase(kind, id)
          case (.field(let kind, let field), _, .record(let id)): step = .clearField(kind, id, field)
          case (_, _, .item(let id)): step = .deleteItem(id)
          default: return
          }
          out.append(
            RetentionDue(step: step, event: start, due: due, place: rule.place, summary: rule.summary))
        }
      }
    }
    return out
  }

  private enum Subject {
    case record(Int64)
    case item(Int64)
  }

  /// Calls `body` with each record or item of `target` that the rule's condition lets through
  /// (a field's records only while the field holds something; anonymised records never again).
  private func each(
    _ target: RetentionTarget, rule: RetentionRule, _ body: (Subject, Value) throws -> Void
  ) throws {
    let writer = try bridge.writer()
    func passes(_ value: Value) throws -> Bool {
      guard let condition = rule.condition else { return true }
      return try vm.call(condition, value).isTruthy
    }
    switch target {
    case .records(let kind), .field(let kind, _):
      var field: String? = nil
      if case .field(_, let f) = target { field = f }
      // A record erased or anonymised already is never due again (an erased volunteer whose
      // matches keep her as a shell, an anonymised mother).
      let settled = try Erasure.anonymisedIDs(kind, in: writer).union(
        writer.auditedIDs(kind.rawValue, action: "erase"))
      try writer.forEach(kind, batchSize: 1000) { batch in
        // The page's records are all made values first, so that the lists a rule reads of
        // each (a mother's `.endings`) are read for the whole page at once (RelatedLists).
        var page: [(id: Int64, value: Value)] = []
        for stored in batch {
          if let field {
            let held = stored.fields[field] ?? stored.extra[field]
            if held == nil || held == .null { continue }
          }
          if settled.contains(stored.id) { continue }
          page.append((stored.id, bridge.value(stored)))
        }
        for (id, value) in page where try passes(value) { try body(.record(id), value) }
        return true
      }
    case .workItems(let kind):
      guard let store = writer as? any WorkItemStore else { return }
      for item in try store.closedItems() where item.kind == kind {
        let value = WorkItemList.value(item)
        if try passes(value) { try body(.item(item.id), value) }
      }
    }
  }

  private func eventDay(_ event: Value, _ subject: Value, rule: RetentionRule) throws -> Int32? {
    switch try vm.call(event, subject) {
    case .null: return nil
    case .date(let d): return d
    case let other:
      throw RuntimeError(
        "the retention line at \(rule.place) counts from a date, and for \(Self.name(of: subject)) it gives \(other.typeName)",
        hint: "after takes a date of the record, as in: after .referral_date")
    }
  }

  private static func name(of subject: Value) -> String {
    if case .record(let r) = subject, let code = r.values[0].textValue { return code }
    if case .map(let m) = subject, let id = m["id"] { return "item \(id)" }
    return subject.typeName
  }
}
