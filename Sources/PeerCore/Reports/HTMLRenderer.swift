/// A report as one self-contained web page: inline CSS, tables, SVG charts, no scripts and no
/// links to fetch, so it opens offline, prints cleanly and can be emailed as one file.
struct HTMLRenderer {
  static let style = """
    body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; max-width: 760px;
      margin: 2em auto; padding: 0 1em; line-height: 1.45; }
    h1 { font-size: 1.6em; border-bottom: 3px solid #2f6f8f; padding-bottom: .2em; }
    h2 { font-size: 1.15em; margin-top: 1.8em; color: #2f6f8f; }
    table { border-collapse: collapse; margin: .5em 0 1em; min-width: 50%; }
    th, td { padding: .3em .8em; border-bottom: 1px solid #ddd; text-align: left; }
    th { background: #f1f5f8; }
    td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
    tr.total td { font-weight: bold; border-top: 2px solid #888; }
    figure { margin: .5em 0 1.5em; }
    svg { width: 100%; height: auto; }
    p.note, p.meta { font-size: .85em; color: #555; }
    caption { position: absolute; left: -10000px; }
    details.data { font-size: .85em; }
    table.chart-data { min-width: 0; }
    @media print { body { margin: 0; max-width: none; } section { break-inside: avoid; } }
    """

  /// The start of a page up to its heading: the title, and the style inline (plus `moreStyle`).
  static func head(title: String, moreStyle: String = "") -> String {
    """
    <!DOCTYPE html>
    <html lang="en">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>\(SVGWriter.escape(title))</title>
    <style>
    \(HTMLRenderer.style)
    \(moreStyle)
    </style>
    </head>
    <body>
    <h1>\(SVGWriter.escape(title))</h1>

    """
  }

  func render(_ result: ReportResult) -> String {
    var out = HTMLRenderer.head(title: result.title)
    let meta = [result.period.map { "Period: \($0)" }, result.producedOn.map { "Produced on \($0)" }]
      .compactMap { $0 }
    if !meta.isEmpty { out += "<p class=\"meta\">\(escape(meta.joined(separator: ". ")))</p>\n" }
    for section in result.sections {
      switch section {
      case .text(let s): out += "<p>\(escape(s))</p>\n"
      case .table(let t): out += "<section>\n<h2>\(escape(t.title))</h2>\n\(table(t))</section>\n"
      case .chart(let c):
        // The figures drawn, as a table too: for screen readers, and for whoever wants the numbers.
        out +=
          "<section>\n<h2>\(escape(c.title))</h2>\n<figure>\n\(ChartDrawing(chart: c).svg())\n"
          + "<figcaption><details class=\"data\"><summary>The figures of this chart</summary>\n"
          + table(c.table, className: "chart-data") + "</details></figcaption>\n</figure>\n</section>\n"
      }
    }
    for line in result.legend { out += "<p class=\"note\">\(escape(line))</p>\n" }
    return out + "</body>\n</html>\n"
  }

  func table(_ t: ReportTable, className: String? = nil) -> String {
    let body = t.rows + (t.total.map { [$0] } ?? [])
    let numeric = t.columns.indices.map { c in body.contains { c < $0.count && $0[c].isNumeric } }
    func cells(_ row: [ReportCell], tag: String) -> String {
      t.columns.indices.map { c in
        let text = c < row.count ? row[c].readable : ""
        return "<\(tag)\(numeric[c] ? " class=\"n\"" : "")>\(escape(text))</\(tag)>"
      }.joined()
    }
    var out =
      "<table\(className.map { " class=\"\($0)\"" } ?? "")>\n<caption>\(escape(t.title))</caption>\n<thead><tr>"
    out += t.columns.indices.map { c in
      "<th scope=\"col\"\(numeric[c] ? " class=\"n\"" : "")>\(escape(ReportTable.heading(t.columns[c])))</th>"
    }.joined()
    out += "</tr></thead>\n<tbody>\n"
    for row in t.rows { out += "<tr>\(cells(row, tag: "td"))</tr>\n" }
    if t.rows.isEmpty { out += "<tr><td colspan=\"\(max(1, t.columns.count))\">\(t.emptyText)</td></tr>\n" }
    out += "</tbody>\n"
    if let total = t.total { out += "<tfoot><tr class=\"total\">\(cells(total, tag: "td"))</tr></tfoot>\n" }
    return out + "</table>\n"
  }

  func escape(_ s: String) -> String { SVGWriter.escape(s) }
}
