import PeerStore

/// `peer move`: a whole project copied from one store to another (a SQLite file to a server, or
/// a server to a file for an offline copy), every record with its id, own fields, task, flag and
/// audit entry as they are. All or nothing: the copy is one transaction on the target, checked
/// against the source (counts and a checksum of every row) before it is kept.
public enum ProjectMove {
  /// What a project holds, to compare a copy with its source.
  public struct Summary: Equatable, Sendable {
    public var records: [RecordKind: Int] = [:]
    public var auditEntries = 0
    public var workItems = 0
    public var restrictions = 0
    /// FNV-1a over every row in order: records (as their audit JSON), audit rows, tasks.
    public var checksum: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func add(_ text: String) {
      for byte in text.utf8 {
        checksum ^= UInt64(byte)
        checksum = checksum &* 0x100_0000_01b3
      }
      checksum ^= 0x1f
      checksum = checksum &* 0x100_0000_01b3
    }

    /// "3333 mothers, 33085 visits, ..., 41000 audit entries, 120 tasks and flags".
    public var described: String {
      let kinds = [RecordKind.volunteer, .mother, .match, .visit, .ending, .service].map {
        "\(records[$0] ?? 0) \($0.plural)"
      }
      return
        (kinds + [
          "\(auditEntries) audit entries", "\(workItems) tasks and flags", "\(restrictions) restrictions",
        ]).joined(
          separator: ", ")
    }
  }

  /// Referenced kinds first, so every reference finds its record.
  static let order: [RecordKind] = [.volunteer, .mother, .service, .match, .visit, .ending]

  /// Copies `source` into `target`, which must hold no records, audit entries or tasks.
  /// Returns the summary both agree on; throws one sentence (and keeps nothing) otherwise.
  public static func copy(from source: RecordStore, to target: RecordStore) throws -> Summary {
    try source.readingOnly { reading in
      guard let from = reading as? ProjectTransfer else { throw StoreError("this store cannot be copied") }
      let expected = try summary(reading, from)
      return try target.write { writing in
        guard let to = writing as? ProjectTransfer else {
          throw StoreError("this store cannot be copied into")
        }
        var empty = true
        for kind in order where try writing.count(kind) > 0 { empty = false }
        try to.auditRows(batchSize: 1) { _ in empty = false }
        let items = try to.allWorkItems()
        if !empty || !items.isEmpty {
          throw StoreError("the target already holds records: peer move copies only into an empty project")
        }
        for kind in order {
          try reading.forEach(kind, batchSize: 2000) { batch in
            try to.insertUnaudited(batch)
            return true
          }
        }
        try from.auditRows(batchSize: 2000) { try to.appendAudit($0) }
        for item in try from.allWorkItems() { try to.insertUnaudited(item) }
        if let restricting = writing as? any RestrictionStore {
          for (kind, id, since) in try restrictions(reading) {
            try restricting.copyRestriction(kind, id: id, since: since)
          }
        }
        try to.finishTransfer()
        let copied = try summary(writing, to)
        guard copied == expected else {
          throw StoreError(
            "the copy does not match the project (\(copied.described), against \(expected.described)); nothing was copied"
          )
        }
        return copied
      }
    }
  }

  /// Counts and the checksum of everything a store holds, read in one transaction.
  public static func summary(_ reader: any StoreReader, _ transfer: any ProjectTransfer) throws -> Summary {
    var s = Summary()
    for kind in order {
      var n = 0
      try reader.forEach(kind, batchSize: 2000) { batch in
        for record in batch { s.add("\(record.id)\u{1e}" + StoredRecord.json(record)) }
        n += batch.count
        return true
      }
      s.records[kind] = n
    }
    try transfer.auditRows(batchSize: 2000) { rows in
      for r in rows {
        s.add(
          [
            String(r.sequence), r.at, r.user, r.kind, String(r.recordID), r.lastID.map(String.init) ?? "",
            r.action,
            r.before, r.after,
          ].joined(separator: "\u{1e}"))
      }
      s.auditEntries += rows.count
    }
    let items = try transfer.allWorkItems()
    for item in items { s.add(WorkItem.json(item)) }
    s.workItems = items.count
    let restricted = try restrictions(reader)
    for (kind, id, since) in restricted { s.add("\(kind.rawValue) \(id) \(since)") }
    s.restrictions = restricted.count
    return s
  }

  /// Every restriction a store holds, in a set order.
  static func restrictions(_ reader: any StoreReader) throws -> [(RecordKind, Int64, Int32)] {
    guard let r = reader as? any RestrictionStore else { return [] }
    var out: [(RecordKind, Int64, Int32)] = []
    for kind in [RecordKind.mother, .volunteer] {
      for (id, since) in try r.restrictions(kind).sorted(by: { $0.key < $1.key }) {
        out.append((kind, id, since))
      }
    }
    return out
  }
}
