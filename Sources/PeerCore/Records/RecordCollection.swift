import PeerScript
import PeerStore

/// `mothers`, `visits`...: every record of a kind, as a sequence for loops and pipelines.
final class RecordCollection: HostObject {
  let kind: RecordKind
  unowned let bridge: RecordBridge

  init(kind: RecordKind, bridge: RecordBridge) {
    self.kind = kind
    self.bridge = bridge
  }

  override var typeName: String { kind.plural }

  override var description: String {
    if let n = try? count() { return "<\(n) \(kind.plural)>" }
    return "<\(kind.plural)>"
  }

  override func items() throws -> ContiguousArray<Value>? {
    ContiguousArray(try bridge.writer().all(kind).map(bridge.value))
  }

  override func count() throws -> Int? { try bridge.writer().count(kind) }

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
