/// `xs | group .key | count, avg(.x)` over a list of maps in one pass, without the groups'
/// member lists: as fast as a hand-written loop with a map of running totals.
///
/// `|group` makes one when an aggregate follows, the key is a field path and every item's key
/// could be read straight from the maps (`Stages.read`: no function called, nothing that can
/// fail). The value goes straight into the next stage (the compiler passes it from one stage to
/// the next; no script sees it): `|first` and `|last` take its rows, and in `|aggregate` each
/// aggregate is fed item by item; if an expression
/// is not a field path readable on every item, or an aggregate fails, it gives up before
/// calling anything and the groups are made as `group` makes them, so every answer and every
/// error (and where it is reported) stays what the stages give.
final class ListGrouping: HostObject {
  let list: ContiguousArray<Value>
  let keyName: String
  /// The keys in the order their first item comes, and each item's group.
  let keys: ContiguousArray<Value>
  let groupOf: [Int32]

  init(items: ContiguousArray<Value>, keyName: String, keys: ContiguousArray<Value>, groupOf: [Int32]) {
    self.list = items
    self.keyName = keyName
    self.keys = keys
    self.groupOf = groupOf
  }

  override var typeName: String { "groups" }

  /// For `group .k | first` and `| last` (stages that take items, not aggregates): the groups
  /// as rows, as they are for the groups `group` makes.
  override func items() throws -> ContiguousArray<Value>? { Stages.groupRows(groups()) }

  /// The grouping of `items` by the field path `keyPath`, or nil when an item's key cannot be
  /// read from maps alone.
  static func make(_ items: ContiguousArray<Value>, keyName: String, keyPath: [Value]) -> ListGrouping? {
    var index: [Value: Int] = [:]
    var keys = ContiguousArray<Value>()
    var groupOf: [Int32] = []
    groupOf.reserveCapacity(items.count)
    for x in items {
      guard let key = Stages.read(x, keyPath) else { return nil }
      if let i = index[key] {
        groupOf.append(Int32(truncatingIfNeeded: i))
      } else {
        guard keys.count < Int(Int32.max) else { return nil }
        index[key] = keys.count
        groupOf.append(Int32(truncatingIfNeeded: keys.count))
        keys.append(key)
      }
    }
    return ListGrouping(items: items, keyName: keyName, keys: keys, groupOf: groupOf)
  }

  /// The groups as `group` makes them.
  func groups() -> GroupsObject {
    var members = ContiguousArray(repeating: ContiguousArray<Value>(), count: keys.count)
    for (x, g) in zip(list, groupOf) { members[Int(g)].append(x) }
    return GroupsObject(keyName: keyName, keys: keys, members: members)
  }

  /// The table of the aggregates, one row per group; nil when an expression (with no field
  /// path, `paths[j]` nil) or an item needs a function called, or an aggregate fails.
  func aggregate(
    kinds: [AggregateKind], fns: ContiguousArray<Value>, labels: ContiguousArray<Value>, paths: [[Value]?]
  )
    throws -> Value?
  {
    let k = kinds.count
    for j in 0..<k where !fns[j].isNull && paths[j] == nil { return nil }
    var totals = [Aggregation]()
    totals.reserveCapacity(keys.count * k)
    for _ in keys.indices {
      for j in 0..<k { totals.append(Aggregation(kinds[j], countsEveryItem: fns[j].isNull)) }
    }
    var counts = [Int](repeating: 0, count: keys.count)
    do {
      for (x, g32) in zip(list, groupOf) {
        let g = Int(g32)
        counts[g] += 1
        for j in 0..<k where kinds[j] != .share {
          let v: Value
          if let path = paths[j] {
            guard let read = Stages.read(x, path) else { return nil }
            v = read
          } else {
            v = x
          }
          try totals[g * k + j].add(v)
        }
      }
    } catch {
      return nil
    }
    var rows = ContiguousArray<Value>()
    rows.reserveCapacity(keys.count)
    for (g, key) in keys.enumerated() {
      let m = MapObject()
      m.entries[.text(keyName)] = key
      for j in 0..<k {
        if kinds[j] == .share {
          m.entries[labels[j]] = Stages.share(counts[g], of: list.count)
        } else {
          guard let result = try? totals[g * k + j].result() else { return nil }
          m.entries[labels[j]] = result
        }
      }
      rows.append(.map(m))
    }
    return .list(ListObject(rows))
  }
}
