/// `group KEY | count, sum(...)` over a host's collection (stored records): the host may work
/// the whole thing out itself, reading only the fields it needs, instead of the VM building
/// every item and calling the key and aggregate functions on each. The compiler hands both
/// stages the query shapes of their functions (`ItemValue`); `|group` on a host then
/// only notes what was asked (PendingGroups), and `|aggregate` asks the host. If the host
/// refuses, the stages run as usual, so the answers are the same either way.
final class PendingGroups: HostObject {
  let source: HostObject
  let keyFunction: Value
  let keyName: String
  let byPeriod: Bool
  let each: Bool
  let over: Value?
  let keyShape: ItemValue
  let keyConstants: ContiguousArray<Value>

  init(
    source: HostObject, keyFunction: Value, keyName: String, byPeriod: Bool, each: Bool, over: Value?,
    keyShape: ItemValue, keyConstants: ContiguousArray<Value>
  ) {
    self.source = source
    self.keyFunction = keyFunction
    self.keyName = keyName
    self.byPeriod = byPeriod
    self.each = each
    self.over = over
    self.keyShape = keyShape
    self.keyConstants = keyConstants
  }

  override var typeName: String { "groups" }

  /// The groups as the VM makes them (when the host will not aggregate).
  func grouped(_ args: Arguments) throws -> Value {
    try Stages.group(
      .host(source), keyFunction, keyName: keyName, byPeriod: byPeriod, each: each, over: over, args)
  }
}

extension Stages {
  /// The aggregate stage's answer from the host, or nil when the host cannot give it (or the
  /// compiler could not describe an aggregate's expression).
  static func hostAggregate(
    _ host: HostObject, kinds: [AggregateKind], fns: ContiguousArray<Value>, labels: ContiguousArray<Value>,
    _ args: Arguments
  ) throws -> Value? {
    guard args.count == 6, let shapes = QueryShapeConstant<[ItemValue?]>.shape(of: args[4]) else {
      return nil
    }
    var aggregates: [(kind: AggregateKind, shape: ItemValue?)] = []
    for j in kinds.indices {
      if fns[j].isNull {
        aggregates.append((kinds[j], nil))
      } else {
        guard let shape = shapes[j] else { return nil }
        aggregates.append((kinds[j], shape))
      }
    }
    let constants = try args.list(5).items
    let pending = host as? PendingGroups
    var request = AggregateRequest(
      key: pending?.keyShape, keyEach: pending?.each ?? false, keyConstants: pending?.keyConstants ?? [],
      aggregates: aggregates, constants: constants)
    request.inlineFunctions()
    guard let answer = try (pending?.source ?? host).aggregate(request) else { return nil }
    func emptyValue(_ j: Int) throws -> Value {
      var a = Aggregation(kinds[j], countsEveryItem: fns[j].isNull)
      return try a.result()
    }
    guard let pending else {
      // One answer over every item, as `xs | sum(.minutes)` or `xs | count, avg(.x)` give it.
      guard answer.values.count == 1 else { return nil }
      if kinds.count == 1 { return answer.values[0][0] }
      let m = MapObject()
      for j in kinds.indices { m.entries[labels[j]] = answer.values[0][j] }
      return .map(m)
    }
    var keys = answer.keys
    if pending.byPeriod {
      // The periods in time order with the empty ones between, exactly as for a list.
      let members = ContiguousArray(repeating: ContiguousArray<Value>(), count: keys.count)
      keys = try fillPeriods(
        GroupsObject(keyName: pending.keyName, keys: keys, members: members), over: pending.over
      )
      .keys
    }
    // Periods were filled in between, so each key's answer is found by its value; otherwise
    // the keys are the answer's own, in its order (12,000 matches need no table of them).
    var index: [Value: Int] = [:]
    if pending.byPeriod {
      for (i, key) in answer.keys.enumerated() { index[key] = i }
    }
    let total = answer.counts.reduce(0, +)
    var rows = ContiguousArray<Value>()
    rows.reserveCapacity(keys.count)
    let keyName = Value.text(pending.keyName)
    for (place, key) in keys.enumerated() {
      let m = MapObject()
      m.entries[keyName] = key
      let i = pending.byPeriod ? index[key] : place
      for j in kinds.indices {
        if kinds[j] == .share {
          m.entries[labels[j]] = share(i.map { answer.counts[$0] } ?? 0, of: total)
        } else {
          m.entries[labels[j]] = try i.map { answer.values[$0][j] } ?? emptyValue(j)
        }
      }
      rows.append(.map(m))
    }
    return .list(ListObject(rows))
  }
}
