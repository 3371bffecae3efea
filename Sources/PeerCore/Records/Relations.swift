import PeerScript
import PeerStore

/// Fields worked out from other records: `m.matches`, `v.open_matches`, `x.visits`...
enum Relations {
  static func names(for kind: RecordKind) -> [String] {
    switch kind {
    case .mother: return ["matches", "match", "volunteer", "visits", "endings"]
    case .volunteer: return ["matches", "open_matches", "mothers"]
    case .match: return ["visits", "ending", "endings"]
    case .visit, .ending: return ["mother", "volunteer"]
    case .service: return []
    }
  }

  static func value(of name: String, kind: RecordKind, id: Int64, record: RecordObject, bridge: RecordBridge)
    throws -> Value?
  {
    func items(_ v: Value) -> ContiguousArray<Value> {
      if case .list(let l) = v { return l.items }
      return []
    }
    func isActive(_ v: Value) -> Bool {
      if case .record(let r) = v, case .string(let s)? = r["status"] { return s.value == "active" }
      return false
    }
    switch (kind, name) {
    case (.mother, "matches"), (.volunteer, "matches"):
      return try bridge.records(.match, where: kind.rawValue, equals: id)
    case (.mother, "match"):
      return items(try bridge.records(.match, where: "mother", equals: id)).last(where: isActive) ?? .null
    case (.mother, "volunteer"):
      guard
        case .record(let m) = try value(of: "match", kind: .mother, id: id, record: record, bridge: bridge)!
      else { return .null }
      return try bridge.field(of: m, "volunteer")
    case (.mother, "visits"), (.mother, "endings"):
      let target: RecordKind = name == "visits" ? .visit : .ending
      var out = ContiguousArray<Value>()
      for m in items(try bridge.records(.match, where: "mother", equals: id)) {
        guard case .record(let r) = m, let mid = bridge.id(of: r) else { continue }
        out.append(contentsOf: items(try bridge.records(target, where: "match", equals: mid)))
      }
      return .list(ListObject(out))
    case (.volunteer, "open_matches"):
      return .int(items(try bridge.records(.match, where: "volunteer", equals: id)).filter(isActive).count)
    case (.volunteer, "mothers"):
      var out = ContiguousArray<Value>()
      for m in items(try bridge.records(.match, where: "volunteer", equals: id)) where isActive(m) {
        guard case .record(let r) = m, let mother = try bridge.field(of: r, "mother") else { continue }
        out.append(mother)
      }
      return .list(ListObject(out))
    case (.match, "visits"):
      return try bridge.records(.visit, where: "match", equals: id)
    case (.match, "endings"):
      return try bridge.records(.ending, where: "match", equals: id)
    case (.match, "ending"):
      return items(try bridge.records(.ending, where: "match", equals: id)).last ?? .null
    case (.visit, "mother"), (.visit, "volunteer"), (.ending, "mother"), (.ending, "volunteer"):
      guard let match = try bridge.field(of: record, "match"), case .record(let m) = match else {
        return .null
      }
      return try bridge.field(of: m, name)
    default:
      return nil
    }
  }
}
