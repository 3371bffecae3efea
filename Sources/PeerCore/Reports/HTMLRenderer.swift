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
    p.note { font-size: .85em; color: #555; }
    @media print { body { margin: 0; max-width: none; } section { break-inside: avoid; } }
    """

  func render(_ result: ReportResult) -> String {
    var out = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
      <meta charset="utf-8">
      <meta name="viewport" content="width=device-width, initial-scale=1">
      <title>\(escape(result.title))</title>
      <style>
      \(HTMLRenderer.style)
      </style>
      </head>
      <body>
      <h1>\(escape(result.title))</h1>

      """
    for section in result.sections {
      switch section {
      case .text(let s): out += "<p>\(escape(s))</p>\n"
      case .table(let t): out += "<section>\n<h2>\(escape(t.title))</h2>\n\(table(t))</section>\n"
      case .chart(let c):
        out +=
          "<section>\n<h2>\(escape(c.title))</h2>\n<figure>\n\(ChartDrawing(chart: c).svg())\n</figure>\n</section>\n"
      }
    }
    if let n = result.suppressUnder {
      out +=
        "<p class=\"note\">Counts under \(n) are shown as &lt;\(n); * marks a count withheld so that they cannot be worked out.</p>\n"
    }
    return out + "</body>\n</html>\n"
  }

  func table(_ t: ReportTable) -> String {
    let body = t.rows + (t.total.map { [$0] } ?? [])
    let numeric = t.columns.indices.map { c in body.contains { c < $0.count && $0[c].isNumeric } }
    func cells(_ row: [ReportCell], tag: String) -> String {
      t.columns.indices.map { c in
        let text = c < row.count ? row[c].text : ""
        return "<\(tag)\(numeric[c] ? " class=\"n\"" : "")>\(escape(text))</\(tag)>"
      }.joined()
    }
    var out = "<table>\n<thead><tr>"
    out += t.columns.indices.map { c in
      "<th\(numeric[c] ? " class=\"n\"" : "")>\(escape(ReportTable.heading(t.columns[c])))</th>"
    }.joined()
    out += "</tr></thead>\n<tbody>\n"
    for row in t.rows { out += "<tr>\(cells(row, tag: "td"))</tr>\n" }
    if t.rows.isEmpty { out += "<tr><td colspan=\"\(max(1, t.columns.count))\">Nothing to show</td></tr>\n" }
    out += "</tbody>\n"
    if let total = t.total { out += "<tfoot><tr class=\"total\">\(cells(total, tag: "td"))</tr></tfoot>\n" }
    return out + "</table>\n"
  }

  func escape(_ s: String) -> String { SVGWriter.escape(s) }
}
