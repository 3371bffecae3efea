import OrderedCollections

/// A map keeps its keys in insertion order, so printing a map or a table built from maps shows
/// the columns in the order the script wrote them.
public final class MapObject {
  // Unchecked (every field read and write): no code mutates `entries` in place while running a
  // script or a callback (keys and values are worked out first, then stored); the one read
  // inside a write is `m[m] = v` hashing the map itself (its count), before anything changes.
  @exclusivity(unchecked) public var entries: OrderedDictionary<Value, Value>

  public init(_ entries: OrderedDictionary<Value, Value> = [:]) { self.entries = entries }

  /// Maps nested thousands deep are freed without native recursion (see `Teardown`).
  deinit { Teardown.release(&entries) }

  public subscript(key: String) -> Value? {
    get { entries[.text(key)] }
    set { entries[.text(key)] = newValue }
  }

  /// The keys that are text: the "fields" a `.name` can reach (used by completion and hints).
  public var textKeys: [String] {
    entries.keys.compactMap { if case .string(let s) = $0 { return s.value } else { return nil } }
  }
}
