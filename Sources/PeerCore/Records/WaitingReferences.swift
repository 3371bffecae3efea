import PeerStore

/// The records that records read so far refer to and that are not loaded yet, kind by kind, in
/// the order they were met. The first time a script follows one (`.mother` of a match), the
/// bridge loads it together with the others waiting, in one query: a report's `map` over a
/// quarter's matches reading `.mother` was one round trip to a server per match (5,500 for the
/// scale-30 demo's quarterly report). A script follows references in about the order it read
/// the records, so the oldest waiting go first.
struct WaitingReferences {
  /// How many records one query loads at most.
  static let batchSize = 2000

  private var queue: [RecordKind: [Int64]] = [:]
  /// Where each kind's queue begins (ids before it have been taken).
  private var head: [RecordKind: Int] = [:]
  private var waiting: [RecordKind: Set<Int64>] = [:]

  /// Notes that a record read refers to `id` of `kind`.
  mutating func note(_ kind: RecordKind, _ id: Int64) {
    if waiting[kind, default: []].insert(id).inserted { queue[kind, default: []].append(id) }
  }

  /// `id` and the others waiting to be loaded with it (up to `batchSize`, oldest first, none
  /// that `isLoaded` says is loaded already), all taken off the list; just `[id]` when it was
  /// not waiting.
  mutating func take(_ id: Int64, of kind: RecordKind, isLoaded: (Int64) -> Bool) -> [Int64] {
    guard waiting[kind]?.remove(id) != nil, let ids = queue[kind] else { return [id] }
    var batch = [id]
    var i = head[kind] ?? 0
    while i < ids.count && batch.count < Self.batchSize {
      let next = ids[i]
      i += 1
      if waiting[kind]!.remove(next) != nil, !isLoaded(next) { batch.append(next) }
    }
    // Drop the taken part once it is most of the queue, so the queue does not grow for ever.
    if i * 2 > ids.count {
      queue[kind] = Array(ids[i...])
      i = 0
    }
    head[kind] = i
    return batch
  }

  mutating func removeAll() {
    queue = [:]
    head = [:]
    waiting = [:]
  }
}
