import PeerScript
import PeerStore

/// `visits | group [.match.mother.site, month(.date)] | count, sum(.minutes)` as one GROUP BY
/// in the database (`StoreReader.scanGroups`), so only the groups cross the wire, instead of a
/// row per visit read by `AggregateScan`. Only a server's store groups (its typed columns
/// hold nothing the VM would stop on); on SQLite, or for a request it does not take, the
/// answer is nil and `AggregateScan` works it out.
///
/// It takes keys that are field paths (`ScanPlan.storePath`: through required references, or
/// an id) or the `month`/`quarter`/`financial_year` of a date path; `count` and `share`;
/// `sum` and `avg` of whole numbers; `min`, `max` and `count distinct` of whole numbers and
/// dates (and ids). Texts are left out of `min`, `max` and `count distinct`: the database's
/// ordering and sameness of text are not the language's. Groups whose keys the language sees
/// as one (texts the same but for their Unicode normal form) are merged here.
enum StoreGrouping {
  /// How a cell of a group's row becomes the value the VM would give.
  private enum KeyReader {
    case value(FieldType)
    case code(RecordKind)
    case period(PeriodFunction)
  }

  /// One aggregate of the request: what the database works out, and from what the answer is made.
  private enum Figure {
    case count
    case share
    case sum
    case avg
    case min(FieldType)
    case max(FieldType)
    case countDistinct
  }

  /// One group as read, before merging and ordering.
  private struct Group {
    var key: [Value]
    var firstID: Int64
    var count: Int
    /// Per figure: sums and their number of values, minimums, maximums, distinct counts.
    var sums: [Int]
    var present: [Int]
    var values: [Value]
  }

  private struct Refusal: Error {}

  /// The answer, or nil when this store does not group or the request is not one it takes.
  static func run(
    _ request: AggregateRequest, on kind: RecordKind, where condition: RecordCondition?,
    store: any StoreReader
  ) throws -> AggregateAnswer? {
    guard !request.keyEach else { return nil }
    var keys: [GroupedScan.Key] = []
    var readers: [KeyReader] = []
    var keyIsList = false
    if let key = request.key {
      var shapes = [key]
      if case .list(let parts) = key {
        shapes = parts
        keyIsList = true
      }
      guard !shapes.isEmpty else { return nil }
      for shape in shapes {
        guard let (key, reader) = groupKey(shape, kind, request.keyConstants) else { return nil }
        keys.append(key)
        readers.append(reader)
      }
    }
    var aggregates: [GroupedScan.Aggregate] = []
    var figures: [Figure] = []
    for (aggregateKind, shape) in request.aggregates {
      guard let (aggregate, figure) = self.figure(aggregateKind, shape, kind) else { return nil }
      if let aggregate { aggregates.append(aggregate) }
      figures.append(figure)
    }
    let grouping = GroupedScan(keys: keys, aggregates: [.count] + aggregates)
    var groups: [Group] = []
    do {
      let grouped = try store.scanGroups(kind, where: condition, grouping) { row in
        groups.append(try read(row, readers, figures))
      }
      guard grouped else { return nil }
      // Only texts can be one to the language and two to the database.
      let textKeys = readers.contains {
        if case .value(.text) = $0 { return true }
        return false
      }
      if textKeys { groups = try merged(groups, figures) }
    } catch is Refusal {
      return nil
    } catch is ScanPlan.Refusal {
      return nil
    } catch is RuntimeError {
      // The VM will say it, at the script's place.
      return nil
    }
    groups.sort { $0.firstID < $1.firstID }
    var answer = AggregateAnswer(keys: [], counts: [], values: [])
    do {
      for g in groups {
        answer.keys.append(keys.isEmpty ? .null : keyIsList ? .list(g.key) : g.key[0])
        answer.counts.append(g.count)
        answer.values.append(try figures.indices.map { try result(figures[$0], $0, g) })
      }
    } catch is RuntimeError {
      return nil
    }
    return answer
  }

  // MARK: - From the request to the database's terms

  /// A key shape as a column or a period of a date column, or nil.
  private static func groupKey(
    _ shape: ItemValue, _ kind: RecordKind, _ constants: ContiguousArray<Value>
  ) -> (GroupedScan.Key, KeyReader)? {
    if case .period(let function, let inner, let k) = shape {
      // The function must still be the built-in one (a script may define its own `month`).
      guard PushedFilter.isBuiltIn(function.rawValue, k, constants),
        case .field(let path, .date)? = storePath(inner, kind)
      else { return nil }
      return (.period(storePeriod(function), path), .period(function))
    }
    if case .choose(let branches, let otherwise) = shape {
      return choice(branches, otherwise, kind, constants)
    }
    switch storePath(shape, kind) {
    case .field(let path, let type)?: return (.column(path), .value(type))
    case .id(let path, let target)?: return (.column(path), .code(target))
    case nil: return nil
    }
  }

  /// An `if` whose conditions a `where` could hand the store (`PushedFilter`, which takes
  /// only what gives the VM's answer, errors included) and whose values are constants of one
  /// type: a `CASE` in the database.
  private static func choice(
    _ branches: [ItemBranch], _ otherwise: ItemValue, _ kind: RecordKind, _ constants: ContiguousArray<Value>
  ) -> (GroupedScan.Key, KeyReader)? {
    /// A constant as the store keeps it: texts, whole numbers, yes/no, dates and nil (a
    /// fraction or a list would not come back as the VM has it).
    func stored(_ shape: ItemValue) -> FieldValue? {
      guard case .constant(let k) = shape, let v = PushedFilter.constant(k, constants),
        let field = try? FieldConversion.extra(v, name: "a group's key")
      else { return nil }
      switch field {
      case .double, .list: return nil
      default: return field
      }
    }
    var storeBranches: [GroupedScan.Branch] = []
    var type: FieldType?
    /// Whether the value is of the type the others have (null goes with any).
    func note(_ v: FieldValue) -> Bool {
      guard let t = v.type else { return true }
      if let type, type != t { return false }
      type = t
      return true
    }
    for branch in branches {
      guard let condition = PushedFilter.condition(branch.condition, constants: constants, kind: kind),
        let value = stored(branch.value), note(value)
      else { return nil }
      storeBranches.append(GroupedScan.Branch(condition: condition, value: value))
    }
    guard let last = stored(otherwise), note(last) else { return nil }
    return (.choice(storeBranches, otherwise: last), .value(type ?? .text))
  }

  /// The store's name for a period function (the language and the store share no types).
  private static func storePeriod(_ function: PeriodFunction) -> GroupedScan.Period {
    switch function {
    case .month: return .month
    case .quarter: return .quarter
    case .financialYear: return .financialYear
    }
  }

  /// Where a shape that is a plain field path leads, or nil.
  private static func storePath(_ shape: ItemValue, _ kind: RecordKind) -> ScanPlan.StorePath? {
    guard case .path(let names) = shape else { return nil }
    return ScanPlan.storePath(kind, names)
  }

  /// What the database works out for one aggregate (nil for `share`, made from the counts),
  /// or nil when it is not one this grouping takes.
  private static func figure(_ aggregate: AggregateKind, _ shape: ItemValue?, _ kind: RecordKind) -> (
    GroupedScan.Aggregate?, Figure
  )? {
    guard let shape else {
      switch aggregate {
      case .count: return (nil, .count)
      case .share: return (nil, .share)
      default: return nil
      }
    }
    let path = storePath(shape, kind)
    switch (aggregate, path) {
    case (.sum, .field(let p, .int)?): return (.sum(p), .sum)
    case (.avg, .field(let p, .int)?): return (.sum(p), .avg)
    case (.min, .field(let p, let type)?) where type == .int || type == .date: return (.min(p), .min(type))
    case (.max, .field(let p, let type)?) where type == .int || type == .date: return (.max(p), .max(type))
    case (.countDistinct, .field(let p, let type)?) where type == .int || type == .date:
      return (.countDistinct(p), .countDistinct)
    case (.countDistinct, .id(let p, _)?): return (.countDistinct(p), .countDistinct)
    default: return nil
    }
  }

  // MARK: - Reading the groups

  private static func read(_ row: ScanRow, _ readers: [KeyReader], _ figures: [Figure]) throws -> Group {
    var key: [Value] = []
    for (i, reader) in readers.enumerated() {
      switch reader {
      case .value(let type):
        key.append(try ScanPlan.columnValue(i, type, row))
      case .code(let kind):
        guard !row.isNull(i), row.isInteger(i) else { throw Refusal() }
        key.append(.text(kind.code(for: row.int(i))))
      case .period(let period):
        // An empty date has no period: the VM stops there, with its message.
        guard let day = row.date(i) else { throw Refusal() }
        key.append(Library.period(period, containing: day))
      }
    }
    var c = readers.count
    let firstID = row.int(c)
    let count = Int(row.int(c + 1))
    c += 2
    var group = Group(
      key: key, firstID: firstID, count: count, sums: Array(repeating: 0, count: figures.count),
      present: Array(repeating: 0, count: figures.count),
      values: Array(repeating: .null, count: figures.count))
    for (j, figure) in figures.enumerated() {
      switch figure {
      case .count, .share:
        continue
      case .sum, .avg:
        let present = Int(row.int(c + 1))
        if present > 0 {
          // A sum past the largest whole number: the VM reports the overflow.
          guard let sum = Int(row.text(c)) else { throw Refusal() }
          group.sums[j] = sum
        }
        group.present[j] = present
        c += 2
      case .min(let type), .max(let type):
        group.values[j] = try ScanPlan.columnValue(c, type, row)
        c += 1
      case .countDistinct:
        group.values[j] = .int(Int(row.int(c)))
        c += 1
      }
    }
    return group
  }

  /// Groups the language sees as one (texts that differ only in their Unicode normal form,
  /// which the database tells apart) made one; a distinct count cannot be merged, so it
  /// refuses then.
  private static func merged(_ groups: [Group], _ figures: [Figure]) throws -> [Group] {
    var index: [[Value]: Int] = [:]
    var out: [Group] = []
    out.reserveCapacity(groups.count)
    for g in groups {
      guard let i = index[g.key] else {
        index[g.key] = out.count
        out.append(g)
        continue
      }
      var m = out[i]
      m.firstID = min(m.firstID, g.firstID)
      m.count += g.count
      for (j, figure) in figures.enumerated() {
        switch figure {
        case .count, .share: break
        case .sum, .avg:
          let (sum, overflow) = m.sums[j].addingReportingOverflow(g.sums[j])
          if overflow { throw Refusal() }
          m.sums[j] = sum
          m.present[j] += g.present[j]
        case .min, .max:
          let isMin: Bool
          if case .min = figure { isMin = true } else { isMin = false }
          if m.values[j].isNull {
            m.values[j] = g.values[j]
          } else if !g.values[j].isNull, let c = Value.compare(g.values[j], m.values[j]) {
            if (isMin && c == .less) || (!isMin && c == .greater) { m.values[j] = g.values[j] }
          }
        case .countDistinct:
          throw Refusal()
        }
      }
      out[i] = m
    }
    return out
  }

  /// The figure's value for a group, as `Aggregation` gives it.
  private static func result(_ figure: Figure, _ j: Int, _ g: Group) throws -> Value {
    switch figure {
    case .count: return .int(g.count)
    case .share: return .null
    case .sum: return .int(g.sums[j])
    case .avg:
      return g.present[j] == 0 ? .null : try Library.arithmetic(.divide, .int(g.sums[j]), .int(g.present[j]))
    case .min, .max, .countDistinct: return g.values[j]
    }
  }
}
