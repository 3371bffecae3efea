import PeerScript
import PeerStore

/// `tasks`, `flags` and `overdue` in the REPL: the open items, read when shown, each a map
/// `{id, kind, record, title, due, rule}`, by due date.
final class WorkItemList: HostObject {
  enum Selection: String { case tasks, flags, overdue }
  let selection: Selection
  unowned let bridge: RecordBridge
  let today: () -> Int32

  init(_ selection: Selection, bridge: RecordBridge, today: @escaping () -> Int32) {
    self.selection = selection
    self.bridge = bridge
    self.today = today
  }

  override var typeName: String { selection.rawValue }

  override var description: String {
    let n: Int
    do { n = try selected().count } catch { return "<\(selection.rawValue): cannot count: \(error)>" }
    switch selection {
    case .tasks: return "<\(n) open task\(n == 1 ? "" : "s")>"
    case .flags: return "<\(n) open flag\(n == 1 ? "" : "s")>"
    case .overdue: return "<\(n) overdue task\(n == 1 ? "" : "s")>"
    }
  }

  func selected() throws -> [WorkItem] {
    guard let store = try bridge.writer() as? any WorkItemStore else { return [] }
    let open = try store.openItems(rule: nil)
    switch selection {
    case .tasks: return open.filter { $0.kind == .task }
    case .flags: return open.filter { $0.kind == .flag }
    case .overdue:
      let day = today()
      return open.filter { $0.kind == .task && $0.due < day }
    }
  }

  override func items() throws -> ContiguousArray<Value>? {
    ContiguousArray(try selected().map(Self.value))
  }

  override func count() throws -> Int? { try selected().count }

  override func field(_ name: String) throws -> Value? {
    name == "count" ? .int(try count() ?? 0) : nil
  }

  override var fieldNames: [String] { ["count"] }

  static func value(_ item: WorkItem) -> Value {
    let m = MapObject()
    m["id"] = .int(Int(item.id))
    m["kind"] = .text(item.kind.rawValue)
    m["record"] = .text(item.record)
    m["title"] = .text(item.title)
    m["due"] = .date(item.due)
    m["rule"] = .text(item.rule)
    if let c = item.closedOn { m["closed_on"] = .date(c) }
    if let h = item.closedHow { m["closed_how"] = .text(h) }
    return .map(m)
  }
}
