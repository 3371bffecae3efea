/// `suppress under N`: small counts (1 to N-1) are about so few people that they could identify
/// someone, so every output shows them as "<N". Applied once, to the finished model, so no format
/// can leak a figure.
///
/// Which figures: whole numbers in every column but the first (the labels), except the columns
/// the report names (`suppress under 5 except median_days`): medians and averages are not
/// counts of people. A total that is itself small is suppressed; and when a column has exactly
/// one suppressed cell and a total, the smallest other count is withheld too (shown as "*"), so
/// that the hidden one cannot be worked out as the total minus the others.
struct Suppression {
  let under: Int
  let except: Set<String>

  func apply(to result: inout ReportResult) {
    result.suppressUnder = under
    for i in result.sections.indices {
      switch result.sections[i] {
      case .table(var t):
        apply(to: &t)
        result.sections[i] = .table(t)
      case .chart(var c):
        apply(to: &c.table)
        result.sections[i] = .chart(c)
      case .text: break
      }
    }
  }

  func isSmall(_ cell: ReportCell) -> Bool {
    if case .int(let n) = cell { return n >= 1 && n < under }
    return false
  }

  func apply(to table: inout ReportTable) {
    for c in table.columns.indices.dropFirst() where !except.contains(table.columns[c]) {
      var hidden = 0
      for r in table.rows.indices where c < table.rows[r].count && isSmall(table.rows[r][c]) {
        table.rows[r][c] = .suppressed(under: under)
        hidden += 1
      }
      guard var total = table.total, c < total.count else { continue }
      if isSmall(total[c]) {
        total[c] = .suppressed(under: under)
      } else if hidden == 1, case .int = total[c] {
        // Secondary suppression: hide the smallest other count in the column as well.
        var smallest: (row: Int, value: Int)?
        for r in table.rows.indices where c < table.rows[r].count {
          if case .int(let n) = table.rows[r][c], n > 0, n < (smallest?.value ?? Int.max) {
            smallest = (r, n)
          }
        }
        if let s = smallest {
          table.rows[s.row][c] = .withheld
        } else {
          // No other count to hide: the total would give the hidden one away.
          total[c] = .suppressed(under: under)
        }
      }
      table.total = total
    }
  }
}
