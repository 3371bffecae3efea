import PeerCalendar

/// `group by month(.date) [over PERIOD]`: groups keyed by periods, in time order, with the
/// periods that have no items kept as empty groups so that counts show zero rather than
/// a missing row (funders read a month with no visits as "no visits", not as a gap).
extension Stages {
  /// The kinds of period a `group by` key may be, each with the function that gives the
  /// period of that kind containing a date.
  static let periodKinds: [(name: String, containing: @Sendable (Int32) -> Value)] = [
    ("month", Library.month(containing:)),
    ("quarter", Library.quarter(containing:)),
    ("financial year", { Library.financialYear(startingIn: Library.financialYearStart($0)) }),
  ]

  /// Adds the empty periods between the first and last key (or across `over`), then orders
  /// the groups by time; a nil key (an item with no date) stays last.
  static func fillPeriods(_ groups: GroupsObject, over span: Value?) throws -> GroupsObject {
    var index: [Value: Int] = [:]
    var kind: (name: String, containing: @Sendable (Int32) -> Value)?
    var first: Int32?
    var last: Int32?
    for (i, key) in groups.keys.enumerated() {
      index[key] = i
      if key.isNull { continue }
      guard case .range(let r) = key, case .date(let lo) = r.lower, let found = periodKind(of: r) else {
        throw RuntimeError(
          "group by needs a period for each item, got \(key.kindAndValue)",
          hint: "group by month(.date), quarter(.date) or financial_year(.date); or use group without by")
      }
      if let kind, kind.name != found.name {
        throw RuntimeError("group by got both a \(kind.name) and a \(found.name): \(key.shortDescription)")
      }
      kind = found
      first = min(first ?? lo, lo)
      last = max(last ?? lo, lo)
    }
    if let span {
      guard case .range(let r) = span, case .date(let lo) = r.lower, case .date(let hi) = r.upper else {
        throw RuntimeError(
          "group by ... over needs a period, got \(span.kindAndValue)",
          hint: "for example: group by month(.date) over financial_year(2026)")
      }
      first = min(first ?? lo, lo)
      last = max(last ?? hi, hi)
    }
    // With no keys at all, `over` alone still says which periods to show: months by default.
    let containing = (kind ?? periodKinds[0]).containing
    var keys = ContiguousArray<Value>()
    var members = ContiguousArray<ContiguousArray<Value>>()
    if var day = first, let last {
      while day <= last {
        let period = containing(day)
        guard case .range(let r) = period, case .date(let hi) = r.upper else { break }
        keys.append(period)
        members.append(index[period].map { groups.members[$0] } ?? [])
        day = hi + 1
      }
    }
    // Keys outside `over` (a pipeline without a matching `where`) are kept, in time order.
    let shown = Set(keys)
    var merged = zip(keys, members).map { ($0, $1) }
    for (key, items) in zip(groups.keys, groups.members) where !key.isNull && !shown.contains(key) {
      merged.append((key, items))
    }
    merged.sort { Value.compare(periodStart($0.0), periodStart($1.0)) == .less }
    if let i = index[.null] { merged.append((.null, groups.members[i])) }
    return GroupsObject(
      keyName: groups.keyName, keys: ContiguousArray(merged.map { $0.0 }),
      members: ContiguousArray(merged.map { $0.1 }))
  }

  static func periodKind(of r: RangeObject) -> (name: String, containing: @Sendable (Int32) -> Value)? {
    guard case .date(let lo) = r.lower else { return nil }
    return periodKinds.first { kind in
      guard case .range(let p) = kind.containing(lo) else { return false }
      return p.lower == r.lower && p.upper == r.upper
    }
  }

  static func periodStart(_ v: Value) -> Value {
    if case .range(let r) = v { return r.lower }
    return v
  }
}

extension Library {
  /// The period `month`, `quarter` or `financial_year` gives for a date: for a host that
  /// groups stored records by period itself (see HostAggregation.swift).
  public static func period(_ function: PeriodFunction, containing day: Int32) -> Value {
    switch function {
    case .month: return month(containing: day)
    case .quarter: return quarter(containing: day)
    case .financialYear: return financialYear(startingIn: financialYearStart(day))
    }
  }

  /// The first day of that period: one number per period, cheap to compare and hash.
  public static func periodStart(_ function: PeriodFunction, containing day: Int32) -> Int32 {
    let c = CivilDate(days: day)
    switch function {
    case .month: return CivilDate(year: c.year, month: c.month, day: 1).days
    case .quarter: return CivilDate(year: c.year, month: (c.month - 1) / 3 * 3 + 1, day: 1).days
    case .financialYear: return CivilDate(year: c.month >= 4 ? c.year : c.year - 1, month: 4, day: 1).days
    }
  }
}
