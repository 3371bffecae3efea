/// `suppress under N [except COLUMN, ...] [keep COLUMN, ...] [round to STEP]`: disclosure control
/// over everything one run of a report publishes (see docs/disclosure.md). Applied once, to the
/// finished model and the figures of its texts, so no format can show more than another.
///
/// Which figures: every column of whole numbers, the first included, counts people (or events
/// of people), and so do the whole numbers and `percent(...)` figures in texts. `except` names
/// figures about a row's people that are not counts (averages, medians, minutes): they are
/// hidden when the row's count is. `keep` names figures not about people (a year, a capacity),
/// left alone. Without `round to`, counts from 1 to N-1 are hidden ("<N") and so are the
/// counts that would give them away ("*"), checked by an audit; with it, the NHS Digital rule.
struct Suppression {
  let under: Int
  let except: Set<String>
  let keep: Set<String>
  let roundTo: Int?

  init(under: Int, except: Set<String> = [], keep: Set<String> = [], roundTo: Int? = nil) {
    self.under = under
    self.except = except
    self.keep = keep
    self.roundTo = roundTo
  }

  /// Whether column `c` of a table counts people: whole numbers throughout, not named otherwise.
  func isCount(_ table: ReportTable, _ c: Int) -> Bool {
    let name = table.columns[c]
    if except.contains(name) || keep.contains(name) { return false }
    var any = false
    for row in table.rows + (table.total.map { [$0] } ?? []) where c < row.count {
      switch row[c] {
      case .int: any = true
      case .empty: continue
      default: return false
      }
    }
    return any
  }

  func apply(to result: inout ReportResult, texts: [TextFigure]) {
    result.suppressUnder = under
    result.roundTo = roundTo
    var published = PublishedFigures(result: result, texts: texts, isCount: isCount)
    var shown: (PublishedFigures.Figure) -> ReportCell
    if let step = roundTo {
      let rounding = NHSRounding(under: under, step: step)
      shown = rounding.cell
    } else {
      // A table whose hidden counts stay narrowed whatever is hidden (a sorted breakdown of
      // fewer than N in all tells its order) is withdrawn, and the rest worked out again.
      while true {
        let stuck = ComplementarySuppression(under: under).apply(to: &published)
        var withdrawn = false
        for f in stuck {
          guard case .cell(let s, _, _) = published.figures[f].place else { continue }
          switch result.sections[s] {
          case .table(var t):
            t.withdraw()
            result.sections[s] = .table(t)
          case .chart(var c):
            c.table.withdraw()
            result.sections[s] = .chart(c)
          case .text: continue
          }
          withdrawn = true
        }
        if !withdrawn { break }
        published = PublishedFigures(result: result, texts: texts, isCount: isCount)
      }
      shown = { f in
        switch f.state {
        case .shown: return .int(f.value)
        case .primary: return .suppressed(under: under)
        case .complementary: return .withheld
        case .tooFew: return .tooFew
        }
      }
    }
    var slots: [Int: [PublishedFigures.Figure]] = [:]
    for f in published.figures {
      switch f.place {
      case .cell(let s, let row, let c):
        switch result.sections[s] {
        case .table(var t):
          set(&t, row, c, shown(f))
          result.sections[s] = .table(t)
        case .chart(var chart):
          set(&chart.table, row, c, shown(f))
          result.sections[s] = .chart(chart)
        case .text: break
        }
      case .text(let slot, _): slots[slot, default: []].append(f)
      }
    }
    for s in result.sections.indices {
      switch result.sections[s] {
      case .table(var t):
        hideFiguresAboutFew(&t)
        result.sections[s] = .table(t)
      case .chart(var c):
        hideFiguresAboutFew(&c.table)
        result.sections[s] = .chart(c)
      case .text(let text):
        result.sections[s] = .text(
          TextFigures.fill(text) { slot in
            let parts = slots[slot] ?? []
            guard case .percent = texts[slot] else { return parts.first.map { shown($0).text } ?? "" }
            return percent(parts.map(shown))
          })
      }
    }
  }

  func set(_ t: inout ReportTable, _ row: Int?, _ c: Int, _ cell: ReportCell) {
    if t.withdrawn { return }
    if let row { t.rows[row][c] = cell } else { t.total?[c] = cell }
  }

  /// A percentage from the figures as shown (part, rest, whole): hidden if any of them is.
  func percent(_ parts: [ReportCell]) -> String {
    guard parts.count == 3, let part = parts[0].number, let whole = parts[2].number, parts[1].number != nil
    else { return TextFigures.hiddenShare }
    return TextFigures.percent(part: Int(part), whole: Int(whole))
  }

  /// Averages, medians and other `except` figures of a row whose people are too few to show:
  /// its count is under N (or, with `round to`, under NHSRounding.fewestForAverage). A row
  /// withheld as "*" has N or more people, so its average says nothing about a small count.
  func hideFiguresAboutFew(_ t: inout ReportTable) {
    let counts = t.columns.indices.filter { c in
      !except.contains(t.columns[c]) && !keep.contains(t.columns[c])
        && t.rows.contains { c < $0.count && ($0[c].hiddenBecause != nil || $0[c].number != nil) }
    }
    let about = t.columns.indices.filter { except.contains(t.columns[$0]) }
    for r in t.rows.indices {
      let few = counts.contains { c in
        guard c < t.rows[r].count else { return false }
        let cell = t.rows[r][c]
        if roundTo != nil, case .rounded(let n) = cell { return n < NHSRounding.fewestForAverage }
        switch cell {
        case .suppressed, .tooFew, .belowThreshold: return true
        default: return false
        }
      }
      guard few else { continue }
      for c in about where c < t.rows[r].count && t.rows[r][c].number != nil { t.rows[r][c] = .tooFew }
    }
  }
}
