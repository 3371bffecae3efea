import PeerCalendar
import PeerScript
import PeerStore

/// Restriction of processing (UK GDPR, Article 18): when a mother or volunteer withdraws her
/// consent, her record is kept but peer stops using it. It is left out of the collections
/// (`mothers`, `volunteers`, and the `matches`, `visits` and `endings` of her support, and so
/// of every list, pipeline and daily rule over them), of matching and of exports; a report counts it in its figures, where it is one among many
/// (and small counts are hidden). She is still reached by her id (`M-0042`), so a coordinator
/// can answer her and lift the restriction. docs/data-protection.md, "Restriction".
enum Restriction {
  /// The kinds whose records are people who can withdraw consent.
  static let kinds: Set<RecordKind> = [.mother, .volunteer]

  static func register(in interpreter: Interpreter, bridge: RecordBridge) {
    interpreter.define(
      "restrict", arity: 2...2,
      doc:
        "restrict(M-0042, \"reason\") - she withdrew consent: her record is kept but left out of lists, matching, rules and exports; reports count her only in their figures"
    ) { [unowned interpreter] args in
      let (kind, id, code) = try person(args, "restrict")
      let reason = try reasonArgument(args, "restrict")
      let day = interpreter.today.days
      try bridge.inTransaction {
        if try store(bridge).restrict(kind, id: id, on: day) {
          try bridge.writer().auditEvent(
            kind.rawValue, id: id, action: "restrict",
            after: JSONText.encode(["since": .date(day), "reason": .text(reason)]))
        }
      }
      bridge.restricted = [:]
      return .text(
        "\(code) is restricted from \(interpreter.today.iso): left out of lists, matching, rules and exports; counted in reports"
      )
    }

    interpreter.define(
      "lift_restriction", arity: 2...2,
      doc:
        "lift_restriction(M-0042, \"reason\") - she consents again: her record is used as before"
    ) { args in
      let (kind, id, code) = try person(args, "lift_restriction")
      let reason = try reasonArgument(args, "lift_restriction")
      let restricted = try bridge.inTransaction { () throws -> Bool in
        guard try store(bridge).lift(kind, id: id) else { return false }
        try bridge.writer().auditEvent(
          kind.rawValue, id: id, action: "lift restriction", after: JSONText.encode(["reason": .text(reason)]))
        return true
      }
      bridge.restricted = [:]
      guard restricted else {
        throw RuntimeError("\(code) is not restricted", hint: "restrictions() lists the records that are")
      }
      return .text("\(code) is no longer restricted")
    }

    interpreter.define(
      "restrictions", arity: 0...0,
      doc: "restrictions() - the mothers and volunteers whose processing is restricted: [{record, since}]"
    ) { args in
      try bridge.inTransaction {
        var out = ContiguousArray<Value>()
        for kind in [RecordKind.mother, .volunteer] {
          for (id, since) in try store(bridge).restrictions(kind).sorted(by: { $0.key < $1.key }) {
            let m = MapObject()
            m["record"] = .text(kind.code(for: id))
            m["since"] = .date(since)
            out.append(.map(m))
          }
        }
        return .list(ListObject(out))
      }
    }
  }

  /// The records of `kind` a restriction covers, given the restricted mothers and volunteers:
  /// a restricted person, and the matches, visits and endings of her support. Nil for none.
  static func restricted(_ kind: RecordKind, mothers: [Int64: Int32], volunteers: [Int64: Int32])
    -> RecordCondition?
  {
    func among(_ ids: [Int64: Int32]) -> RecordCondition? {
      ids.isEmpty ? nil : .oneOf(field: "id", ids.keys.sorted().map { .int(Int($0)) })
    }
    let m = among(mothers)
    let v = among(volunteers)
    // A match is restricted when its mother or its volunteer is.
    var match: RecordCondition? = m.map { .through(field: "mother", kind: .mother, $0) }
    if let v {
      let through = RecordCondition.through(field: "volunteer", kind: .volunteer, v)
      match = match.map { .or($0, through) } ?? through
    }
    switch kind {
    case .mother: return m
    case .volunteer: return v
    case .match: return match
    case .visit, .ending: return match.map { .through(field: "match", kind: .match, $0) }
    case .service: return nil
    }
  }

  /// The ids of the records of `kind` a restriction covers (few: read at once), for what reads
  /// the store without a collection (exports).
  static func restrictedIDs(_ kind: RecordKind, in reader: any StoreReader) throws -> Set<Int64> {
    guard let s = reader as? any RestrictionStore,
      let condition = restricted(
        kind, mothers: try s.restrictions(.mother), volunteers: try s.restrictions(.volunteer))
    else { return [] }
    return Set(try reader.select(kind, where: condition).map(\.id))
  }

  static func store(_ bridge: RecordBridge) throws -> any RestrictionStore {
    guard let s = try bridge.writer() as? any RestrictionStore else {
      throw RuntimeError("this store keeps no restrictions")
    }
    return s
  }

  /// The mother or volunteer a built-in was given (a record, or its id as text).
  static func person(_ args: Arguments, _ name: String) throws -> (RecordKind, Int64, String) {
    if case .string(let s) = args[0],
      let kind = RecordKind.allCases.first(where: { s.value.hasPrefix($0.idPrefix + "-") }),
      let id = kind.id(fromCode: s.value)
    {
      return try checked(kind, id, args, name)
    }
    guard case .record(let r) = args[0], case .string(let code) = r.values[0],
      let kind = RecordKind.allCases.first(where: { $0.rawValue == r.type.name }),
      let id = kind.id(fromCode: code.value)
    else {
      throw args.typeError(0, expected: "a mother or a volunteer (like M-0042)")
    }
    return try checked(kind, id, args, name)
  }

  private static func checked(_ kind: RecordKind, _ id: Int64, _ args: Arguments, _ name: String) throws -> (
    RecordKind, Int64, String
  ) {
    guard kinds.contains(kind) else {
      throw RuntimeError(
        "\(name) takes a mother or a volunteer, and \(kind.code(for: id)) is a \(kind.rawValue)",
        hint:
          "a restriction is about a person: \(name)(\(kind == .match || kind == .visit || kind == .ending ? "its mother" : "M-0042"), \"reason\")"
      )
    }
    return (kind, id, kind.code(for: id))
  }

  static func reasonArgument(_ args: Arguments, _ name: String) throws -> String {
    guard case .string(let s) = args[1] else { throw args.typeError(1, expected: "the reason, as text") }
    let reason = s.value
    guard reason.contains(where: { !$0.isWhitespace }) else {
      throw RuntimeError(
        "\(name) needs a reason, and the one given is empty",
        hint: "say why, without her personal details: \(name)(M-0042, \"withdrew consent by phone\")")
    }
    return reason
  }
}

extension RecordBridge {
  /// The condition that leaves restricted records out of a collection of `kind`: a restricted
  /// mother or volunteer, and the matches, visits and endings of her support. Nil when none is
  /// restricted, or while a report is worked out (it counts them).
  func restrictionCondition(_ kind: RecordKind) throws -> RecordCondition? {
    guard (reports?.depth ?? 0) == 0 else { return nil }
    return Restriction.restricted(
      kind, mothers: try restrictedIDs(.mother), volunteers: try restrictedIDs(.volunteer)
    )
    .map { .not($0) }
  }

  /// The restricted records of `kind` (id to the day it began), read once per transaction.
  func restrictedIDs(_ kind: RecordKind) throws -> [Int64: Int32] {
    if let known = restricted[kind] { return known }
    guard Restriction.kinds.contains(kind), let s = try writer() as? any RestrictionStore else { return [:] }
    let ids = try s.restrictions(kind)
    restricted[kind] = ids
    return ids
  }

  /// Refuses to use a restricted record for `what` ("match", "suggest volunteers for").
  func refuseRestricted(_ record: RecordObject, _ what: String) throws {
    guard let kind = kind(of: record), Restriction.kinds.contains(kind), let id = id(of: record),
      let since = try restrictedIDs(kind)[id]
    else { return }
    throw RuntimeError(
      "\(kind.code(for: id)) is restricted since \(CivilDate(days: since).iso) (she withdrew consent), so peer will not \(what) her",
      hint: "lift_restriction(\(kind.code(for: id)), \"reason\") if she consents again")
  }
}
