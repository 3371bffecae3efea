/// Reports for spreadsheets. One table is a plain CSV file (a header line, then the rows); a
/// report with several tables gives each a line with its title before it and a blank line after.
struct CSVRenderer {
  func render(_ result: ReportResult) -> String {
    let tables = result.sections.compactMap { section -> ReportTable? in
      switch section {
      case .table(let t): return t
      case .chart(let c): return c.table
      case .text: return nil
      }
    }
    if tables.count == 1 { return table(tables[0]) }
    return tables.map { field($0.title) + "\n" + table($0) }.joined(separator: "\n")
  }

  func table(_ t: ReportTable) -> String {
    // A pipeline that gave nothing has no columns: a block still starts with a header line.
    var out =
      (t.columns.isEmpty ? t.emptyText.lowercased() : t.columns.map(field).joined(separator: ",")) + "\n"
    for row in t.rows + (t.total.map { [$0] } ?? []) {
      out += row.map { field($0.text) }.joined(separator: ",") + "\n"
    }
    return out
  }

  /// Formula-safe and quoted as every CSV peer writes (CellFormat.csvCell).
  func field(_ s: String) -> String { CellFormat.csvCell(s) }
}
