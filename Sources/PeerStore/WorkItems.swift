import PeerCalendar

/// A task (something a coordinator should do by a date) or a flag (something she should know
/// about a record), made by a project's scheduled rules. Dates are days since 1970-01-01.
///
/// A rule's run identifies an item by its rule, its record and its due date: running the rule
/// again on the same day (or replaying a day) finds it and creates nothing twice; a new
/// occurrence (a later visit moving a "no contact" due date) is a new item.
public struct WorkItem: Sendable, Equatable {
  public enum Kind: String, Sendable { case task, flag }

  public var id: Int64 = 0
  public var kind: Kind
  public var rule: String
  /// The record concerned, by its code (`M-0042`).
  public var record: String
  public var title: String
  public var due: Int32
  public var createdOn: Int32
  public var closedOn: Int32?
  /// "done" (a coordinator marked it) or "resolved" (its condition stopped holding).
  public var closedHow: String?

  public init(kind: Kind, rule: String, record: String, title: String, due: Int32, createdOn: Int32) {
    self.kind = kind
    self.rule = rule
    self.record = record
    self.title = title
    self.due = due
    self.createdOn = createdOn
  }

  public var isOpen: Bool { closedOn == nil }
}

/// Tasks and flags in a transaction. Every change is in the audit trail (kind "task").
public protocol WorkItemStore {
  /// Open items, all or those of one rule, by due date.
  func openItems(rule: String?) throws -> [WorkItem]
  /// The item of this rule, record and due date, open or closed.
  func item(rule: String, record: String, due: Int32) throws -> WorkItem?
  func item(id: Int64) throws -> WorkItem?
  /// Every closed item, oldest first: what a retention schedule may delete.
  func closedItems() throws -> [WorkItem]
  /// Every item, open or closed, about one of these records (by code), oldest first: all a
  /// subject access export must show of them.
  func items(about records: [String]) throws -> [WorkItem]
  func insert(_ item: WorkItem) throws -> Int64
  func close(id: Int64, on day: Int32, how: String) throws
  /// Removes an item (audited as "delete", with the item as it was): erasure, and retention.
  func delete(id: Int64) throws
  /// How many records of a kind have each status (to report those a workflow no longer has).
  func statusCounts(_ kind: RecordKind) throws -> [String: Int]
}

extension WorkItem {
  /// The item as one JSON object, as its audit entries keep it.
  package static func json(_ item: WorkItem) -> String {
    var fields: [String: FieldValue] = [
      "id": .int(Int(item.id)), "kind": .text(item.kind.rawValue), "rule": .text(item.rule),
      "record": .text(item.record), "title": .text(item.title), "due": .text(ISODate.text(item.due)),
      "created_on": .text(ISODate.text(item.createdOn)),
    ]
    if let c = item.closedOn { fields["closed_on"] = .text(ISODate.text(c)) }
    if let h = item.closedHow { fields["closed_how"] = .text(h) }
    return JSONText.encode(fields)
  }
}
