import PeerScript

/// A report once it has run: plain titles, texts, tables and charts with every figure worked
/// out and small counts already suppressed. Every output format renders this one model, so the
/// figures are the same in a terminal, a spreadsheet and a browser.
public struct ReportResult: Equatable, Sendable {
  public var name: String
  public var title: String
  public var sections: [ReportSection] = []
  /// `suppress under N`: counts from 1 to N-1 are shown as "<N"; nil when nothing is suppressed.
  public var suppressUnder: Int?
  /// `round to 5`: every count is rounded to a multiple of this (and small ones shown as "*").
  public var roundTo: Int?
  /// The period the figures cover ("1 July 2026 to 30 September 2026"), when a parameter is one.
  public var period: String?
  /// The day the report was produced (the session's today, so `--today` fixes it).
  public var producedOn: String?

  public init(name: String, title: String) {
    self.name = name
    self.title = title
  }

  public var tables: [ReportTable] {
    sections.compactMap {
      if case .table(let t) = $0 { return t }
      return nil
    }
  }

  /// What the symbols for hidden figures mean, one sentence each: every format shows the same.
  public var legend: [String] {
    guard let n = suppressUnder else { return [] }
    let cells = sections.flatMap { section -> [ReportCell] in
      switch section {
      case .table(let t): return t.rows.flatMap { $0 } + (t.total ?? [])
      case .chart(let c): return c.table.rows.flatMap { $0 }
      case .text: return []
      }
    }
    let texts = sections.compactMap {
      if case .text(let s) = $0 { return s }
      return nil
    }
    let dash = cells.contains(.tooFew) || texts.contains { $0.contains(TextFigures.hiddenShare) }
    if let step = roundTo {
      var out = ["Counts are rounded to the nearest \(step); * marks a count under \(n)."]
      if dash {
        out.append(
          "[c] marks an average, median or share of fewer than \(NHSRounding.fewestForAverage) people.")
      }
      return out
    }
    var out = [
      "Counts under \(n) are shown as <\(n); * marks a count withheld so that they cannot be worked out."
    ]
    if dash {
      out.append(
        "[c] marks a figure about fewer than \(n) people (0 to \(n - 1) for a count), or one that would reveal a hidden count."
      )
    }
    return out
  }

  public var charts: [ReportChart] {
    sections.compactMap {
      if case .chart(let c) = $0 { return c }
      return nil
    }
  }
}

public enum ReportSection: Equatable, Sendable {
  case text(String)
  case table(ReportTable)
  case chart(ReportChart)
}

/// A table: named columns, rows of cells, and an optional total row.
public struct ReportTable: Equatable, Sendable {
  public var title: String
  public var columns: [String]
  public var rows: [[ReportCell]]
  public var total: [ReportCell]?
  /// Withdrawn by the disclosure audit: its rows would tell too much however they were hidden.
  public var withdrawn = false

  /// What an empty table or chart says instead of rows.
  public var emptyText: String { withdrawn ? "Too few to show" : "Nothing to show" }

  public init(title: String, columns: [String], rows: [[ReportCell]], total: [ReportCell]? = nil) {
    self.title = title
    self.columns = columns
    self.rows = rows
    self.total = total
  }
}

public enum ChartStyle: String, Equatable, Sendable {
  case bar, stacked, line
}

/// A chart over a table: the first column gives the categories (or the points in time, in
/// order), every other column of numbers is a series.
public struct ReportChart: Equatable, Sendable {
  public var style: ChartStyle
  public var table: ReportTable

  public var title: String { table.title }
  public var categories: [String] { table.rows.map { $0.first?.text ?? "" } }
  /// The columns drawn: those after the first with at least one number in them.
  public var series: [(name: String, values: [ReportCell])] {
    var out: [(String, [ReportCell])] = []
    for c in table.columns.indices.dropFirst() {
      let values = table.rows.map { c < $0.count ? $0[c] : .empty }
      if values.contains(where: { $0.number != nil || $0.isSuppressed }) {
        out.append((table.columns[c], values))
      }
    }
    return out
  }

  public static func == (a: ReportChart, b: ReportChart) -> Bool { a.style == b.style && a.table == b.table }
}

/// One figure or label. Whole numbers stay whole so that suppression can recognise counts.
public enum ReportCell: Equatable, Sendable {
  case empty
  case text(String)
  case int(Int)
  case number(Double)
  /// A count from 1 to under-1, shown as "<under".
  case suppressed(under: Int)
  /// A larger count hidden as well ("*"), so that a suppressed one cannot be worked out from
  /// the total or any other figure the run publishes (complementary suppression).
  case withheld
  /// A figure about fewer people than the threshold in all ("[c]"): an average or median of a
  /// hidden count's people, or a count that could be zero, hidden where "<N" would say too much.
  case tooFew
  /// `round to 5`: a count rounded to the nearest multiple (the figure held is the rounded one).
  case rounded(Int)
  /// `round to 5`: a count under the threshold, shown as "*" (the NHS Digital convention).
  case belowThreshold

  public var text: String {
    switch self {
    case .empty: return ""
    case .text(let s): return s
    case .int(let n): return String(n)
    case .number(let d): return ReportCell.format(d)
    case .suppressed(let n): return "<\(n)"
    case .withheld, .belowThreshold: return "*"
    case .tooFew: return "[c]"
    case .rounded(let n): return String(n)
    }
  }

  /// Why a figure is not shown as it is, for the renderers that say so (JSON); nil when it is.
  public var hiddenBecause: String? {
    switch self {
    case .suppressed, .belowThreshold: return "primary"
    case .withheld: return "complementary"
    case .tooFew: return "too few"
    case .rounded: return "rounded"
    default: return nil
    }
  }

  public var number: Double? {
    switch self {
    case .int(let n), .rounded(let n): return Double(n)
    case .number(let d): return d
    default: return nil
    }
  }

  public var isNumeric: Bool {
    switch self {
    case .int, .number, .suppressed, .withheld, .tooFew, .rounded, .belowThreshold: return true
    default: return false
    }
  }

  public var isSuppressed: Bool {
    switch self {
    case .suppressed, .withheld, .tooFew, .belowThreshold: return true
    default: return false
    }
  }

  /// The text for people reading a page: whole parts in groups of three (12,345 and 1,234.5).
  public var readable: String {
    switch self {
    case .int, .rounded, .number:
      let t = text
      let negative = t.hasPrefix("-")
      let digits = negative ? t.dropFirst() : Substring(t)
      let whole = digits.prefix { $0 != "." }
      guard whole.count > 3 else { return t }
      var grouped = ""
      for (i, c) in whole.enumerated() {
        if i > 0 && (whole.count - i) % 3 == 0 { grouped += "," }
        grouped.append(c)
      }
      return (negative ? "-" : "") + grouped + digits.dropFirst(whole.count)
    default: return text
    }
  }

  /// Decimals to one place, so averages read as 12.3 rather than 12.333333333333334.
  static func format(_ d: Double) -> String {
    if !d.isFinite { return String(d) }
    let r = (d * 10).rounded() / 10
    if r == r.rounded() && abs(r) < 1e15 { return String(Int(r)) + ".0" }
    return String(r)
  }

  /// A script value as a cell: numbers stay numbers, everything else is its text.
  init(_ v: Value) {
    switch v {
    case .null: self = .empty
    case .int(let n): self = .int(n)
    case .float(let d): self = .number(d)
    case .bool(let b): self = .text(b ? "yes" : "no")
    case .range(let r) where r.label != nil: self = .text(r.label!)
    case .list(let l): self = .text(l.items.map { $0.description }.joined(separator: ", "))
    default: self = .text(v.description)
    }
  }
}

extension ReportTable {
  /// A column's name for people to read: `median_days` is shown as "median days".
  static func heading(_ column: String) -> String { column.replacing("_", with: " ") }

  /// A pipeline's result as a table: a list of maps (one row each, columns in first-seen order),
  /// a list of records, a single map (one row), a list of plain values, or one value.
  static func from(_ value: Value, title: String) throws -> ReportTable {
    switch value {
    case .list(let l):
      var columns: [String] = []
      var seen = Set<String>()
      var rowsByName: [[String: Value]] = []
      var plain = false
      for item in l.items {
        switch item {
        case .map(let m):
          var row: [String: Value] = [:]
          for (k, v) in m.entries {
            let name = k.description
            if seen.insert(name).inserted { columns.append(name) }
            row[name] = v
          }
          rowsByName.append(row)
        case .record(let r):
          var row: [String: Value] = [:]
          for (i, name) in r.type.fields.enumerated() where !r.type.hidden.contains(name) {
            if seen.insert(name).inserted { columns.append(name) }
            row[name] = r.values[i]
          }
          rowsByName.append(row)
        default:
          plain = true
          rowsByName.append(["value": item])
        }
      }
      if plain { columns = ["value"] }
      return ReportTable(
        title: title, columns: columns,
        rows: rowsByName.map { row in columns.map { ReportCell(row[$0] ?? .null) } })
    case .map(let m):
      let columns = m.entries.keys.map { $0.description }
      return ReportTable(title: title, columns: columns, rows: [m.entries.values.map { ReportCell($0) }])
    case .groups(let g):
      return ReportTable(
        title: title, columns: [g.keyName, "count"],
        rows: zip(g.keys, g.members).map { [ReportCell($0), .int($1.count)] })
    case .host(let h):
      if let items = try h.items() { return try from(.list(ListObject(items)), title: title) }
      return ReportTable(title: title, columns: ["value"], rows: [[.text(h.description)]])
    default:
      return ReportTable(title: title, columns: ["value"], rows: [[ReportCell(value)]])
    }
  }

  /// No rows, no total: what the disclosure audit does to a table it cannot otherwise protect.
  mutating func withdraw() {
    rows = []
    total = nil
    withdrawn = true
  }

  /// Adds a total row: the sum of every column of whole numbers (the first column says "Total"),
  /// except the columns named as not counts (`suppress under 5 except median_days`).
  mutating func addTotal(except notCounts: Set<String> = []) {
    var total: [ReportCell] = columns.indices.map { _ in .empty }
    for c in columns.indices.dropFirst() where !notCounts.contains(columns[c]) {
      var sum = 0
      var any = false
      var whole = true
      for row in rows where c < row.count {
        switch row[c] {
        case .int(let n):
          sum += n
          any = true
        case .empty: break
        default: whole = false
        }
      }
      if any && whole { total[c] = .int(sum) }
    }
    if !columns.isEmpty { total[0] = .text("Total") }
    self.total = total
  }
}
