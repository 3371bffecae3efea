/// Every count of people one run of a report publishes (table and chart cells, totals, figures
/// in its texts, the parts of its percentages) with its true value, and the linear relations
/// between them that a reader who knows how the report is built can write down. The
/// complementary suppression and its audit work on this; the result model never holds a hidden
/// figure's value.
struct PublishedFigures {
  enum Place: Hashable {
    /// A cell of a table or chart: `row` is nil for the Total row.
    case cell(section: Int, row: Int?, column: Int)
    /// Part `part` of text figure `slot` (a percentage has three: part, the rest, whole).
    case text(slot: Int, part: Int)
  }

  enum State: Equatable {
    case shown
    /// A count from 1 to N-1.
    case primary
    /// A count of N or more, hidden to protect another.
    case complementary
    /// A count from 0 to N-1, hidden where "<N" (1 to N-1) would say too much.
    case tooFew
  }

  struct Figure {
    var place: Place
    var value: Int
    var state = State.shown
    /// Which table, chart or text it is in: repeats are looked for between sections only.
    var section: Int
    /// At least 1 as far as the reader knows, even where a symbol would allow 0.
    var positive = false
    /// A table row's label and column (when its first column is not a count): a repeat has both.
    var label: String? = nil
  }

  /// sum(plus) == sum(minus): a total, a row total, a figure repeated elsewhere.
  struct Relation {
    var plus: [Int]
    var minus: [Int]
    var members: [Int] { plus + minus }
  }

  var figures: [Figure] = []
  var relations: [Relation] = []
  /// (larger, smaller): neighbours in a column sorted by its counts, an order the reader sees.
  var orders: [(larger: Int, smaller: Int)] = []
  /// Rows of figures in each table's column of counts, for relations between columns.
  var columns: [[Int]] = []

  /// The figures of a finished run: `isCount` says which columns of a table count people.
  init(result: ReportResult, texts: [TextFigure], isCount: (ReportTable, Int) -> Bool) {
    for (s, section) in result.sections.enumerated() {
      if case .table(let t) = section, t.withdrawn { continue }
      if case .chart(let c) = section, c.table.withdrawn { continue }
      let table: ReportTable
      switch section {
      case .table(let t): table = t
      case .chart(let c): table = c.table
      case .text: continue
      }
      for c in table.columns.indices where isCount(table, c) {
        var column: [Int] = []
        let labelled = !isCount(table, 0)
        for (r, row) in table.rows.enumerated() where c < row.count {
          if case .int(let n) = row[c] {
            column.append(add(.cell(section: s, row: r, column: c), n, s))
            if labelled { figures[figures.count - 1].label = "\(row.first?.text ?? "")|\(table.columns[c])" }
          }
        }
        if let total = table.total, c < total.count, case .int(let n) = total[c] {
          let t = add(.cell(section: s, row: nil, column: c), n, s)
          relations.append(Relation(plus: column, minus: [t]))
        }
        columns.append(column)
        sortOrder(column)
        // A column without a zero may be a `group ... | count`, whose rows exist only for what
        // was seen: the reader knows each is at least 1.
        if column.allSatisfy({ figures[$0].value > 0 }) {
          for f in column { figures[f].positive = true }
        }
      }
      rowTotals(of: table, section: s, isCount: isCount)
    }
    let textSection = result.sections.count
    for (slot, figure) in texts.enumerated() {
      switch figure {
      case .count(let n): _ = add(.text(slot: slot, part: 0), n, textSection + slot)
      case .percent(let part, let whole):
        // A share of a known whole gives its part away: both, and the rest, count as published.
        let p = add(.text(slot: slot, part: 0), part, textSection + slot)
        let rest = add(.text(slot: slot, part: 1), whole - part, textSection + slot)
        let w = add(.text(slot: slot, part: 2), whole, textSection + slot)
        relations.append(Relation(plus: [p, rest], minus: [w]))
      }
    }
    repeats()
  }

  /// A column whose counts run in order (a table sorted by them, or as good as): each
  /// neighbour bounds the next, so a hidden count is no larger than the one above it.
  private mutating func sortOrder(_ column: [Int]) {
    guard column.count >= 3, column.count == Set(column.map { figures[$0].place }).count else { return }
    let values = column.map { figures[$0].value }
    let pairs = Array(zip(column, column.dropFirst()))
    if zip(values, values.dropFirst()).allSatisfy({ $0 >= $1 }) {
      orders += pairs.map { ($0, $1) }
    } else if zip(values, values.dropFirst()).allSatisfy({ $0 <= $1 }) {
      orders += pairs.map { ($1, $0) }
    }
  }

  private mutating func add(_ place: Place, _ value: Int, _ section: Int) -> Int {
    figures.append(Figure(place: place, value: value, section: section))
    return figures.count - 1
  }

  /// A row whose counts include one that is the sum of the others (a row-total column).
  private mutating func rowTotals(of table: ReportTable, section s: Int, isCount: (ReportTable, Int) -> Bool)
  {
    let counted = table.columns.indices.filter { isCount(table, $0) }
    guard counted.count >= 3 else { return }
    // The Total row too: its row-total cell is the sum of the other totals.
    for r in table.rows.indices.map(Optional.some) + [nil] {
      let indices = counted.compactMap { c in
        figures.lastIndex { $0.place == .cell(section: s, row: r, column: c) }
      }
      let sum = indices.reduce(0) { $0 + figures[$1].value }
      for i in indices where 2 * figures[i].value == sum {
        relations.append(Relation(plus: indices.filter { $0 != i }, minus: [i]))
        break
      }
    }
  }

  /// The links a reader finds between sections: the same figure in two places, a figure that is
  /// the sum of a column (or of its last rows), two columns with the same sum. Found by
  /// value, so a coincidence adds a relation that is not there: that can only hide more.
  private mutating func repeats() {
    var byValue: [Int: [Int]] = [:]
    for (i, f) in figures.enumerated() where f.value > 0 { byValue[f.value, default: []].append(i) }
    for (_, same) in byValue {
      // A repeat is in another section, and a row repeats a row of the same label.
      for (i, a) in same.enumerated() {
        for b in same[(i + 1)...] where figures[a].section != figures[b].section {
          if let x = figures[a].label, let y = figures[b].label, x != y { continue }
          relations.append(Relation(plus: [a], minus: [b]))
        }
      }
    }
    var sums: [(column: [Int], sum: Int)] = []
    for column in columns where column.count >= 2 {
      let section = figures[column[0]].section
      // The last rows of a column, all of it included: a quarter's months end the year so far.
      var sum = 0
      for start in column.indices.reversed() {
        sum += figures[column[start]].value
        guard start < column.count - 1, sum > 0 else { continue }
        let run = Array(column[start...])
        // A run's sum is stated as a total or in a text (rows elsewhere are rows, not sums).
        for f in byValue[sum] ?? [] where figures[f].section != section && figures[f].label == nil {
          relations.append(Relation(plus: run, minus: [f]))
        }
      }
      sums.append((column, sum))
    }
    for (i, a) in sums.enumerated() {
      for b in sums[(i + 1)...]
      where a.sum == b.sum && figures[a.column[0]].section != figures[b.column[0]].section {
        relations.append(Relation(plus: a.column, minus: b.column))
      }
    }
  }
}
