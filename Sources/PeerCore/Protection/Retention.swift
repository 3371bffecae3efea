import PeerScript
import PeerStore

/// The built-ins behind `retention NAME { ... }`: the declaration, and `retention_due`, which
/// lists what the schedule makes due on a day without changing anything.
enum Retention {
  static func register(in interpreter: Interpreter, bridge: RecordBridge) {
    interpreter.define("|declare_retention", arity: 1...1, doc: "") { [unowned interpreter] args in
      try DeclaredNames.check(args[0], in: interpreter)
      let file = args.vm.currentFile ?? "?"
      let schedule = try RetentionSchedule.declared(args[0], file: file)
      if case .map(let m) = args[0], case .int(let line)? = m["line"], case .int(let column)? = m["column"] {
        schedule.declaredAt = "\(file):\(line):\(column)"
      }
      // One schedule a project: two would leave it unclear which line wins.
      if let earlier = bridge.retention, earlier.name != schedule.name || !earlier.declaredAt.hasPrefix(file + ":") {
        throw RuntimeError.declaration(
          "retention \(schedule.name) is a second retention schedule: retention \(earlier.name) at \(earlier.declaredAt) is the project's already",
          at: args[0], hint: "a project has one retention schedule: merge the two")
      }
      bridge.retention = schedule
      return .host(schedule)
    }

    interpreter.define(
      "retention_due", arity: 0...1,
      doc:
        "retention_due(day) - what the project's retention schedule makes due on a day (today if left out): a list of {record, action, due, why}; changes nothing"
    ) { [unowned interpreter] args in
      let day = args.count > 0 ? try args.date(0) : interpreter.today.days
      let due = try dueList(bridge: bridge, vm: args.vm, day: day)
      return .list(ListObject(ContiguousArray(due.map(\.value))))
    }
  }

  /// What the project's schedule makes due on `day`, in the current transaction.
  static func dueList(bridge: RecordBridge, vm: VM, day: Int32) throws -> [RetentionDue] {
    guard let schedule = bridge.retention else {
      throw RuntimeError(
        "the project's scripts declare no retention schedule",
        hint: "declare one: retention schedule \"Our schedule\" { ... } (docs/data-protection.md)")
    }
    return try bridge.inTransaction {
      try RetentionDueList(schedule: schedule, bridge: bridge, vm: vm, day: day).all()
    }
  }
}

extension Session {
  /// What `peer check` says of the project's retention schedule once its scripts have loaded:
  /// that there is none, or each collection and own field it says nothing about. Own fields
  /// are those the project's forms save and those its records hold.
  public func retentionProblems() throws -> [String] {
    guard let bridge else { return [] }
    guard let schedule = bridge.retention else {
      return [
        "the project's scripts declare no retention schedule: how long each kind of record is kept is a duty of the project (UK GDPR, storage limitation)\n"
          + "hint: declare one in scripts/retention.peer; the demo's is an example (docs/data-protection.md)"
      ]
    }
    var own = bridge.formFields
    try bridge.store.read { reader in
      for kind in RecordKind.allCases { own[kind, default: []].formUnion(try reader.ownFieldNames(kind)) }
    }
    var problems: [String] = []
    for target in schedule.missing(ownFields: own) {
      let hint: String
      switch target {
      case .field(let kind, _): hint = "add a line, as in: \(target): with \(kind.plural)"
      case .records(.service): hint = "add a line, as in: services: keep"
      case .workItems: hint = "add a line, as in: \(target): erase 2 years after .closed_on"
      case .records: hint = "add a line, as in: \(target): erase 6 years after .date"
      }
      problems.append(
        "\(schedule.declaredAt): retention schedule \(schedule.name) says nothing about \(target)\nhint: \(hint)")
    }
    for target in schedule.unknownFields(ownFields: own) {
      problems.append(
        "\(schedule.declaredAt): retention schedule \(schedule.name) names \(target), a field no form saves and no record holds\nhint: check the spelling, or remove the line")
    }
    return problems
  }
}
