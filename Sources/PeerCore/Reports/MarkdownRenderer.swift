/// Reports for notes and wikis: a heading, paragraphs, pipe tables (figures aligned right);
/// charts appear as their tables.
struct MarkdownRenderer {
  func render(_ result: ReportResult) -> String {
    var out = ["# " + escape(result.title)]
    for section in result.sections {
      out.append("")
      switch section {
      case .text(let s): out.append(escape(s))
      case .table(let t): out.append(table(t))
      case .chart(let c): out.append(table(c.table))
      }
    }
    if !result.legend.isEmpty {
      out.append("")
      out.append(result.legend.map(escape).joined(separator: "\n\n"))
    }
    return out.joined(separator: "\n") + "\n"
  }

  func table(_ t: ReportTable) -> String {
    let body = t.rows + (t.total.map { [$0] } ?? [])
    let numeric = t.columns.indices.map { c in body.contains { c < $0.count && $0[c].isNumeric } }
    var lines = ["## " + escape(t.title), ""]
    // A table of no rows would be a header alone, which some readers draw as an empty grid.
    if t.rows.isEmpty { return (lines + [t.emptyText + "."]).joined(separator: "\n") }
    lines.append("| " + t.columns.map { escape(ReportTable.heading($0)) }.joined(separator: " | ") + " |")
    lines.append("|" + numeric.map { $0 ? "---:" : "---" }.joined(separator: "|") + "|")
    for (i, row) in body.enumerated() {
      let isTotal = t.total != nil && i == body.count - 1
      lines.append(
        "| "
          + t.columns.indices.map { c in
            let s = escape(c < row.count ? row[c].text : "")
            return isTotal && !s.isEmpty ? "**\(s)**" : s
          }.joined(separator: " | ") + " |")
    }
    return lines.joined(separator: "\n")
  }

  func escape(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "|", "*", "_", "\\", "<", "[", "]", "`": out += "\\" + String(c)
      case "\n": out += " "
      default: out.append(c)
      }
    }
    return out
  }
}
