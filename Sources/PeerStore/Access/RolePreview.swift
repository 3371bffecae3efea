/// A role applied by peer itself to a store that cannot enforce it (a SQLite file): what a
/// person of the role would see and be refused on a server, for writing and testing a
/// project's role declarations (`peer --as coordinator:Bristol`). Not a security boundary:
/// whoever holds the file reads it whole with any SQLite tool (docs/people.md).
///
/// It follows the server's rules: a kind the role does not see is refused; its records are
/// those its condition picks, a condition through a reference seeing only what the role sees
/// of the records it leads to (as row-level security does); fields it does not read come
/// empty; a change must be allowed and leave a record the role sees.
public final class RolePreview: RecordStore {
  let base: any RecordStore
  /// The role applied; nil while the project's scripts load (as its owner), before the
  /// declarations are known.
  public var role: AccessRole?
  public var person: Person

  public init(_ base: any RecordStore, person: Person) {
    self.base = base
    self.person = person
  }

  public var user: String {
    get { base.user }
    set { base.user = newValue }
  }

  public func read<T>(_ body: (any StoreReader) throws -> T) throws -> T {
    try base.read { try body(wrap($0)) }
  }
  public func write<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
    try base.write { try body(wrap($0)) }
  }
  public func readingOnly<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
    try base.readingOnly { try body(wrap($0)) }
  }
  public func writeOnFirstChange<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
    try base.writeOnFirstChange { try body(wrap($0)) }
  }
  public func writeCheckingReferencesItself<T>(_ body: (any StoreWriter) throws -> T) throws -> T {
    try base.writeCheckingReferencesItself { try body(wrap($0)) }
  }

  public func reclaimErasedSpace() throws { try base.reclaimErasedSpace() }

  private func wrap(_ reader: any StoreReader) -> any StoreReader {
    guard let role, let writer = reader as? any StoreWriter else { return reader }
    return PreviewAccess(base: writer, role: role, person: person)
  }

  private func wrap(_ writer: any StoreWriter) -> any StoreWriter {
    guard let role else { return writer }
    return PreviewAccess(base: writer, role: role, person: person)
  }
}

/// One transaction seen through a role (RolePreview).
struct PreviewAccess: StoreWriter, WorkItemStore, RestrictionStore {
  let base: any StoreWriter
  let role: AccessRole
  let person: Person

  var changeCount: Int { base.changeCount }

  /// The role's rules for `kind`, or the server's refusal when it does not see it.
  func access(_ kind: RecordKind) throws -> AccessRole.KindAccess {
    guard let access = role.kinds[kind] else {
      throw AccessRefused(login: person.login, table: kind.table, byPolicy: false)
    }
    return access
  }

  /// The records of `kind` the role sees, as a condition (nil: all of them). Conditions
  /// through references see only what the role sees of the kinds they lead to.
  func visible(_ kind: RecordKind, depth: Int = 0) throws -> RecordCondition? {
    guard let c = try access(kind).condition else { return nil }
    return try composed(c.applied(to: person.values), kind, depth: depth + 1)
  }

  private func composed(_ c: RecordCondition, _ kind: RecordKind, depth: Int) throws -> RecordCondition {
    guard depth < 8 else { throw StoreError("role \(role.name)'s conditions lead round in a circle") }
    switch c {
    case .through(let field, let target, let inner):
      let seen = try visible(target, depth: depth)
      let rest = try composed(inner, target, depth: depth)
      return .through(field: field, kind: target, seen.map { .and(rest, $0) } ?? rest)
    case .related(let other, let via, let inner, let op, let n):
      let seen = try visible(other, depth: depth)
      let rest = try inner.map { try composed($0, other, depth: depth) }
      let both: RecordCondition? =
        switch (rest, seen) {
        case (nil, nil): nil
        case (let a?, nil): a
        case (nil, let b?): b
        case (let a?, let b?): .and(a, b)
        }
      return .related(kind: other, via: via, both, op, n)
    case .and(let a, let b):
      return .and(try composed(a, kind, depth: depth), try composed(b, kind, depth: depth))
    case .or(let a, let b):
      return .or(try composed(a, kind, depth: depth), try composed(b, kind, depth: depth))
    case .not(let a): return .not(try composed(a, kind, depth: depth))
    case .compare, .between, .oneOf, .person: return c
    }
  }

  /// `condition` and what the role sees; both composed with the role for conditions
  /// through references.
  func within(_ kind: RecordKind, _ condition: RecordCondition?) throws -> RecordCondition? {
    let seen = try visible(kind)
    let asked = try condition.map { try composed($0.applied(to: person.values), kind, depth: 1) }
    switch (asked, seen) {
    case (nil, nil): return nil
    case (let a?, nil): return a
    case (nil, let b?): return b
    case (let a?, let b?): return .and(a, b)
    }
  }

  /// The record with the fields the role does not read emptied.
  func shown(_ record: StoredRecord) throws -> StoredRecord {
    guard let fields = try access(record.kind).fields else { return record }
    var r = record
    r.fields = r.fields.filter { fields.contains($0.key) }
    r.extra = [:]
    return r
  }

  func ids(_ kind: RecordKind, _ ids: [Int64]) -> RecordCondition {
    .oneOf(field: "id", ids.map { .int(Int($0)) })
  }

  // MARK: - Reading

  func get(_ kind: RecordKind, id: Int64) throws -> StoredRecord? {
    try select(kind, where: .compare(field: "id", .equal, .int(Int(id)))).first
  }

  func get(_ kind: RecordKind, ids: [Int64]) throws -> [StoredRecord] {
    try select(kind, where: self.ids(kind, ids))
  }

  func all(_ kind: RecordKind) throws -> [StoredRecord] {
    guard let c = try within(kind, nil) else { return try base.all(kind).map(shown) }
    return try base.select(kind, where: c).map(shown)
  }

  func find(_ kind: RecordKind, where field: String, equals value: FieldValue) throws -> [StoredRecord] {
    let c = try within(kind, .compare(field: field, .equal, value))!
    return try base.select(kind, where: c).map(shown)
  }

  func count(_ kind: RecordKind) throws -> Int {
    guard let c = try within(kind, nil) else { return try base.count(kind) }
    return try base.count(kind, where: c)
  }

  func ownFieldNames(_ kind: RecordKind) throws -> [String] {
    try access(kind).fields == nil ? base.ownFieldNames(kind) : []
  }

  func forEach(
    _ kind: RecordKind, fields: [String]?, batchSize: Int, _ body: ([StoredRecord]) throws -> Bool
  ) throws {
    let seen = try within(kind, nil).map { Set(try base.select(kind, where: $0).map(\.id)) }
    try base.forEach(kind, fields: fields, batchSize: batchSize) { batch in
      let kept = try batch.filter { seen?.contains($0.id) ?? true }.map(shown)
      return kept.isEmpty ? true : try body(kept)
    }
  }

  func select(_ kind: RecordKind, where condition: RecordCondition) throws -> [StoredRecord] {
    try base.select(kind, where: try within(kind, condition)!).map(shown)
  }

  func count(_ kind: RecordKind, where condition: RecordCondition) throws -> Int {
    try base.count(kind, where: try within(kind, condition)!)
  }

  func scan(
    _ kind: RecordKind, where condition: RecordCondition?, columns: [[String]], inIDOrder: Bool,
    _ body: (ScanRow) throws -> Void
  ) throws {
    let condition = try within(kind, condition)
    guard let file = base as? SQLiteAccess else {
      try refuseHidden(kind, columns)
      return try base.scan(kind, where: condition, columns: columns, inIDOrder: inIDOrder, body)
    }
    // Columns it does not read come empty, as a server sends them.
    var hidden: [RecordKind: Set<String>] = [:]
    for (other, access) in role.kinds {
      guard let fields = access.fields else { continue }
      hidden[other] = Set(other.fields.filter { !fields.contains($0.name) }.map(\.column) + ["extra"])
    }
    try file.scan(kind, where: condition, columns: columns, inIDOrder: inIDOrder, hidden: hidden, body)
  }

  func scanGroups(
    _ kind: RecordKind, where condition: RecordCondition?, _ grouping: GroupedScan,
    _ body: (ScanRow) throws -> Void
  ) throws -> Bool {
    try base.scanGroups(kind, where: try within(kind, condition), grouping, body)
  }

  /// A scan on a store other than a file reads columns without building records: one the
  /// role does not read is refused.
  func refuseHidden(_ kind: RecordKind, _ columns: [[String]]) throws {
    for path in columns {
      var current = kind
      for name in path.dropLast() {
        guard let spec = current.field(name), case .reference(let target) = spec.type else { break }
        current = target
      }
      guard let last = path.last, last != "id" else { continue }
      if let fields = try access(current).fields, !fields.contains(last) {
        throw AccessRefused(login: person.login, table: current.table, byPolicy: false)
      }
    }
  }

  func history(_ kind: RecordKind, id: Int64) throws -> [AuditEntry] {
    guard role.operations.contains("audit") else {
      throw AccessRefused(login: person.login, table: "audit", byPolicy: false)
    }
    return try base.history(kind, id: id)
  }

  /// Only ids: on a server any login may ask (a function that reads no values).
  func auditedIDs(_ kind: String, action: String) throws -> Set<Int64> {
    try base.auditedIDs(kind, action: action)
  }

  // MARK: - Writing

  /// As on a server, where only a role that may erase is granted the function that does it.
  func forgetHistory(_ kind: String, ids: [Int64]) throws {
    guard role.operations.contains("erase") else {
      throw AccessRefused(login: person.login, table: "audit", byPolicy: false)
    }
    try base.forgetHistory(kind, ids: ids)
  }

  func auditEvent(_ kind: String, id: Int64, action: String, after: String) throws {
    try base.auditEvent(kind, id: id, action: action, after: after)
  }

  /// Refuses a change the role may not make, as the server's privileges would.
  func allow(_ kind: RecordKind, _ needed: AccessRole.Changes) throws {
    guard try access(kind).changes >= needed else {
      throw AccessRefused(login: person.login, table: kind.table, byPolicy: false)
    }
  }

  /// Refuses records the role would not see after a change, as the server's policies would.
  func check(_ kind: RecordKind, _ ids: [Int64]) throws {
    guard let c = try within(kind, self.ids(kind, ids)), try base.count(kind, where: c) != Set(ids).count
    else { return }
    throw AccessRefused(login: person.login, table: kind.table, byPolicy: true)
  }

  func insert(_ record: StoredRecord) throws -> Int64 {
    try allow(record.kind, .add)
    let id = try base.insert(record)
    try check(record.kind, [id])
    return id
  }

  func insertMany(_ records: [StoredRecord]) throws -> [Int64] {
    guard let kind = records.first?.kind else { return [] }
    try allow(kind, .add)
    let ids = try base.insertMany(records)
    try check(kind, ids)
    return ids
  }

  func update(_ record: StoredRecord) throws {
    try allow(record.kind, .change)
    try check(record.kind, [record.id])
    try base.update(record)
    try check(record.kind, [record.id])
  }

  func delete(_ kind: RecordKind, id: Int64) throws {
    try allow(kind, .change)
    try check(kind, [id])
    try base.delete(kind, id: id)
  }

  func bulkInsert(_ kind: RecordKind, rebuildIndexes: Bool) throws -> any BulkInsert {
    try allow(kind, .add)
    // Rows written field by field cannot be checked one by one here: only a role that adds
    // any record of the kind may load them so.
    guard try access(kind).condition == nil else {
      throw AccessRefused(login: person.login, table: kind.table, byPolicy: true)
    }
    return try base.bulkInsert(kind, rebuildIndexes: rebuildIndexes)
  }

  // MARK: - Tasks and flags, as the base keeps them

  var items: any WorkItemStore {
    get throws {
      guard let items = base as? any WorkItemStore else { throw StoreError("this store keeps no tasks") }
      return items
    }
  }
  func openItems(rule: String?) throws -> [WorkItem] { try items.openItems(rule: rule) }
  func item(rule: String, record: String, due: Int32) throws -> WorkItem? {
    try items.item(rule: rule, record: record, due: due)
  }
  func item(id: Int64) throws -> WorkItem? { try items.item(id: id) }
  func closedItems() throws -> [WorkItem] { try items.closedItems() }
  func items(about records: [String]) throws -> [WorkItem] { try items.items(about: records) }
  func insert(_ item: WorkItem) throws -> Int64 { try items.insert(item) }
  func close(id: Int64, on day: Int32, how: String) throws { try items.close(id: id, on: day, how: how) }
  func delete(id: Int64) throws {
    // On a server a role deletes tasks and flags only if it may erase (AccessPolicies).
    guard role.operations.contains("erase") else {
      throw AccessRefused(login: person.login, table: "tasks", byPolicy: false)
    }
    try items.delete(id: id)
  }
  func statusCounts(_ kind: RecordKind) throws -> [String: Int] { try items.statusCounts(kind) }

  // MARK: - Restrictions, as the base keeps them (peer checks the record is the role's to change)

  var restrictionStore: any RestrictionStore {
    get throws {
      guard let r = base as? any RestrictionStore else {
        throw StoreError("this store keeps no restrictions")
      }
      return r
    }
  }
  func restrictions(_ kind: RecordKind) throws -> [Int64: Int32] { try restrictionStore.restrictions(kind) }
  func restrict(_ kind: RecordKind, id: Int64, on day: Int32) throws -> Bool {
    try restrictionStore.restrict(kind, id: id, on: day)
  }
  func lift(_ kind: RecordKind, id: Int64) throws -> Bool { try restrictionStore.lift(kind, id: id) }
  func copyRestriction(_ kind: RecordKind, id: Int64, since day: Int32) throws {
    try restrictionStore.copyRestriction(kind, id: id, since: day)
  }
}
