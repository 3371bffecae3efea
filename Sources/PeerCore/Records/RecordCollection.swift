import PeerScript
import PeerStore

/// `mothers`, `visits`...: the records of a kind, as a sequence for loops and pipelines.
/// A simple `where` on it becomes a narrower collection whose condition the store runs
/// (Pushdown/PushedFilter.swift), and a `group` with aggregates one GROUP BY in the database
/// (Pushdown/StoreGrouping.swift, on a server) or one scan of the store
/// (Pushdown/AggregateScan.swift); nothing is loaded until the items are used.
final class RecordCollection: HostObject {
  let kind: RecordKind
  unowned let bridge: RecordBridge
  /// The `where` stages taken so far, run by the store; nil for every record.
  let condition: RecordCondition?

  init(kind: RecordKind, bridge: RecordBridge, condition: RecordCondition? = nil) {
    self.kind = kind
    self.bridge = bridge
    self.condition = condition
  }

  override var typeName: String { kind.plural }

  /// The condition the store runs: the `where` stages taken so far, and outside a report run,
  /// leaving out the records whose processing is restricted.
  func storeCondition() throws -> RecordCondition? {
    guard let leftOut = try bridge.restrictionCondition(kind) else { return condition }
    return condition.map { .and($0, leftOut) } ?? leftOut
  }

  override var description: String {
    // A description cannot throw; a store that cannot count says so instead of hiding it.
    do {
      if let n = try count() { return "<\(n) \(kind.plural)>" }
      return "<\(kind.plural)>"
    } catch {
      return "<\(kind.plural): cannot count: \(error)>"
    }
  }

  override func items() throws -> ContiguousArray<Value>? {
    var out = ContiguousArray<Value>()
    try bridge.writer().scan(
      kind, where: try storeCondition(), columns: RecordBridge.recordColumns(kind), inIDOrder: true
    ) { row in
      out.append(try bridge.value(row: row, kind: kind))
    }
    return out
  }

  override func count() throws -> Int? {
    let store = try bridge.writer()
    return try storeCondition().map { try store.count(kind, where: $0) } ?? store.count(kind)
  }

  override func filtered(by shape: ItemCondition, constants: ContiguousArray<Value>) throws -> Value? {
    guard bridge.pushdown, let c = PushedFilter.condition(shape, constants: constants, kind: kind) else {
      return nil
    }
    bridge.pushedFilters += 1
    return .host(RecordCollection(kind: kind, bridge: bridge, condition: condition.map { .and($0, c) } ?? c))
  }

  override func aggregate(_ request: AggregateRequest) throws -> AggregateAnswer? {
    guard bridge.pushdown else { return nil }
    let store = try bridge.writer()
    if let grouped = try StoreGrouping.run(request, on: kind, where: try storeCondition(), store: store) {
      bridge.pushedAggregates += 1
      bridge.groupedInDatabase += 1
      return grouped
    }
    let answer = try AggregateScan.run(request, on: kind, where: try storeCondition(), store: store)
    if answer != nil { bridge.pushedAggregates += 1 }
    return answer
  }

  /// A field with a fixed set of values (a status, a visit's kind): a `where` comparing it with
  /// another text is a typo. A status follows the project's workflow, and keeps the standard
  /// statuses too (records from before the workflow may still hold them).
  /// Fields the store does not restrict give open lists, taken only as a hint against typos:
  /// a visit's support elements, and a form's written-out choices.
  override func allowedValues(of path: [String]) -> AllowedValues? {
    guard path.count == 1 else { return nil }
    let name = path[0]
    let spoken = String(name.map { $0 == "_" ? " " : $0 })
    guard let spec = kind.field(name), !spec.choices.isEmpty else {
      if kind == .visit, name == "support" {
        return AllowedValues(values: RecordKind.supportElements, noun: "support element", closed: false)
      }
      guard let (form, values) = bridge.formChoices[kind]?[name] else { return nil }
      return AllowedValues(values: values, noun: "choice for \(spoken) on the \(form) form", closed: false)
    }
    var values = spec.choices
    if spec.name == "status", let workflow = bridge.workflows[kind] {
      values = workflow.statuses + values.filter { !workflow.statuses.contains($0) }
    }
    return AllowedValues(values: values, noun: "\(kind.rawValue) \(spoken)")
  }

  override func field(_ name: String) throws -> Value? {
    switch name {
    case "count": return .int(try count() ?? 0)
    case "kind": return .text(kind.rawValue)
    case "fields": return .list(kind.fields.map { Value.text($0.name) })
    default: return nil
    }
  }

  override var fieldNames: [String] { ["count", "kind", "fields"] }
}
