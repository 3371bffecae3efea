import PeerScript
import PeerStore

/// The records of a project as the language sees them: each stored record becomes a record
/// value (`M-0042` with its fields), references navigate (`x.volunteer.name`), and setting a
/// field checks it and writes it back in the current command's transaction.
public final class RecordBridge: RecordHost {
  let store: RecordStore
  /// The transaction of the command being run; records are reachable only inside one.
  var transaction: (any StoreWriter)?
  /// Records already loaded in this transaction, so `x.mother` twice is one record.
  var loaded: [RecordKind: [Int64: RecordObject]] = [:]
  /// What the loaded records refer to and is not loaded yet: followed, it is loaded with the
  /// others waiting in one query (WaitingReferences.swift).
  private var waitingReferences = WaitingReferences()
  /// Lists of related records read for many records at once (RelatedLists.swift).
  private var relatedLists = RelatedLists()
  /// Each kind's reference fields: the slot in a record's values, and the kind it names.
  private var referenceSlots: [RecordKind: [(slot: Int, target: RecordKind)]] = [:]
  private(set) var types: [RecordKind: RecordType] = [:]
  /// The workflows the project's scripts declared, by the kind of record they govern.
  var workflows: [RecordKind: Workflow] = [:]
  /// The roles the project's scripts declared, by name (docs/people.md).
  var roles: [String: Role] = [:]
  /// The own fields (not core ones) the project's forms save, by kind: each needs a line of
  /// the retention schedule.
  var formFields: [RecordKind: Set<String>] = [:]
  /// The project's retention schedule, once its scripts declare it (docs/data-protection.md).
  var retention: RetentionSchedule?
  /// The reports being worked out: while one runs, restricted records count (Restriction).
  var reports: ReportLibrary.RunningReport?
  /// The restricted records of each kind, read once per transaction (Restriction).
  var restricted: [RecordKind: [Int64: Int32]] = [:]
  /// `me`: the person this command runs as, when the store knows one.
  let me = PersonObject()
  /// The records with sensitive fields loaded for that person, not yet audited (SensitiveReads).
  var sensitiveReads: Set<String> = []
  /// The choices forms offer for each field they save, by kind and field (`best_times` on
  /// mothers: the referral form's four): a `where` comparing the field with a text close to
  /// one of them but not one is a typo.
  var formChoices: [RecordKind: [String: (form: String, values: [String])]] = [:]
  /// The daily rules' run in progress, which `task` and `flag` add to.
  var ruleRun: RuleRun?
  /// Where the events of rules run now go: `peer batch`'s log, also for a job's own
  /// `run_rules()`.
  var ruleReport: ((RuleEvent) -> Void)?
  private var kindsByType: [ObjectIdentifier: RecordKind] = [:]
  /// Each kind's core fields, with the kind a reference names (nil for a plain field): read on
  /// every field access, so kept here rather than rebuilt from `RecordKind.fields`.
  private var coreFields: [RecordKind: [String: RecordKind?]] = [:]
  /// Whether simple `where` stages over stored records run in the store (PushedFilter).
  /// Turned off only to check that both paths give the same answers.
  public var pushdown = true
  /// The own field names records of each kind have, read once a transaction when a record
  /// lacks a field (to tell a typo from a field this record just has not got).
  var ownFields: [RecordKind: [String]] = [:]
  /// Told of each field a script sets on a stored record, once it is written (id, field, old
  /// and new value): the REPL says what changed after its entry is saved.
  public var fieldChanged: ((_ code: String, _ field: String, _ old: Value, _ new: Value) -> Void)?
  /// How many `where` stages the store has taken (the tests check the fast path is used).
  public internal(set) var pushedFilters = 0
  /// How many `group ... | aggregate` stages the store's scan has answered (AggregateScan).
  public internal(set) var pushedAggregates = 0
  /// How many of those the database grouped itself (StoreGrouping, on a server).
  public internal(set) var groupedInDatabase = 0
  /// How many times a followed reference loaded others waiting with it in one read.
  public internal(set) var referenceBatches = 0
  /// How many times a list of related records was read for several records in one read.
  public var relatedBatches: Int { relatedLists.batches }

  /// The slot holding a record's own fields (a map): not a field itself, its entries are shown
  /// as fields after the core ones.
  static let extraSlot = "extra"

  public init(store: RecordStore) {
    self.store = store
    for kind in RecordKind.allCases {
      let type = RecordType(name: kind.rawValue, fields: ["id"] + kind.fields.map(\.name) + [Self.extraSlot])
      type.host = self
      type.hidden = [Self.extraSlot]
      type.spread = [Self.extraSlot]
      types[kind] = type
      kindsByType[ObjectIdentifier(type)] = kind
      var fields: [String: RecordKind?] = [:]
      for (i, spec) in kind.fields.enumerated() {
        if case .reference(let target) = spec.type {
          referenceSlots[kind, default: []].append((i + 1, target))
          fields[spec.name] = target
        } else {
          fields[spec.name] = .some(nil)
        }
      }
      coreFields[kind] = fields
    }
  }

  func kind(of record: RecordObject) -> RecordKind? { kindsByType[ObjectIdentifier(record.type)] }

  func writer() throws -> any StoreWriter {
    guard let transaction else {
      throw RuntimeError("records can only be reached while a command runs")
    }
    return transaction
  }

  /// The kind of transaction `inTransaction` opens: commands that only read (reports, printed
  /// forms) never wait for a writer and cannot change anything; `peer run` takes the write
  /// lock only when its script first changes a record.
  public var transactions = TransactionKind.writing

  /// Set by an erasure in the current transaction: once it commits, the store clears the old
  /// copies of what went (`RecordStore.reclaimErasedSpace`).
  var erasedSomething = false

  /// Runs `body` in one write transaction: everything it changes is kept, or nothing. After a
  /// transaction that erased something commits, the store reclaims the space it freed.
  public func inTransaction<T>(_ body: () throws -> T) throws -> T {
    if transaction != nil { return try body() }
    erasedSomething = false
    let result = try store.transaction(transactions) { w in
      transaction = w
      defer {
        transaction = nil
        forgetLoaded()
      }
      return try body()
    }
    if erasedSomething {
      erasedSomething = false
      try store.reclaimErasedSpace()
    }
    return result
  }

  /// Drops the records read in this transaction (after an erasure, which deleted or changed
  /// many at once): they are read again when next reached.
  func forgetLoaded() {
    loaded = [:]
    restricted = [:]
    waitingReferences.removeAll()
    relatedLists.removeAll()
    ownFields = [:]
  }

  // MARK: - Records as values

  func value(_ stored: StoredRecord) -> Value {
    noteSensitive(stored)
    if let r = loaded[stored.kind]?[stored.id] {
      refresh(r, from: stored)
      noteReferences(of: r, kind: stored.kind, id: stored.id)
      return .record(r)
    }
    let r = detachedValue(stored)
    loaded[stored.kind, default: [:]][stored.id] = r
    noteReferences(of: r, kind: stored.kind, id: stored.id)
    return .record(r)
  }

  /// Notes the records `r` refers to that are not loaded yet (`waitingReferences`), and `r`
  /// itself, whose lists of related records may be read with others' (`relatedLists`).
  private func noteReferences(of r: RecordObject, kind: RecordKind, id: Int64) {
    guard pushdown else { return }
    relatedLists.noteLoaded(kind, id)
    guard let slots = referenceSlots[kind] else { return }
    for (slot, target) in slots {
      if case .int(let ref) = r.values[slot], loaded[target]?[Int64(ref)] == nil {
        waitingReferences.note(target, Int64(ref))
      }
    }
  }

  /// A record value not kept among the loaded ones: a record about to be created, shown to its
  /// workflow's guards before it is written.
  func detachedValue(_ stored: StoredRecord) -> RecordObject {
    let type = types[stored.kind]!
    var values = ContiguousArray<Value>()
    values.reserveCapacity(type.fields.count)
    values.append(.text(stored.code))
    for spec in stored.kind.fields { values.append(FieldConversion.value(stored.fields[spec.name] ?? .null)) }
    let extra = MapObject()
    for (k, v) in stored.extra.sorted(by: { $0.key < $1.key }) { extra[k] = FieldConversion.value(v) }
    values.append(.map(extra))
    return RecordObject(type: type, values: values)
  }

  /// The columns `value(row:)` reads: the id, each core field, the own fields.
  static func recordColumns(_ kind: RecordKind) -> [[String]] {
    [["id"]] + kind.fields.map { [$0.name] } + [["extra"]]
  }

  /// A record value straight from a scanned row of `recordColumns` (no `StoredRecord` in
  /// between: a pipeline over a quarter's visits builds only the values it hands on).
  func value(row: ScanRow, kind: RecordKind) throws -> Value {
    let id = row.int(0)
    let specs = kind.fields
    try noteSensitive(row, kind, id: id)
    if let r = loaded[kind]?[id] {
      for (i, spec) in specs.enumerated() {
        r.values[i + 1] = FieldConversion.value(row.field(i + 1, spec.type))
      }
      noteReferences(of: r, kind: kind, id: id)
      return .record(r)
    }
    let type = types[kind]!
    var values = ContiguousArray<Value>()
    values.reserveCapacity(type.fields.count)
    values.append(.text(kind.code(for: id)))
    for (i, spec) in specs.enumerated() { values.append(FieldConversion.value(row.field(i + 1, spec.type))) }
    let extra = MapObject()
    let own = try row.ownFields(specs.count + 1, of: kind, code: kind.code(for: id))
    for (k, v) in own.sorted(by: { $0.key < $1.key }) { extra[k] = FieldConversion.value(v) }
    values.append(.map(extra))
    let r = RecordObject(type: type, values: values)
    loaded[kind, default: [:]][id] = r
    noteReferences(of: r, kind: kind, id: id)
    return .record(r)
  }

  private func refresh(_ r: RecordObject, from stored: StoredRecord) {
    for (i, spec) in stored.kind.fields.enumerated() {
      r.values[i + 1] = FieldConversion.value(stored.fields[spec.name] ?? .null)
    }
  }

  func stored(_ r: RecordObject) throws -> StoredRecord {
    guard let kind = kind(of: r), case .string(let code) = r.values[0], let id = kind.id(fromCode: code.value)
    else {
      throw RuntimeError("internal error: not a stored record")
    }
    var record = StoredRecord(kind: kind, id: id)
    for (i, spec) in kind.fields.enumerated() {
      record.fields[spec.name] = try FieldConversion.field(
        r.values[i + 1], for: FieldSpec(spec.name, spec.type), kind: kind)
    }
    if case .map(let m) = r.values[kind.fields.count + 1] {
      for (k, v) in m.entries {
        guard case .string(let name) = k else { continue }
        record.extra[name.value] = try FieldConversion.extra(v, name: name.value)
      }
    }
    return record
  }

  /// The record with this id, or an error naming it.
  func record(_ kind: RecordKind, _ id: Int64) throws -> Value {
    if let r = loaded[kind]?[id] { return .record(r) }
    let batch = waitingReferences.take(id, of: kind) { loaded[kind]?[$0] != nil }
    if batch.count > 1 {
      referenceBatches += 1
      for stored in try writer().get(kind, ids: batch) { _ = value(stored) }
      if let r = loaded[kind]?[id] { return .record(r) }
      throw RuntimeError("there is no \(kind.rawValue) \(kind.code(for: id))")
    }
    guard let stored = try writer().get(kind, id: id) else {
      throw RuntimeError("there is no \(kind.rawValue) \(kind.code(for: id))")
    }
    return value(stored)
  }

  /// `M-0042` typed in a script.
  func record(code: String) throws -> Value {
    guard let letter = code.first,
      let kind = RecordKind.allCases.first(where: { $0.idPrefix == String(letter) }),
      let id = kind.id(fromCode: code)
    else { throw RuntimeError("\(code) is not a record id") }
    return try record(kind, id)
  }

  func records(_ kind: RecordKind, where field: String, equals id: Int64) throws -> Value {
    guard pushdown, case .reference(let owner)? = kind.field(field)?.type else {
      return .list(try writer().find(kind, where: field, equals: .int(Int(id))).map(value))
    }
    let relation = RelatedLists.Relation(kind: kind, field: field)
    return .list(try relatedLists.list(relation, owner: owner, id: id, store: writer()).map(value))
  }

  func id(of r: RecordObject) -> Int64? {
    guard let kind = kind(of: r), case .string(let code) = r.values[0] else { return nil }
    return kind.id(fromCode: code.value)
  }

  // MARK: - RecordHost

  public func field(of record: RecordObject, _ name: String) throws -> Value? {
    guard let kind = kind(of: record) else { return nil }
    // A plain core field reads its own slot (the common case, so answered first).
    if case .some(.none) = coreFields[kind]?[name] { return nil }
    // References read as the record they name (a record not yet stored too: its guards).
    if let spec = kind.field(name), case .reference(let target) = spec.type {
      guard case .int(let ref) = record.values[kind.fields.firstIndex(of: spec)! + 1] else { return .null }
      return try self.record(target, Int64(ref))
    }
    guard let id = id(of: record) else { return nil }
    if let v = try Relations.value(of: name, kind: kind, id: id, record: record, bridge: self) { return v }
    if name == Self.extraSlot { return nil }
    // A project's own field: nil on a record that has not got it, unless the name is so close
    // to a field the kind does have that it is surely a typo.
    if kind.field(name) == nil, name != "id", case .map(let extra) = record.values[kind.fields.count + 1] {
      if let v = extra[name] { return v }
      let known = ["id"] + kind.fields.map(\.name) + Relations.names(for: kind)
      if let near = closestMatch(to: name, in: known) {
        throw RuntimeError("\(kind.rawValue) has no field \"\(name)\"", hint: "did you mean \"\(near)\"?")
      }
      // Another record's own field (`housing_status`) is nil here; a name no record has but
      // close to one that some have is a typo.
      if ownFields[kind] == nil { ownFields[kind] = try writer().ownFieldNames(kind).sorted() }
      let own = ownFields[kind] ?? []
      if !own.contains(name), let near = closestMatch(to: name, in: own) {
        throw RuntimeError("no \(kind.rawValue) has a field \"\(name)\"", hint: "did you mean \"\(near)\"?")
      }
      return .null
    }
    return nil
  }

  public func willSet(_ record: RecordObject, _ name: String, to value: Value) throws {
    guard let kind = kind(of: record) else { return }
    if name == "id" { throw RuntimeError("a record's id cannot be changed") }
    if name == Self.extraSlot || Relations.names(for: kind).contains(name) {
      throw RuntimeError("\(kind.rawValue).\(name) is worked out from other records and cannot be set")
    }
    var stored = try stored(record)
    let old = ownValue(record, name, kind: kind)
    // Every status change passes through the kind's workflow, whoever makes it.
    let workflow = name == "status" ? workflows[kind] : nil
    let oldStatus = stored.fields["status"]?.text
    if let workflow, case .string(let s) = value, s.value != oldStatus {
      try workflow.check(record, from: oldStatus, to: s.value)
    }
    if var spec = kind.field(name) {
      // A workflow's statuses replace the standard ones (`check` above has passed the change).
      if workflow != nil { spec.choices = [] }
      stored.fields[name] = try FieldConversion.field(value, for: spec, kind: kind)
    } else {
      stored.extra[name] = try FieldConversion.extra(value, name: "\(kind.rawValue).\(name)")
      if case .map(let extra) = record.values[kind.fields.count + 1] { extra[name] = value }
    }
    try writer().update(stored)
    if let fieldChanged, case .string(let code) = record.values[0] {
      fieldChanged(code.value, name, old, value)
    }
    if let workflow, case .string(let s) = value, s.value != oldStatus {
      // The actions see (and may change) the record in its new status.
      if let i = record.type.fields.firstIndex(of: name) { record.values[i] = value }
      try workflow.afterChange(record, from: oldStatus, to: s.value)
    }
  }

  /// A field's value as the record holds it now: a core field's slot, or one of its own.
  func ownValue(_ record: RecordObject, _ name: String, kind: RecordKind) -> Value {
    if let i = record.type.fields.firstIndex(of: name) { return record.values[i] }
    if case .map(let extra) = record.values[kind.fields.count + 1] { return extra[name] ?? .null }
    return .null
  }

  public func extraFieldNames(of record: RecordObject) -> [String] {
    guard let kind = kind(of: record) else { return [] }
    var names = Relations.names(for: kind)
    if case .map(let extra) = record.values[kind.fields.count + 1] { names += extra.textKeys }
    return names
  }
}
