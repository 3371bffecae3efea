import PeerScript
import PeerStore

/// `every day "first contact" { ... }` in a workflow: a block run once per day (by `peer batch`
/// or `run_rules()`) that calls `task(...)` and `flag(...)` for the records needing attention.
struct ScheduledRule {
  var name: String
  var workflow: String
  var action: Value
}

/// What a run of the rules did, one event at a time (the batch log has one line per event).
public enum RuleEvent {
  case created(WorkItem)
  /// An open item its rule no longer produced: its condition stopped holding.
  case resolved(WorkItem)
  case failed(rule: String, message: String)
}

public struct RuleSummary: Equatable {
  public var rules = 0
  public var tasks = 0
  public var flags = 0
  public var resolved = 0
  /// Items that were already open and still hold.
  public var unchanged = 0
  public var errors = 0
  public init() {}
}

/// One day's run of every scheduled rule, in the current transaction. `task` and `flag` record
/// what each rule finds; an item is identified by rule, record and due date, so running the
/// same day twice creates nothing twice, and an open item of the rule that was not found again
/// is closed as resolved.
final class RuleRun {
  let day: Int32
  let store: any WorkItemStore
  let report: (RuleEvent) -> Void
  var summary = RuleSummary()
  /// The rule running now, its open items by record, and the ids it found again.
  var rule = ""
  var open: [String: [WorkItem]] = [:]
  var seen: Set<Int64> = []

  init(day: Int32, store: any WorkItemStore, report: @escaping (RuleEvent) -> Void) {
    self.day = day
    self.store = store
    self.report = report
  }

  /// A run as of day D sees only the items that existed on D: replaying an earlier day
  /// (`--as-of`) never closes, counts or changes an item made on a later day.
  func start(_ rule: ScheduledRule) throws {
    self.rule = rule.name
    open = Dictionary(
      grouping: try store.openItems(rule: rule.name).filter { $0.createdOn <= day }, by: \.record)
    seen = []
  }

  /// A task or flag found by the current rule. Without a due date, it is due the day of the run
  /// and stays one item while it is open (a flag that holds day after day is one flag).
  func add(_ kind: WorkItem.Kind, record: String, title: String, due: Int32?) throws {
    let existing = open[record]?.first { due == nil ? $0.kind == kind : $0.due == due }
    if let existing {
      seen.insert(existing.id)
      summary.unchanged += 1
      return
    }
    let due = due ?? day
    // Done (or resolved) already for this occurrence: a coordinator's "done" stays done.
    if try store.item(rule: rule, record: record, due: due) != nil { return }
    var item = WorkItem(kind: kind, rule: rule, record: record, title: title, due: due, createdOn: day)
    item.id = try store.insert(item)
    seen.insert(item.id)
    open[record, default: []].append(item)
    if kind == .task { summary.tasks += 1 } else { summary.flags += 1 }
    report(.created(item))
  }

  /// Closes the current rule's open tasks it did not find again. A flag is a concern (a
  /// safeguarding worry, no contact for weeks): only a person closes it, with `done`, never a
  /// rule whose window moved on.
  func finish() throws {
    for items in open.values {
      for var item in items where !seen.contains(item.id) && item.kind == .task {
        try store.close(id: item.id, on: day, how: "resolved")
        item.closedOn = day
        item.closedHow = "resolved"
        summary.resolved += 1
        report(.resolved(item))
      }
    }
    summary.rules += 1
  }
}
