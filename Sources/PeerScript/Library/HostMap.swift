/// `stored | map {days: days_between(.a, .b)} | count, median .days`: a `map` whose entries all
/// have query shapes, followed by an aggregate (or a `group` and an aggregate), over a host's
/// collection. The compiler hands `|map` the entries' shapes (`MapEntryShape`); on a host it
/// then only notes what was asked (PendingMap), and the aggregate asks the host with each
/// `.days` replaced by the entry's own shape, so the host reads only the columns the entries
/// need. If the host refuses, the map runs in the VM as usual: the answers are the same.
public struct MapEntryShape {
  public var name: String
  public var value: ItemValue
}

final class PendingMap: HostObject {
  let source: HostObject
  let function: Value
  let entries: [MapEntryShape]
  let constants: ContiguousArray<Value>
  /// The VM the map's function runs on when the items are needed after all. Weak: a value
  /// must not keep its VM alive.
  private weak var vm: VM?
  private var made: ContiguousArray<Value>?

  init(
    source: HostObject, function: Value, entries: [MapEntryShape], constants: ContiguousArray<Value>, vm: VM
  ) {
    self.source = source
    self.function = function
    // `{outcome: outcome(it)}`: the script's function's body in the entry (ShapeRewriting.swift).
    var constants = constants
    self.entries = entries.map { MapEntryShape(name: $0.name, value: $0.value.inliningFunctions(&constants)) }
    self.constants = constants
    self.vm = vm
  }

  override var typeName: String { "list" }

  /// The mapped items, made as `|map` makes them.
  override func items() throws -> ContiguousArray<Value>? {
    if let made { return made }
    guard let vm else {
      throw RuntimeError("internal error: a map's items were asked for after its script ended")
    }
    guard let input = try source.items() else { return nil }
    var out = ContiguousArray<Value>()
    out.reserveCapacity(input.count)
    for x in input { out.append(try vm.call(function, x)) }
    made = out
    return out
  }

  /// The request with every entry's name replaced by the entry's shape, asked of the source.
  /// Refused unless every entry is read: an entry nothing reads might stop the VM on some
  /// item (a division by zero), and then the answer must be the VM's.
  override func aggregate(_ request: AggregateRequest) throws -> AggregateAnswer? {
    guard !request.keyEach else { return nil }
    var read = Set<String>()
    var asked = request
    if let key = request.key {
      guard let k = substituting(key, into: &asked.keyConstants, read: &read) else { return nil }
      asked.key = k
    }
    for i in asked.aggregates.indices {
      guard let shape = asked.aggregates[i].shape else { continue }
      guard let s = substituting(shape, into: &asked.constants, read: &read) else { return nil }
      asked.aggregates[i].shape = s
    }
    guard read.count == Set(entries.map(\.name)).count else { return nil }
    return try source.aggregate(asked)
  }

  /// `shape` (read from a mapped item) as read from the source's item; the entries' constants
  /// go after the request's own in `constants`. Nil when it reads anything but an entry.
  private func substituting(
    _ shape: ItemValue, into constants: inout ContiguousArray<Value>, read: inout Set<String>
  )
    -> ItemValue?
  {
    var offset: Int?
    func entry(_ name: String) -> ItemValue? {
      guard let e = entries.last(where: { $0.name == name }) else { return nil }
      if offset == nil {
        offset = constants.count
        constants += self.constants
      }
      read.insert(name)
      return e.value.reindexed(by: offset!)
    }
    func walk(_ s: ItemValue) -> ItemValue? {
      switch s {
      case .path(let names):
        guard names.count == 1 else { return nil }
        return entry(names[0])
      case .constant: return s
      case .period(let f, let v, let function):
        return walk(v).map { .period(f, $0, function: function) }
      case .call(let name, let args, let function):
        var out: [ItemValue] = []
        for a in args {
          guard let w = walk(a) else { return nil }
          out.append(w)
        }
        return .call(name, out, function: function)
      case .arithmetic(let op, let a, let b):
        guard let x = walk(a), let y = walk(b) else { return nil }
        return .arithmetic(op, x, y)
      case .list(let parts):
        var out: [ItemValue] = []
        for p in parts {
          guard let w = walk(p) else { return nil }
          out.append(w)
        }
        return .list(out)
      case .count:
        // A related count reads a list of the item, which a mapped item does not have.
        return nil
      case .choose, .applied:
        // Conditions on the mapped items' entries are not carried over.
        return nil
      }
    }
    return walk(shape)
  }
}
