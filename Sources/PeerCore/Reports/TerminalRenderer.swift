/// A report for the terminal: the title underlined, texts, aligned tables (figures to the
/// right) and charts as rows of bars.
struct TerminalRenderer {
  var barWidth = 40

  func render(_ result: ReportResult) -> String {
    var out = [result.title, String(repeating: "=", count: result.title.count)]
    for section in result.sections {
      out.append("")
      switch section {
      case .text(let s): out.append(s)
      case .table(let t): out.append(contentsOf: table(t))
      case .chart(let c): out.append(contentsOf: chart(c))
      }
    }
    if !result.legend.isEmpty {
      out.append("")
      out.append(contentsOf: result.legend)
    }
    return out.joined(separator: "\n")
  }

  func table(_ t: ReportTable) -> [String] {
    var lines = [t.title, String(repeating: "-", count: t.title.count)]
    let body = t.rows + (t.total.map { [$0] } ?? [])
    let numeric = t.columns.indices.map { c in
      body.contains { c < $0.count && $0[c].isNumeric }
        && !body.contains { c < $0.count && !$0[c].isNumeric && $0[c] != .empty }
    }
    let widths = t.columns.indices.map { c in
      max(t.columns[c].count, body.map { c < $0.count ? $0[c].text.count : 0 }.max() ?? 0)
    }
    func line(_ cells: [String]) -> String {
      cells.indices.map { c in
        let pad = String(repeating: " ", count: max(0, widths[c] - cells[c].count))
        return numeric[c] ? pad + cells[c] : cells[c] + pad
      }.joined(separator: "  ").trimmingTrailingSpaces()
    }
    lines.append(line(t.columns.map(ReportTable.heading)))
    lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
    for row in t.rows { lines.append(line(t.columns.indices.map { $0 < row.count ? row[$0].text : "" })) }
    if let total = t.total {
      lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
      lines.append(line(t.columns.indices.map { $0 < total.count ? total[$0].text : "" }))
    }
    if t.rows.isEmpty { lines.append("(\(t.emptyText.lowercased()))") }
    return lines
  }

  /// Horizontal bars, one line per category and series, scaled to the largest figure.
  func chart(_ c: ReportChart) -> [String] {
    var lines = [c.title, String(repeating: "-", count: c.title.count)]
    let series = c.series
    let labels =
      series.count > 1 ? c.categories.flatMap { cat in series.map { "\(cat) \($0.name)" } } : c.categories
    let values = c.categories.indices.flatMap { i in series.map { $0.values[i] } }
    let largest = values.compactMap(\.number).max() ?? 0
    let labelWidth = labels.map(\.count).max() ?? 0
    for (label, value) in zip(labels, values) {
      let n = value.number ?? 0
      let length = largest > 0 ? Int((n / largest * Double(barWidth)).rounded()) : 0
      let pad = String(repeating: " ", count: labelWidth - label.count)
      lines.append("\(label)\(pad)  \(String(repeating: "█", count: length)) \(value.text)")
    }
    if labels.isEmpty { lines.append("(\(c.table.emptyText.lowercased()))") }
    return lines
  }
}

extension String {
  func trimmingTrailingSpaces() -> String {
    var s = Substring(self)
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}
