import PeerStore

/// Lists of related records (a mother's matches, a match's visits and endings) read for many
/// records at once. The first time a script asks one record for such a list, the same list is
/// read in one query for up to 2,000 other records of its kind loaded so far and not yet asked
/// (`WaitingReferences`, as references are read): the retention schedule's `.endings` of
/// every closed mother is then a few queries, not two per mother. The lists are kept only
/// while the transaction changes nothing (`StoreWriter.changeCount`), and only the last
/// batch of each relation.
struct RelatedLists {
  /// The records of `kind` whose reference `field` names the record asked.
  struct Relation: Hashable {
    var kind: RecordKind
    var field: String
  }

  /// Per kind, the relations that list records naming a record of it: every reference field.
  static let relations: [RecordKind: [Relation]] = {
    var out: [RecordKind: [Relation]] = [:]
    for kind in RecordKind.allCases {
      for spec in kind.fields {
        if case .reference(let target) = spec.type {
          out[target, default: []].append(Relation(kind: kind, field: spec.name))
        }
      }
    }
    return out
  }()

  private var waiting: [Relation: WaitingReferences] = [:]
  private var lists: [Relation: [Int64: [StoredRecord]]] = [:]
  /// The transaction's `changeCount` when `lists` were read.
  private var changes = -1
  /// How many reads were for several records at once.
  private(set) var batches = 0

  /// Notes a record read: the lists of records naming it may be read with others'.
  mutating func noteLoaded(_ kind: RecordKind, _ id: Int64) {
    for relation in Self.relations[kind] ?? [] where lists[relation]?[id] == nil {
      waiting[relation, default: WaitingReferences()].note(kind, id)
    }
  }

  /// The records of the relation naming `id` (a record of `owner`), in id order.
  mutating func list(_ relation: Relation, owner: RecordKind, id: Int64, store: any StoreWriter) throws
    -> [StoredRecord]
  {
    if store.changeCount != changes {
      lists = [:]
      changes = store.changeCount
    }
    if let known = lists[relation]?[id] { return known }
    let batch = waiting[relation, default: WaitingReferences()].take(id, of: owner) { _ in false }
    guard batch.count > 1 else {
      return try store.find(relation.kind, where: relation.field, equals: .int(Int(id)))
    }
    batches += 1
    var found: [Int64: [StoredRecord]] = [:]
    for owner in batch { found[owner] = [] }
    let named = RecordCondition.oneOf(field: relation.field, batch.map { .int(Int($0)) })
    for record in try store.select(relation.kind, where: named) {
      guard case .int(let owner)? = record.fields[relation.field] else { continue }
      found[Int64(owner)]?.append(record)
      // A match read here may be asked for its visits next: with the others of this batch.
      noteLoaded(relation.kind, record.id)
    }
    for (owner, records) in found { found[owner] = records.sorted { $0.id < $1.id } }
    lists[relation] = found
    return found[id] ?? []
  }

  mutating func removeAll() {
    waiting = [:]
    lists = [:]
    changes = -1
  }
}
