import PeerStore

/// Reports for other tools: `{name, title, suppressed_under, sections: [...]}`; each table's rows
/// are objects keyed by column. Figures are JSON numbers; suppressed ones are the text "<5".
struct JSONRenderer {
  func render(_ result: ReportResult) -> String {
    var out = "{\n  \"name\": \(string(result.name)),\n  \"title\": \(string(result.title)),\n"
    out += "  \"suppressed_under\": \(result.suppressUnder.map(String.init) ?? "null"),\n"
    out += "  \"legend\": [\(result.legend.map(string).joined(separator: ", "))],\n"
    out += "  \"sections\": ["
    out += result.sections.map { section -> String in
      switch section {
      case .text(let s): return "\n    {\"type\": \"text\", \"text\": \(string(s))}"
      case .table(let t): return "\n    {\"type\": \"table\", " + table(t) + "}"
      case .chart(let c):
        return "\n    {\"type\": \"chart\", \"style\": \"\(c.style.rawValue)\", " + table(c.table) + "}"
      }
    }.joined(separator: ",")
    out += "\n  ]\n}\n"
    return out
  }

  func table(_ t: ReportTable) -> String {
    func object(_ row: [ReportCell]) -> String {
      "{"
        + t.columns.indices.map { c in string(t.columns[c]) + ": " + cell(c < row.count ? row[c] : .empty) }
        .joined(separator: ", ") + "}"
    }
    var out =
      "\"title\": \(string(t.title)), \"columns\": [\(t.columns.map(string).joined(separator: ", "))], "
    out +=
      "\"rows\": [" + t.rows.map { "\n      " + object($0) }.joined(separator: ",")
      + (t.rows.isEmpty ? "]" : "\n    ]")
    if let total = t.total { out += ", \"total\": " + object(total) }
    if t.withdrawn { out += ", \"withdrawn\": true" }
    return out
  }

  func cell(_ c: ReportCell) -> String {
    switch c {
    case .empty: return "null"
    case .int(let n), .rounded(let n): return String(n)
    // Full precision for other tools; the other formats round to one decimal place.
    case .number(let d): return d.isFinite ? String(d) : "null"
    default: return string(c.text)
    }
  }

  /// A JSON string, quoted as the store writes its own JSON.
  func string(_ s: String) -> String { JSONText.quote(s) }
}
