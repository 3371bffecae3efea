/// The pipeline stages (`xs | where ... | sort ... | count`). The compiler turns each stage
/// into a call of one of these with the per-item expressions as functions of `it`.
/// They work on lists, and on a host's collections (stored records), which may do a `where`
/// or a `group ... | aggregates` themselves (HostObject.filtered, HostObject.aggregate).
enum Stages {
  static func items(_ v: Value, _ stage: String) throws -> ContiguousArray<Value> {
    switch v {
    case .list(let l): return l.items
    case .groups(let g): return groupRows(g)
    case .host(let h):
      if let items = try h.items() { return items }
      throw RuntimeError("\"\(stage)\" works on a list, got \(v.typeName)")
    case .range: return try Library.materialize(v)
    case .map(let m):
      return ContiguousArray(
        m.entries.map { k, v in
          Value.map(MapObject(["key": k, "value": v].reduce(into: [:]) { $0[.text($1.key)] = $1.value }))
        })
    case .null:
      throw RuntimeError(
        "\"\(stage)\" got nil instead of a list", hint: "the input of the pipeline is missing")
    default:
      throw RuntimeError("\"\(stage)\" works on a list, got \(v.kindAndValue)")
    }
  }

  /// The items of a stage's input; a range's numbers are worked out as they are reached.
  static func stageItems(_ v: Value, _ stage: String) throws -> StageItems {
    if case .range(let r) = v, let numbers = try Library.wholeNumbers(of: r) { return StageItems(numbers) }
    return StageItems(try items(v, stage))
  }

  /// Each group as a map: the key under its name, and the items.
  static func groupRows(_ g: GroupsObject) -> ContiguousArray<Value> {
    var rows = ContiguousArray<Value>()
    for (key, members) in zip(g.keys, g.members) {
      let m = MapObject()
      m.entries[.text(g.keyName)] = key
      m.entries[.text("items")] = .list(ListObject(members))
      rows.append(.map(m))
    }
    return rows
  }

  /// Each stage: the name the compiler calls (`|where`), how many arguments it takes, and
  /// its function.
  static var table: [(name: String, arity: ClosedRange<Int>, run: (Arguments) throws -> Value)] {
    [
      ("|where", 2...4, whereStage),
      ("|map", 2...4, mapStage),
      ("|each", 2...2, eachStage),
      ("|take", 2...2, takeStage),
      ("|skip", 2...2, skipStage),
      ("|first", 1...2, firstStage),
      ("|last", 1...2, lastStage),
      ("|distinct", 2...2, distinctStage),
      ("|group", 3...7, groupStage),
      ("|sort", 3...3, sortStage),
      ("|aggregate", 4...6, aggregateStage),
    ]
  }

  static func register(in lib: Library) {
    for stage in table { lib.internal(stage.name, stage.arity, stage.run) }
  }

  /// `xs | where CONDITION`. Arguments: items, condition, and for a simple condition its query
  /// shape and constants (a host may filter itself).
  static func whereStage(_ args: Arguments) throws -> Value {
    let f = args[1]
    if args.count == 4, case .host(let h) = args[0],
      let condition = QueryShapeConstant<ItemCondition>.shape(of: args[2])
    {
      let constants = try args.list(3).items
      try AllowedValues.check(condition, constants, on: h)
      if let done = try h.filtered(by: condition, constants: constants) { return done }
    }
    var out = ContiguousArray<Value>()
    for x in try stageItems(args[0], "where") where try args.call(f, x).isTruthy { out.append(x) }
    return .list(ListObject(out))
  }

  /// `xs | map VALUE`: one value per item.
  static func mapStage(_ args: Arguments) throws -> Value {
    let f = args[1]
    // Followed by an aggregate, with a query shape for every entry: a host may work both out
    // itself (HostMap.swift). The compiler passes the shapes and their constants.
    if args.count == 4, case .host(let h) = args[0], !(h is PendingGroups),
      let entries = QueryShapeConstant<[MapEntryShape]>.shape(of: args[2])
    {
      return .host(
        PendingMap(source: h, function: f, entries: entries, constants: try args.list(3).items, vm: args.vm))
    }
    var out = ContiguousArray<Value>()
    let input = try stageItems(args[0], "map")
    out.reserveCapacity(input.count)
    for x in input { out.append(try args.call(f, x)) }
    return .list(ListObject(out))
  }

  /// `xs | each ACTION`: the action for each item; the items go on unchanged.
  static func eachStage(_ args: Arguments) throws -> Value {
    let f = args[1]
    for x in try stageItems(args[0], "each") { _ = try args.call(f, x) }
    return args[0]
  }

  /// `xs | take N`: the first N items.
  static func takeStage(_ args: Arguments) throws -> Value {
    let n = try args.int(1)
    return .list(ListObject(ContiguousArray(try items(args[0], "take").prefix(max(0, n)))))
  }

  /// `xs | skip N`: all but the first N items.
  static func skipStage(_ args: Arguments) throws -> Value {
    let n = try args.int(1)
    return .list(ListObject(ContiguousArray(try items(args[0], "skip").dropFirst(max(0, n)))))
  }

  /// `xs | first` (the first item, or nil) and `xs | first N` (the first N).
  static func firstStage(_ args: Arguments) throws -> Value {
    let xs = try items(args[0], "first")
    if args.count == 2 { return .list(ListObject(ContiguousArray(xs.prefix(max(0, try args.int(1)))))) }
    return xs.first ?? .null
  }

  /// `xs | last` (the last item, or nil) and `xs | last N` (the last N).
  static func lastStage(_ args: Arguments) throws -> Value {
    let xs = try items(args[0], "last")
    if args.count == 2 { return .list(ListObject(ContiguousArray(xs.suffix(max(0, try args.int(1)))))) }
    return xs.last ?? .null
  }

  /// `xs | distinct [KEY]`: each item (or key) once, in order of first appearance.
  static func distinctStage(_ args: Arguments) throws -> Value {
    let f = args[1]
    var seen = Set<Value>()
    var out = ContiguousArray<Value>()
    for x in try stageItems(args[0], "distinct") {
      let key = f.isNull ? x : try args.call(f, x)
      if seen.insert(key).inserted { out.append(f.isNull ? x : key) }
    }
    return .list(ListObject(out))
  }

  /// `xs | group KEY`. Arguments: items, key function, key name, and for `group by` a yes flag and the
  /// optional `over` period (see PeriodGroups.swift). When an aggregate follows, the compiler
  /// also passes the flag, the period (or nil), the key's query shape and its constants: a
  /// host may then group itself (HostAggregation.swift).
  static func groupStage(_ args: Arguments) throws -> Value {
    // The mode: yes for `group by`, "each" for `group each`.
    let each = args.count > 3 && args[3] == .text("each")
    let byPeriod = args.count > 3 && !each && args[3].isTruthy
    let over = args.count > 4 && !args[4].isNull ? args[4] : nil
    if args.count == 7, case .host(let h) = args[0],
      let key = QueryShapeConstant<ItemValue>.shape(of: args[5])
    {
      return .host(
        PendingGroups(
          source: h, keyFunction: args[1], keyName: try args.string(2), byPeriod: byPeriod, each: each,
          over: over, keyShape: key, keyConstants: try args.list(6).items))
    }
    // A list's items: a key that is a field path is read straight from each map; with an
    // aggregate next, a plain grouping is left to it, to work out in one pass.
    let keyPath = args.count == 7 ? fieldPath(QueryShapeConstant<ItemValue>.shape(of: args[5])) : nil
    if let keyPath, !byPeriod, !each, case .list(let l) = args[0],
      let grouping = ListGrouping.make(l.items, keyName: try args.string(2), keyPath: keyPath)
    {
      return .host(grouping)
    }
    return try group(
      args[0], args[1], keyName: try args.string(2), byPeriod: byPeriod, each: each, over: over, args,
      keyPath: keyPath)
  }

  /// The keys of a per-item value that is a field path (`.kind`, `.mother.site`), for `read`.
  static func fieldPath(_ shape: ItemValue?) -> [Value]? {
    guard case .path(let names) = shape, !names.isEmpty else { return nil }
    return names.map { Value.text($0) }
  }

  /// The value of the field path `path` on `x`, read without calling the function it came
  /// from, when that gives exactly the function's answer: `x` and every value on the way is a
  /// map, whose missing fields are nil and whose reading never fails. Otherwise nil, and the
  /// function is called (records may have computed fields; anything else may be an error,
  /// reported where the function is).
  @inline(__always) static func read(_ x: Value, _ path: [Value]) -> Value? {
    var v = x
    for key in path {
      guard case .map(let m) = v else { return nil }
      v = m.entries[key] ?? .null
    }
    return v
  }

  /// `xs | sort KEY [desc], ...`: a stable sort on the keys, each worked out once per item.
  static func sortStage(_ args: Arguments) throws -> Value {
    let keyFns = try args.list(1).items
    let descending = try args.list(2).items.map { $0.isTruthy }
    let input = try items(args[0], "sort")
    // Every key is computed once, into one flat array (n rows of k keys); then a stable sort
    // of positions, which moves plain integers rather than values.
    let k = keyFns.count
    var keys = ContiguousArray<Value>()
    keys.reserveCapacity(input.count * k)
    for x in input {
      for f in keyFns { keys.append(try args.call(f, x)) }
    }
    var failure: RuntimeError?
    let order = keys.withUnsafeBufferPointer { flat in
      Array(0..<input.count).sorted { l, r in
        for j in 0..<k {
          let a = flat[l * k + j]
          let b = flat[r * k + j]
          guard let c = Value.compare(a, b) else {
            if failure == nil {
              failure = RuntimeError(
                "sort cannot order \(a.typeName) and \(b.typeName): \(a.shortDescription) and \(b.shortDescription)"
              )
            }
            return false
          }
          if c != .same { return descending[j] ? c == .greater : c == .less }
        }
        return l < r
      }
    }
    if let failure { throw failure }
    var out = ContiguousArray<Value>()
    out.reserveCapacity(input.count)
    for i in order { out.append(input[i]) }
    return .list(ListObject(out))
  }

  /// `xs | count, sum(...)` and the other aggregates. Arguments: items, names, functions (nil for
  /// none), column labels, and when the
  /// compiler could describe them, the functions' query shapes and their constants.
  static func aggregateStage(_ args: Arguments) throws -> Value {
    let kinds = try args.list(1).items.map { name in
      guard let kind = AggregateKind(rawValue: name.description) else {
        throw RuntimeError("unknown aggregate \(name.description)")
      }
      return kind
    }
    let fns = try args.list(2).items
    let labels = try args.list(3).items
    var input = args[0]
    // `collection | count`: the host may count without loading (a database's count(*)).
    if kinds == [.count], fns[0].isNull, case .host(let h) = input, !(h is PendingGroups),
      !(h is ListGrouping), let n = try h.count()
    {
      return .int(n)
    }
    // Expressions that are field paths are read from maps without calling them.
    var paths: [[Value]?] = Array(repeating: nil, count: kinds.count)
    if args.count == 6, let shapes = QueryShapeConstant<[ItemValue?]>.shape(of: args[4]),
      shapes.count == kinds.count
    {
      paths = shapes.map(fieldPath)
    }
    if case .host(let h) = input, let grouping = h as? ListGrouping {
      if let done = try grouping.aggregate(kinds: kinds, fns: fns, labels: labels, paths: paths) {
        return done
      }
      input = .groups(grouping.groups())
    }
    if case .host(let h) = input {
      if let done = try hostAggregate(h, kinds: kinds, fns: fns, labels: labels, args) { return done }
      if let pending = h as? PendingGroups { input = try pending.grouped(args) }
    }
    if case .groups(let g) = input {
      var rows = ContiguousArray<Value>()
      rows.reserveCapacity(g.keys.count)
      // `share`: each group's part of all the items, in per cent to one decimal place.
      let total = g.members.reduce(0) { $0 + $1.count }
      for (key, members) in zip(g.keys, g.members) {
        let m = MapObject()
        m.entries[.text(g.keyName)] = key
        for j in kinds.indices {
          if kinds[j] == .share {
            m.entries[labels[j]] = share(members.count, of: total)
            continue
          }
          m.entries[labels[j]] = try aggregate(kinds[j], fns[j], members, args, path: paths[j])
        }
        rows.append(.map(m))
      }
      return .list(ListObject(rows))
    }
    let xs = try stageItems(input, kinds[0].rawValue)
    if kinds.count == 1 { return try aggregate(kinds[0], fns[0], xs, args, path: paths[0]) }
    let m = MapObject()
    for j in kinds.indices {
      m.entries[labels[j]] = try aggregate(kinds[j], fns[j], xs, args, path: paths[j])
    }
    return .map(m)
  }

  /// A group's part of all the items, in per cent to one decimal place.
  static func share(_ count: Int, of total: Int) -> Value {
    let percent = total == 0 ? 0 : Double(count) * 100 / Double(total)
    return .float((percent * 10).rounded() / 10)
  }

  /// `xs | group f`: groups in the order their first item comes; for `group by`, with the
  /// empty periods filled in.
  static func group(
    _ input: Value, _ f: Value, keyName: String, byPeriod: Bool, each: Bool = false, over: Value?,
    _ args: Arguments, keyPath: [Value]? = nil
  ) throws -> Value {
    var index: [Value: Int] = [:]
    var keys = ContiguousArray<Value>()
    var members = ContiguousArray<ContiguousArray<Value>>()
    func add(_ x: Value, to key: Value) {
      if let i = index[key] {
        members[i].append(x)
      } else {
        index[key] = keys.count
        keys.append(key)
        members.append([x])
      }
    }
    for x in try stageItems(input, "group") {
      let key: Value
      if let keyPath, let v = read(x, keyPath) { key = v } else { key = try args.call(f, x) }
      guard each else {
        add(x, to: key)
        continue
      }
      // `group each .tags`: the item joins the group of each different element; an item
      // with no list (nil) joins none.
      switch key {
      case .null: continue
      case .list(let l):
        var seen = Set<Value>()
        for element in l.items where seen.insert(element).inserted { add(x, to: element) }
      default:
        throw RuntimeError(
          "group each needs a list for each item, got \(key.kindAndValue)",
          hint: "group each .vulnerabilities groups by every element of a list; for one value use group")
      }
    }
    let groups = GroupsObject(keyName: keyName, keys: keys, members: members)
    if byPeriod { return .groups(try fillPeriods(groups, over: over)) }
    return .groups(groups)
  }

  static func aggregate<Items: Collection<Value>>(
    _ kind: AggregateKind, _ f: Value, _ xs: Items, _ args: Arguments, path: [Value]? = nil
  ) throws -> Value {
    var a = Aggregation(kind, countsEveryItem: f.isNull)
    if f.isNull {
      // The items themselves: `count` counts them all.
      if kind == .count { return .int(xs.count) }
      for x in xs { try a.add(x) }
      return try a.result()
    }
    // Every value first, then the aggregate: an error in the expression comes before one in
    // the aggregate, whichever item it is on. So the aggregate's first error waits until every
    // value is worked out (no list of the values is made).
    var failure: Error?
    for x in xs {
      let v: Value
      if let path, let read = read(x, path) { v = read } else { v = try args.call(f, x) }
      if failure == nil {
        do { try a.add(v) } catch { failure = error }
      }
    }
    if let failure { throw failure }
    return try a.result()
  }
}
