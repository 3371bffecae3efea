/// The formats a report (or any table) can be written in.
public enum ReportFormat: String, CaseIterable, Sendable {
  case table, csv, json, md, html

  /// The format a file name asks for (`visits.csv`), or nil.
  public static func from(fileName: String) -> ReportFormat? {
    guard let dot = fileName.lastIndex(of: ".") else { return nil }
    switch fileName[fileName.index(after: dot)...].lowercased() {
    case "csv": return .csv
    case "json": return .json
    case "md", "markdown": return .md
    case "html", "htm": return .html
    case "txt": return .table
    default: return nil
    }
  }

  public func render(_ result: ReportResult) -> String {
    switch self {
    case .table: return TerminalRenderer().render(result)
    case .csv: return CSVRenderer().render(result)
    case .json: return JSONRenderer().render(result)
    case .md: return MarkdownRenderer().render(result)
    case .html: return HTMLRenderer().render(result)
    }
  }
}
