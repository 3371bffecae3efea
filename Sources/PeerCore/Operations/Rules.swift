import PeerCalendar
import PeerScript
import PeerStore

/// The integrity rules every write of a record must pass, wherever it comes from (a script,
/// the REPL, an import): required fields, allowed values, and the rules between records.
enum Rules {
  /// A broken rule and the field it is about (an import reports it against that column).
  struct Violation: Error {
    var field: String
    var error: RuntimeError
    init(_ field: String, _ error: RuntimeError) {
      self.field = field
      self.error = error
    }
  }

  /// `workflowChecksStatus`: the project's workflow for the kind checks the status (its statuses
  /// replace the standard ones, and its messages name the workflow), so it is not checked here.
  static func check(
    _ record: StoredRecord, in store: any StoreReader, isNew: Bool, workflowChecksStatus: Bool = false
  ) throws {
    do {
      try validate(record, in: store, isNew: isNew, workflowChecksStatus: workflowChecksStatus)
    } catch let v as Violation {
      throw v.error
    }
  }

  /// As `check`, but throws a `Violation` naming the field.
  static func validate(
    _ record: StoredRecord, in store: any StoreReader, isNew: Bool, workflowChecksStatus: Bool = false
  ) throws {
    let kind = record.kind
    let fields = kind.fields
    for spec in fields where spec.required {
      if case .null = record[spec.name] {
        throw Violation(spec.name, RuntimeError("\(kind.rawValue).\(spec.name) is required"))
      }
    }
    for var spec in fields {
      if spec.name == "status", workflowChecksStatus { spec.choices = [] }
      if case .text(let s) = record[spec.name], !spec.choices.isEmpty, !spec.choices.contains(s) {
        throw Violation(
          spec.name,
          RuntimeError(
            "\(kind.rawValue).\(spec.name) cannot be \"\(s)\"",
            hint: "it must be one of: " + spec.choices.map { "\"\($0)\"" }.joined(separator: ", ")))
      }
      if case .reference(let target) = spec.type, case .int(let id) = record[spec.name] {
        guard try store.get(target, id: Int64(id)) != nil else {
          throw noSuchRecord(kind, spec, target, Int64(id))
        }
      }
    }
    switch kind {
    case .volunteer:
      if case .int(let c) = record["capacity"], c < 0 {
        throw Violation("capacity", RuntimeError("a volunteer's capacity cannot be negative"))
      }
    case .match:
      try checkMatch(record, in: store, isNew: isNew)
    case .visit:
      try checkVisit(record, in: store)
    case .ending:
      if isNew, case .int(let mid) = record["match"],
        !(try store.find(.ending, where: "match", equals: .int(mid))).isEmpty
      {
        throw Violation("match", RuntimeError("\(RecordKind.match.code(for: Int64(mid))) has already ended"))
      }
      if case .text("planned") = record["reason"], case .bool(false) = record["planned"] {
        throw Violation(
          "planned",
          RuntimeError(
            "an ending for the reason \"planned\" was planned: planned cannot be no",
            hint: "give planned: yes (or leave it out), or the reason it really ended"))
      }
    default: break
    }
  }

  /// An ending's `planned`, when not given, follows from its reason: "planned" is planned,
  /// any other reason is not. The same on every path (end_match, forms, imports), so the
  /// endings report counts each ending once, one way.
  static func completeEnding(_ record: inout StoredRecord) {
    guard record.kind == .ending, record["planned"] == .null, case .text(let reason) = record["reason"]
    else { return }
    record.fields["planned"] = .bool(reason == "planned")
  }

  /// What recording an ending means, whatever the path: its match, if still active, ends, and
  /// the match's mother's support is closed. (A match already ended keeps its status.)
  static func endMatch(ofEnding ending: StoredRecord, in store: any StoreWriter) throws -> (
    match: StoredRecord?, mother: StoredRecord?
  ) {
    guard case .int(let mid) = ending["match"], var match = try store.get(.match, id: Int64(mid)),
      case .text("active") = match["status"]
    else { return (nil, nil) }
    match.fields["status"] = .text("ended")
    try store.update(match)
    guard case .int(let motherID) = match["mother"], var mother = try store.get(.mother, id: Int64(motherID)),
      mother["status"] != .text("closed")
    else { return (match, nil) }
    mother.fields["status"] = .text("closed")
    try store.update(mother)
    return (match, mother)
  }

  static func checkMatch(_ record: StoredRecord, in store: any StoreReader, isNew: Bool) throws {
    guard case .text("active") = record["status"], case .int(let vid) = record["volunteer"],
      case .int(let mid) = record["mother"], let volunteer = try store.get(.volunteer, id: Int64(vid)),
      let mother = try store.get(.mother, id: Int64(mid))
    else { return }
    let others = { (field: String, id: Int) in
      try store.find(.match, where: field, equals: .int(id)).filter {
        $0.id != record.id && $0["status"] == .text("active")
      }
    }
    let vname = volunteer["name"].text ?? volunteer.code
    let mname = mother["name"].text ?? mother.code
    if isNew, volunteer["status"] != .text("active") {
      throw Violation(
        "volunteer",
        RuntimeError(
          "\(vname) (\(volunteer.code)) cannot take a match: her status is \(volunteer["status"].text ?? "not set")",
          hint: "only active volunteers are matched; resume(\(volunteer.code)) if she is back"))
    }
    let capacity = volunteer["capacity"].int ?? 0
    let open = try others("volunteer", vid).count
    if open + 1 > capacity {
      throw Violation(
        "volunteer",
        RuntimeError(
          "\(vname) (\(volunteer.code)) is at capacity: \(open) open match\(open == 1 ? "" : "es") for a capacity of \(capacity)"
        ))
    }
    if let existing = try others("mother", mid).first {
      throw Violation(
        "mother", RuntimeError("\(mname) (\(mother.code)) already has an active match, \(existing.code)"))
    }
  }

  static func checkVisit(_ record: StoredRecord, in store: any StoreReader) throws {
    guard case .int(let mid) = record["match"], case .date(let date) = record["date"],
      let match = try store.get(.match, id: Int64(mid))
    else { return }
    var start: Int32?
    if case .date(let s) = match["started_on"] { start = s }
    var end: Int32?
    if let ending = try store.find(.ending, where: "match", equals: .int(mid)).first,
      case .date(let e) = ending["date"]
    {
      end = e
    }
    if let v = visitViolation(
      match: Int64(mid), start: start, end: end, date: date, minutes: record["minutes"].int)
    {
      throw v
    }
  }

  /// What is wrong with a visit on `date` of a match that started on `start` and ended on
  /// `end`, if anything (shared by `checkVisit` and `VisitRuleTable`).
  static func visitViolation(match mid: Int64, start: Int32?, end: Int32?, date: Int32, minutes: Int?)
    -> Violation?
  {
    let code = RecordKind.match.code(for: mid)
    if let start, date < start {
      return Violation(
        "date",
        RuntimeError(
          "\(code) started on \(CivilDate(days: start).iso); a visit on \(CivilDate(days: date).iso) is before it"
        ))
    }
    if let end, date > end {
      return Violation(
        "date",
        RuntimeError(
          "\(code) ended on \(CivilDate(days: end).iso) and takes no more visits (this one is on \(CivilDate(days: date).iso))"
        ))
    }
    if let minutes, minutes < 0 || minutes > 24 * 60 {
      return Violation(
        "minutes", RuntimeError("a visit's minutes must be between 0 and 1440, got \(minutes)"))
    }
    return nil
  }

  static func noSuchRecord(_ kind: RecordKind, _ spec: FieldSpec, _ target: RecordKind, _ id: Int64)
    -> Violation
  {
    Violation(
      spec.name,
      RuntimeError("\(kind.rawValue).\(spec.name): there is no \(target.rawValue) \(target.code(for: id))"))
  }
}

/// The rules of a visit with every match's start and end read once: an import of a million
/// visits checks each against these instead of asking the store. Matches and endings cannot
/// change while visits are imported.
struct VisitRuleTable {
  /// By match id: its start (`Int32.min`: none), its end (`Int32.max`: none); `exists` says
  /// which ids are matches. Arrays, as match ids are small and dense.
  private var start: [Int32] = []
  private var end: [Int32] = []
  private var exists: [Bool] = []
  /// Matches with ids too big for the arrays.
  private var others: [Int64: (start: Int32, end: Int32)] = [:]
  private static let denseLimit: Int64 = 1 << 24
  /// Where a visit's match, date and minutes are among its fields.
  static let match = RecordKind.visit.fields.firstIndex { $0.name == "match" }!
  static let date = RecordKind.visit.fields.firstIndex { $0.name == "date" }!
  static let minutes = RecordKind.visit.fields.firstIndex { $0.name == "minutes" }!

  init(store: any StoreReader) throws {
    try store.forEach(.match, fields: ["started_on"], batchSize: 10_000) { batch in
      for m in batch {
        var s = Int32.min
        if case .date(let d) = m["started_on"] { s = d }
        if m.id >= 0 && m.id < VisitRuleTable.denseLimit {
          let i = Int(m.id)
          if i >= exists.count {
            let n = max(i + 1, exists.count * 2) - exists.count
            start.append(contentsOf: repeatElement(Int32.min, count: n))
            end.append(contentsOf: repeatElement(Int32.max, count: n))
            exists.append(contentsOf: repeatElement(false, count: n))
          }
          start[i] = s
          exists[i] = true
        } else {
          others[m.id] = (s, Int32.max)
        }
      }
      return true
    }
    // The first ending of a match (by id) is the one the rules read.
    var seen = Set<Int64>()
    try store.forEach(.ending, fields: ["match", "date"], batchSize: 10_000) { batch in
      for e in batch {
        guard case .int(let m) = e["match"], seen.insert(Int64(m)).inserted, case .date(let d) = e["date"]
        else {
          continue
        }
        let mid = Int64(m)
        if mid >= 0 && mid < Int64(exists.count) && exists[Int(mid)] {
          end[Int(mid)] = d
        } else if others[mid] != nil {
          others[mid]!.end = d
        }
      }
      return true
    }
  }

  /// The first rule a visit of match `mid` on `date` breaks (after its cells were read as
  /// valid values of their fields), as `Rules.validate` would report it.
  func violation(match mid: Int64, date: Int32, minutes: Int?) -> Rules.Violation? {
    var s: Int32
    var e: Int32
    if mid >= 0 && mid < Int64(exists.count) && exists[Int(mid)] {
      s = start[Int(mid)]
      e = end[Int(mid)]
    } else if let m = others[mid] {
      (s, e) = m
    } else {
      return Rules.noSuchRecord(.visit, RecordKind.visit.fields[VisitRuleTable.match], .match, mid)
    }
    // The common case, a good visit, without making any text.
    if date >= s && date <= e && (minutes.map { $0 >= 0 && $0 <= 24 * 60 } ?? true) { return nil }
    return Rules.visitViolation(
      match: mid, start: s == Int32.min ? nil : s, end: e == Int32.max ? nil : e, date: date, minutes: minutes
    )
  }
}

extension FieldValue {
  var text: String? {
    if case .text(let s) = self { return s }
    return nil
  }
  var int: Int? {
    if case .int(let i) = self { return i }
    return nil
  }
}
