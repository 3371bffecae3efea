import PeerCalendar
import PeerScript
import PeerStore

/// What applying the retention schedule did (or, in a dry run, would do) with one thing due.
public struct RetentionEvent: Sendable {
  /// `M-0042`, or `task 12`.
  public var record: String
  /// "erase", "anonymise", "clear notes", "delete".
  public var action: String
  /// The schedule's line and the dates: "due on 2032-03-02, counted from 2026-03-02, by ...".
  public var why: String
  /// Whether the change was made and kept (false in a dry run).
  public var kept: Bool
  /// Why it could not be done (the record's step was undone; the others went ahead).
  public var error: String?
}

public struct RetentionSummary: Equatable, Sendable {
  /// Whether the project declares a schedule at all.
  public var declared = false
  public var due = 0
  public var done = 0
  public var errors = 0
  /// Why nothing was applied: the person the job runs as may not erase records.
  public var refused: String?
  public init() {}
}

/// Applies what the project's retention schedule makes due on a day: each record's step in its
/// own transaction (all or nothing for that record; one that fails leaves the others done), then
/// the database's space reclaimed, so what went cannot be read from its files. Running it twice
/// on one day changes nothing the second time: what was erased is gone, what was anonymised is
/// skipped, a cleared field holds nothing.
enum RetentionApply {
  /// How many steps one transaction takes at most, and for how long it goes on taking more.
  static let chunkSize = 500
  static let moment = Swift.Duration.milliseconds(200)

  static func event(_ step: RetentionDue, kept: Bool) -> RetentionEvent {
    RetentionEvent(record: step.subject, action: step.actionName, why: step.why, kept: kept)
  }

  static func run(
    bridge: RecordBridge, vm: VM, day: Int32, dryRun: Bool, report: (RetentionEvent) -> Void
  ) throws -> RetentionSummary {
    var summary = RetentionSummary()
    guard bridge.retention != nil else { return summary }
    summary.declared = true
    // Working out what is due reads every record the schedule names: in a transaction that
    // only reads, so that coordinators at work never wait for it.
    let kind = bridge.transactions
    bridge.transactions = .readingOnly
    let listed = Result { try Retention.dueList(bridge: bridge, vm: vm, day: day) }
    bridge.transactions = kind
    let due = try listed.get()
    summary.due = due.count
    if !due.isEmpty && !dryRun {
      // A person who may not erase (a site coordinator running the rules for her sites) leaves
      // retention to the project's nightly job, whose role may: said, not failed.
      do { try bridge.permit(.erase) } catch {
        summary.refused = "\(error)"
        return summary
      }
    }
    if dryRun {
      for step in due { report(event(step, kept: false)) }
      return summary
    }
    // Steps go several to a transaction (one each would cost a disk flush per visit whose
    // notes go), but no transaction takes longer than a moment, since others wait for it to
    // write. A transaction that fails is done again one step at a time, so a record whose
    // step fails is left as it was and the others are still done.
    let clock = ContinuousClock()
    var start = 0
    while start < due.count {
      var end = start
      do {
        try bridge.inTransaction {
          let began = clock.now
          while end < due.count, end - start < chunkSize, end == start || clock.now - began < moment {
            try apply(due[end], bridge: bridge)
            end += 1
          }
          // The space is reclaimed once, after the last transaction, not after each.
          bridge.erasedSomething = false
        }
        for step in due[start..<end] { report(event(step, kept: true)) }
        summary.done += end - start
        start = end
        continue
      } catch {}
      // `end` is the step that failed: those before it, and it, one at a time.
      for step in due[start...min(end, due.count - 1)] {
        do {
          try bridge.inTransaction {
            try apply(step, bridge: bridge)
            bridge.erasedSomething = false
          }
          report(event(step, kept: true))
          summary.done += 1
        } catch {
          var failed = event(step, kept: false)
          failed.error = "\(step.subject): \(error)"
          report(failed)
          summary.errors += 1
        }
      }
      start = end + 1
    }
    if summary.done > 0 { try bridge.store.reclaimErasedSpace() }
    return summary
  }

  /// One step, in the current transaction. A step whose work is already done does nothing.
  static func apply(_ due: RetentionDue, bridge: RecordBridge) throws {
    let writer = try bridge.writer()
    let reason = "retention schedule: \(due.summary) (\(due.place))"
    switch due.step {
    case .erase(let kind, let id):
      guard try writer.get(kind, id: id) != nil else { return }
      _ = try bridge.erase(kind, id: id, reason: reason)
    case .anonymise(let kind, let id):
      // The due list leaves out what is anonymised already.
      guard try writer.get(kind, id: id) != nil else { return }
      _ = try bridge.anonymise(kind, id: id, reason: reason)
    case .clearField(let kind, let id, let field):
      try bridge.clearField(kind, id: id, field: field, reason: reason)
    case .deleteItem(let id):
      guard let items = writer as? any WorkItemStore, try items.item(id: id) != nil else { return }
      try bridge.deleteWorkItem(id: id)
    }
  }
}

extension Session {
  /// Applies the project's retention schedule as on `day` (see `RetentionApply`), telling
  /// `report` about each thing due. In a dry run nothing is changed.
  public func applyRetention(
    on day: CivilDate, dryRun: Bool, report: (RetentionEvent) -> Void
  ) throws -> RetentionSummary {
    guard let bridge else { return RetentionSummary() }
    return try RetentionApply.run(
      bridge: bridge, vm: interpreter.vm, day: day.days, dryRun: dryRun, report: report)
  }
}
