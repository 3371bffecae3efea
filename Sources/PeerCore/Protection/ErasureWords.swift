import PeerScript
import PeerStore

/// The built-ins `erase(record, reason)` and `anonymise(record, reason)` (also spelled
/// `anonymize`): Erasure in the command's transaction, for a person whose role may erase.
/// After the transaction commits, the store clears the old copies of what went
/// (`RecordBridge.inTransaction`, `RecordStore.reclaimErasedSpace`).
enum ErasureWords {
  static func register(in interpreter: Interpreter, bridge: RecordBridge) {
    interpreter.define(
      "erase", arity: 2...2,
      doc:
        "erase(record, reason) - erase a mother (with her matches, visits, endings, tasks and flags) or a volunteer; the audit trail keeps that it happened, not her data; needs \"may erase\""
    ) { args in
      let (kind, id) = try subject(args, bridge: bridge, verb: "erase")
      return try bridge.erase(kind, id: id, reason: try reasonArgument(args, "erase")).value
    }
    for name in ["anonymise", "anonymize"] {
      interpreter.define(
        name, arity: 2...2,
        doc:
          "\(name)(record, reason) - keep a mother's or volunteer's record for the reports' figures but remove what identifies her (name, contact details, notes, own fields, tasks and flags); needs \"may erase\""
      ) { args in
        let (kind, id) = try subject(args, bridge: bridge, verb: name)
        return try bridge.anonymise(kind, id: id, reason: try reasonArgument(args, name)).value
      }
    }
  }

  /// The record argument: a mother or a volunteer (a record, or its id as text).
  static func subject(_ args: Arguments, bridge: RecordBridge, verb: String) throws -> (RecordKind, Int64) {
    try bridge.permit(.erase)
    var v = args[0]
    if case .string(let s) = v { v = try bridge.record(code: s.value) }
    guard case .record(let r) = v, let kind = bridge.kind(of: r), let id = bridge.id(of: r) else {
      throw RuntimeError(
        "\(verb) takes a mother or a volunteer (like M-0042), not \(args[0].typeName)",
        hint: "give the record, as in: \(verb)(M-0042, \"her request of 2026-11-30\")")
    }
    try Erasure.checkSubject(kind, id, verb)
    return (kind, id)
  }

  static func reasonArgument(_ args: Arguments, _ verb: String) throws -> String {
    guard case .string(let s) = args[1] else {
      throw RuntimeError(
        "\(verb)'s reason is a text, not \(args[1].typeName)",
        hint: "say why without naming her, as in: \(verb)(M-0042, \"her request of 2026-11-30\")")
    }
    try Erasure.checkReason(s.value, verb)
    return s.value
  }
}

extension RecordBridge {
  /// `Erasure.erase` in the current transaction, forgetting the records it had loaded; the
  /// store reclaims the space once the transaction commits. For PeerCore code (a retention run).
  func erase(_ kind: RecordKind, id: Int64, reason: String) throws -> ErasureSummary {
    try inTransaction {
      let summary = try Erasure.erase(kind, id: id, reason: reason, in: try writer())
      forgetLoaded()
      erasedSomething = true
      return summary
    }
  }

  /// `Erasure.anonymise` in the current transaction; own fields the retention schedule keeps
  /// (`mothers.first_baby: keep`) stay.
  func anonymise(_ kind: RecordKind, id: Int64, reason: String) throws -> ErasureSummary {
    try inTransaction {
      var keep: [RecordKind: Set<String>] = [:]
      for rule in retention?.rules ?? [] {
        guard case .keep = rule.action else { continue }
        for case .field(let k, let f) in rule.targets { keep[k, default: []].insert(f) }
      }
      let summary = try Erasure.anonymise(kind, id: id, reason: reason, keepOwn: keep, in: try writer())
      forgetLoaded()
      erasedSomething = true
      return summary
    }
  }

  /// Deletes a task or flag (a retention line such as `tasks, flags: erase 1 year after
  /// .closed_on`) and blanks its audit values, which hold its title.
  func deleteWorkItem(id: Int64) throws {
    try inTransaction {
      let w = try writer()
      try Erasure.workItems(w).delete(id: id)
      try w.forgetHistory("task", ids: [id])
      erasedSomething = true
    }
  }

  /// Clears one field of a record (a retention line such as `visits.notes: erase 2 years after
  /// .date`) and blanks the record's audit values, which hold the old value; appends an entry
  /// "clear" naming the field. The store reclaims the space once the transaction commits.
  func clearField(_ kind: RecordKind, id: Int64, field: String, reason: String) throws {
    try inTransaction {
      let w = try writer()
      guard var record = try w.get(kind, id: id) else { return }
      if let spec = kind.field(field) {
        guard !spec.required else {
          throw RuntimeError("\(kind.rawValue).\(field) is required: it cannot be cleared")
        }
        guard record.fields[field] != nil, record.fields[field] != .null else { return }
        record.fields[field] = nil
      } else {
        guard record.extra.removeValue(forKey: field) != nil else { return }
      }
      try w.update(record)
      try w.forgetHistory(kind.rawValue, ids: [id])
      try w.auditEvent(
        kind.rawValue, id: id, action: "clear",
        after: JSONText.encode(["field": .text(field), "reason": .text(reason)]))
      forgetLoaded()
      erasedSomething = true
    }
  }
}

extension Session {
  /// `peer erase CODE --reason TEXT [--anonymise]`: the built-in's work, in one transaction,
  /// for the person this session runs as (who must be allowed to erase).
  public func erase(_ code: String, reason: String, anonymise: Bool) throws -> ErasureSummary {
    guard let bridge else { throw RuntimeError("there is no project open to erase records from") }
    do {
      return try bridge.inTransaction {
        try bridge.permit(.erase)
        let verb = anonymise ? "anonymise" : "erase"
        guard case .record(let r) = try bridge.record(code: code), let kind = bridge.kind(of: r),
          let id = bridge.id(of: r)
        else { throw RuntimeError("\(code) is not a record id") }
        try Erasure.checkSubject(kind, id, verb)
        try Erasure.checkReason(reason, verb)
        return anonymise
          ? try bridge.anonymise(kind, id: id, reason: reason)
          : try bridge.erase(kind, id: id, reason: reason)
      }
    } catch { throw explain(error) }
  }

  /// Clears the old copies an earlier erasure left when another program was reading the file.
  public func reclaimErasedSpace() throws {
    try bridge?.store.reclaimErasedSpace()
  }
}
