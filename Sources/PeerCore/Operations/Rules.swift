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

  static func check(_ record: StoredRecord, in store: any StoreReader, isNew: Bool) throws {
    do { try validate(record, in: store, isNew: isNew) } catch let v as Violation { throw v.error }
  }

  /// As `check`, but throws a `Violation` naming the field.
  static func validate(_ record: StoredRecord, in store: any StoreReader, isNew: Bool) throws {
    let kind = record.kind
    let fields = kind.fields
    for spec in fields where spec.required {
      if case .null = record[spec.name] {
        throw Violation(spec.name, RuntimeError("\(kind.rawValue).\(spec.name) is required"))
      }
    }
    for spec in fields {
      if case .text(let s) = record[spec.name], !spec.choices.isEmpty, !spec.choices.contains(s) {
        throw Violation(
          spec.name,
          RuntimeError(
            "\(kind.rawValue).\(spec.name) cannot be \"\(s)\"",
            hint: "it must be one of: " + spec.choices.map { "\"\($0)\"" }.joined(separator: ", ")))
      }
      if case .reference(let target) = spec.type, case .int(let id) = record[spec.name] {
        guard try store.get(target, id: Int64(id)) != nil else {
          throw Violation(
            spec.name,
            RuntimeError(
              "\(kind.rawValue).\(spec.name): there is no \(target.rawValue) \(target.code(for: Int64(id)))"))
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
    default: break
    }
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
    if case .date(let start) = match["started_on"], date < start {
      throw Violation(
        "date",
        RuntimeError(
          "\(match.code) started on \(CivilDate(days: start).iso); a visit on \(CivilDate(days: date).iso) is before it"
        ))
    }
    if let ending = try store.find(.ending, where: "match", equals: .int(mid)).first,
      case .date(let end) = ending["date"],
      date > end
    {
      throw Violation(
        "date",
        RuntimeError(
          "\(match.code) ended on \(CivilDate(days: end).iso) and takes no more visits (this one is on \(CivilDate(days: date).iso))"
        ))
    }
    if case .int(let minutes) = record["minutes"], minutes < 0 || minutes > 24 * 60 {
      throw Violation("minutes", RuntimeError("a visit's minutes must be between 0 and 1440, got \(minutes)"))
    }
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
