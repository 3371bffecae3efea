import PeerCalendar
import PeerScript
import PeerStore

/// The built-ins behind `workflow NAME { ... }` and its daily rules: `task`, `flag`, `done`,
/// `run_rules`, and the REPL's `tasks`, `flags` and `overdue`.
enum Workflows {
  static func register(in interpreter: Interpreter, bridge: RecordBridge) {
    func today() -> Int32 { interpreter.today.days }

    interpreter.define("|declare_workflow", arity: 1...1, doc: "") { [unowned interpreter] args in
      try DeclaredNames.check(args[0], in: interpreter)
      let workflow = try Workflow.declared(args[0], interpreter: interpreter, bridge: bridge)
      let file = args.vm.currentFile ?? "?"
      if case .map(let m) = args[0], case .int(let line)? = m["line"], case .int(let column)? = m["column"] {
        workflow.declaredAt = "\(file):\(line):\(column)"
      }
      // The same workflow declared again by the same file replaces it (the file was loaded
      // again, in the REPL); any other workflow for the same kind is an error, so the REPL and
      // `peer batch` can never run different rules depending on which file loaded last.
      if let earlier = bridge.workflows[workflow.kind],
        earlier.name != workflow.name || !earlier.declaredAt.hasPrefix(file + ":")
      {
        throw RuntimeError.declaration(
          "workflow \(workflow.name) is a second workflow for \(workflow.kind.plural): workflow \(earlier.name) at \(earlier.declaredAt) already gives their steps",
          at: args[0],
          hint:
            "a kind of record has one workflow: merge the two into one, or declare this one for another kind (of match, of volunteer)"
        )
      }
      bridge.workflows[workflow.kind] = workflow
      return .host(workflow)
    }

    for kind in [WorkItem.Kind.task, .flag] {
      let name = kind.rawValue
      interpreter.define(
        name, arity: 2...3,
        doc: kind == .task
          ? "task(record, title, due) - in an `every day` rule: a task about the record, due on a date (the day of the run if left out)"
          : "flag(record, text, since) - in an `every day` rule: a flag on the record (one open flag per rule and record)"
      ) { args in
        guard let run = bridge.ruleRun else {
          throw RuntimeError(
            "\(name)(...) only works inside an `every day` rule of a workflow",
            hint: "the rules run with run_rules() or peer batch")
        }
        let code: String
        switch args[0] {
        case .record(let r) where bridge.kind(of: r) != nil: code = r.values[0].textValue ?? ""
        case .string(let s): code = try bridge.record(code: s.value).recordCode ?? s.value
        default: throw args.typeError(0, expected: "a record (like M-0042)")
        }
        let due: Int32? = args.count > 2 && !args[2].isNull ? try args.date(2) : nil
        try run.add(kind, record: code, title: try args.string(1), due: due)
        return .null
      }
    }

    interpreter.define(
      "done", arity: 1...1, doc: "done(task) - marks a task (or flag) done: done(tasks[0]) or done(12)"
    ) { args in
      let id: Int64
      switch args[0] {
      case .int(let n): id = Int64(n)
      case .map(let m): id = Int64(m["id"]?.intValue ?? -1)
      default: throw args.typeError(0, expected: "a task or its number")
      }
      guard let store = try bridge.writer() as? any WorkItemStore, let item = try store.item(id: id) else {
        throw RuntimeError("there is no task number \(id)", hint: "the open ones are in `tasks` and `flags`")
      }
      guard item.isOpen else {
        throw RuntimeError("task \(id) is already closed (\(item.closedHow ?? "done"))")
      }
      try store.close(id: id, on: today(), how: "done")
      return .null
    }

    interpreter.define(
      "run_rules", arity: 0...0,
      doc: "run_rules() - runs every workflow's daily rules for today; returns what they did"
    ) { _ in
      let summary = try runRules(bridge: bridge, interpreter: interpreter, day: today()) { event in
        bridge.ruleReport?(event)
      }
      let m = MapObject()
      m["tasks"] = .int(summary.tasks)
      m["flags"] = .int(summary.flags)
      m["resolved"] = .int(summary.resolved)
      m["unchanged"] = .int(summary.unchanged)
      return .map(m)
    }

    for selection in [WorkItemList.Selection.tasks, .flags, .overdue] {
      interpreter.define(
        selection.rawValue, value: .host(WorkItemList(selection, bridge: bridge, today: today)),
        doc: selection == .overdue
          ? "overdue - the open tasks whose due date has passed"
          : "\(selection.rawValue) - the open \(selection.rawValue) the daily rules made, by due date")
    }
  }

  /// Runs every rule of every workflow for `day` in the current transaction. A rule that fails
  /// is reported and stops the run: the caller's transaction then keeps nothing.
  static func runRules(
    bridge: RecordBridge, interpreter: Interpreter, day: Int32, report: @escaping (RuleEvent) -> Void
  ) throws -> RuleSummary {
    guard let store = try bridge.writer() as? any WorkItemStore else {
      throw RuntimeError("this store cannot keep tasks")
    }
    let run = RuleRun(day: day, store: store, report: report)
    bridge.ruleRun = run
    defer { bridge.ruleRun = nil }
    for kind in [RecordKind.mother, .match, .volunteer] {
      for rule in bridge.workflows[kind]?.rules ?? [] {
        try run.start(rule)
        do {
          _ = try interpreter.vm.call(rule.action, [])
        } catch {
          run.summary.errors += 1
          report(.failed(rule: rule.name, message: "\(error)"))
          throw error
        }
        try run.finish()
      }
    }
    return run.summary
  }
}

extension Value {
  fileprivate var intValue: Int? {
    if case .int(let n) = self { return n }
    return nil
  }
  fileprivate var recordCode: String? {
    if case .record(let r) = self { return r.values[0].textValue }
    return nil
  }
}

extension Session {
  /// How many tasks are open (and of those, overdue) and how many flags: what a coordinator
  /// wants to know when she starts the day.
  public func openWork() throws -> (tasks: Int, overdue: Int, flags: Int) {
    guard let bridge else { return (0, 0, 0) }
    let day = interpreter.today.days
    return try bridge.inTransaction {
      guard let store = try bridge.writer() as? any WorkItemStore else { return (0, 0, 0) }
      var counts = (tasks: 0, overdue: 0, flags: 0)
      for item in try store.openItems(rule: nil) {
        if item.kind == .flag {
          counts.flags += 1
        } else {
          counts.tasks += 1
          if item.due < day { counts.overdue += 1 }
        }
      }
      return counts
    }
  }

  /// For each workflow, the statuses its records hold that it no longer has, with how many
  /// records hold each: kept as they are, reported so a coordinator can move them on.
  public func strayStatuses() throws -> [(workflow: String, kind: String, status: String, count: Int)] {
    guard let bridge else { return [] }
    return try bridge.inTransaction {
      guard let store = try bridge.writer() as? any WorkItemStore else { return [] }
      var found: [(String, String, String, Int)] = []
      for kind in [RecordKind.mother, .match, .volunteer] {
        guard let workflow = bridge.workflows[kind] else { continue }
        for (status, n) in try store.statusCounts(kind).sorted(by: { $0.key < $1.key })
        where !workflow.statuses.contains(status) {
          found.append((workflow.name, n == 1 ? kind.rawValue : kind.plural, status, n))
        }
      }
      return found
    }
  }

  /// Runs the daily rules as on `day` (today unless replaying) in one transaction, after `job`
  /// (a batch file's own statements): all they create and close is kept, or, if anything fails
  /// or `dryRun` is set, nothing.
  public func runRules(
    on day: CivilDate, dryRun: Bool, job: (() throws -> Void)? = nil, report: @escaping (RuleEvent) -> Void
  ) throws -> RuleSummary {
    guard let bridge else { throw RuntimeError("the daily rules need a project") }
    var summary = RuleSummary()
    bridge.ruleReport = report
    defer { bridge.ruleReport = nil }
    do {
      try bridge.inTransaction {
        try job?()
        summary = try Workflows.runRules(
          bridge: bridge, interpreter: interpreter, day: day.days, report: report)
        if dryRun { throw RollBack() }
      }
    } catch is RollBack {}
    return summary
  }
}
