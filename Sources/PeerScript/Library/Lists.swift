/// Lists and maps.
extension Library {
  func registerLists() {
    // `a & b`: the items of a also in b, each once, in a's order. A list field left empty (nil)
    // has no items, so `m.vulnerabilities & v.experiences` works for a mother with none.
    `internal`("|both", 2) { args in
      func items(_ i: Int) throws -> ContiguousArray<Value> {
        switch args[i] {
        case .null: return []
        case .list(let l): return l.items
        case .range: return try Library.materialize(args[i], vm: args.vm)
        default:
          throw RuntimeError(
            "\"&\" keeps the items of one list also in another, but the \(i == 0 ? "left" : "right") side is \(args[i].kindAndValue)",
            hint: "write it between two lists: [\"a\", \"b\"] & [\"b\", \"c\"] is [\"b\"]")
        }
      }
      let first = try items(0)
      let second = Set(try items(1))
      var seen = Set<Value>()
      var out = ContiguousArray<Value>()
      for x in first where second.contains(x) && seen.insert(x).inserted { out.append(x) }
      return .list(ListObject(out))
    }
    define("push", 2, "push(list, x) - add x at the end of the list (also list.push(x))") { args in
      let l = try args.list(0)
      if l.items.count & 0xFFFF == 0xFFFF { try args.vm.checkMemory(adding: l.items.count * 16) }
      l.items.append(args[1])
      return args[0]
    }
    define("pop", 1, "pop(list) - remove and return the last item") { args in
      let l = try args.list(0)
      guard let last = l.items.popLast() else { throw RuntimeError("pop from an empty list") }
      return last
    }
    define("insert", 3, "insert(list, i, x) - put x at position i") { args in
      let l = try args.list(0)
      var i = try args.int(1)
      if i < 0 { i += l.items.count }
      guard i >= 0, i <= l.items.count else {
        throw RuntimeError("insert position \(i) is outside the list of \(l.items.count) items")
      }
      l.items.insert(args[2], at: i)
      return args[0]
    }
    define(
      "remove", 2,
      "remove(list, i) - remove and return the item at position i; remove(map, key) removes a key"
    ) { args in
      if case .map(let m) = args[0] { return m.entries.removeValue(forKey: args[1]) ?? .null }
      let l = try args.list(0)
      let i = try Operations.listIndex(args[1], count: l.items.count, what: "list")
      return l.items.remove(at: i)
    }
    define(
      "list", 1, "list(x) - a new list of the items of x (a list, range, map's keys or text's characters)"
    ) { args in
      switch args[0] {
      case .map(let m): return .list(Array(m.entries.keys))
      case .string(let s):
        try args.vm.charge(Library.bytes(ofPieces: s.value.utf8.count, text: s.value.utf8.count))
        return .list(s.value.map { Value.text(String($0)) })
      default: return .list(ListObject(try Library.materialize(args[0], vm: args.vm)))
      }
    }
    define("repeat", 2, "repeat(x, n) - a list of n copies of x") { args in
      let n = try args.int(1)
      guard n >= 0 else { throw RuntimeError("repeat needs a count of 0 or more, got \(n)") }
      try args.vm.charge(VM.bytes(ofValues: n))
      return .list(ListObject(ContiguousArray(repeating: args[0], count: n)))
    }
    define("map", 2, "map(list, f) - a new list of f(x) for each item") { args in
      let f = try args.function(1)
      var out = ContiguousArray<Value>()
      let items = try Library.materialize(args[0], vm: args.vm)
      try args.vm.charge(VM.bytes(ofValues: items.count))
      out.reserveCapacity(items.count)
      for x in items { out.append(try args.call(f, x)) }
      return .list(ListObject(out))
    }
    define("filter", 2, "filter(list, f) - the items for which f(x) is true") { args in
      let f = try args.function(1)
      var out = ContiguousArray<Value>()
      for x in try Library.materialize(args[0], vm: args.vm) where try args.call(f, x).isTruthy {
        out.append(x)
      }
      return .list(ListObject(out))
    }
    define("reduce", 3, "reduce(list, start, f) - combine the items: f(f(start, x1), x2)...") { args in
      let f = try args.function(2)
      var acc = args[1]
      for x in try Library.materialize(args[0], vm: args.vm) { acc = try args.call(f, acc, x) }
      return acc
    }
    define("sorted", 1...2, "sorted(list) - a sorted copy; sorted(list, f) sorts by f(x)") { args in
      let items = try Library.materialize(args[0], vm: args.vm)
      // The keys, the order and the sorted copy.
      try args.vm.charge(VM.bytes(ofValues: 3 * items.count))
      let keys = try args.count == 2 ? items.map { try args.call(args[1], $0) } : Array(items)
      var failure: RuntimeError?
      let order = keys.indices.sorted { l, r in
        guard let c = Value.compare(keys[l], keys[r]) else {
          failure = failure ?? RuntimeError("sorted cannot order \(keys[l].typeName) and \(keys[r].typeName)")
          return false
        }
        return c == .less || (c == .same && l < r)
      }
      if let failure { throw failure }
      return .list(ListObject(ContiguousArray(order.map { items[$0] })))
    }
    define("reverse", 1, "reverse(list) - a reversed copy (text too)") { args in
      if case .string(let s) = args[0] { return .text(String(s.value.reversed())) }
      return .list(ListObject(ContiguousArray(try Library.materialize(args[0], vm: args.vm).reversed())))
    }
    define("contains", 2, "contains(x, item) - whether a list, map (key) or text contains the item") { args in
      .bool(try Operations.contains(args[0], args[1]))
    }
    define("index_of", 2, "index_of(list, x) - the position of x in the list, or nil") { args in
      if let i = try args.list(0).items.firstIndex(of: args[1]) { return .int(i) }
      return .null
    }
    define("slice", 2...3, "slice(list, from, to) - the items from position from up to (not including) to") {
      args in
      let all: [Value] = try {
        if case .string(let s) = args[0] { return s.value.map { Value.text(String($0)) } }
        return try Array(Library.materialize(args[0], vm: args.vm))
      }()
      var lo = try args.int(1)
      var hi = args.count == 3 ? try args.int(2) : all.count
      if lo < 0 { lo += all.count }
      if hi < 0 { hi += all.count }
      lo = max(0, min(lo, all.count))
      hi = max(lo, min(hi, all.count))
      if case .string = args[0] { return .text(all[lo..<hi].map { $0.description }.joined()) }
      return .list(Array(all[lo..<hi]))
    }
    define("sum", 1, "sum(list) - the total of the numbers (or durations) in the list") { args in
      try Library.sum(try Library.materialize(args[0], vm: args.vm), what: "sum")
    }
    define("keys", 1, "keys(map) - the keys, in insertion order") { args in
      .list(Array(try args.map(0).entries.keys))
    }
    define("values", 1, "values(map) - the values, in insertion order") { args in
      .list(Array(try args.map(0).entries.values))
    }
    define("get", 2...3, "get(map, key, default) - the value for key, or default (nil) when absent") { args in
      if case .record(let r) = args[0], case .string(let s) = args[1] { return r[s.value] ?? args[2] }
      return try args.map(0).entries[args[1]] ?? args[2]
    }
    define("has", 2, "has(map, key) - whether the map has the key (or the record the field)") { args in
      .bool(try Operations.contains(args[0], args[1]))
    }
  }
}
