import PeerCalendar
import PeerScript

/// The report built-ins: `|declare_report` behind `report NAME { }`, and for any pipeline result
/// at the REPL `save(x, "file.csv")`, `chart(x, "bar")` and `count_by_month(items, period, f)`.
enum ReportLibrary {
  @discardableResult
  static func register(in interpreter: Interpreter, files: ScriptFiles) -> RunningReport {
    let running = RunningReport()
    running.today = interpreter.today
    interpreter.define("|declare_report", arity: 1...1, doc: "") { [unowned interpreter] args in
      try DeclaredNames.check(args[0], in: interpreter)
      return try Report.declare(args[0], running: running)
    }
    // Every figure interpolated into a report's text: a small count is shown as "<N" while a
    // report with `suppress under N` runs.
    interpreter.define("|report_figure", arity: 1...1, doc: "") { args in
      if running.suppressUnder != nil, case .int(let n) = args[0] {
        return .text(running.note(.count(n)))
      }
      return args[0]
    }
    interpreter.define(
      "percent", arity: 2...2,
      doc:
        "percent(part, whole) - a whole percentage as text (\"6%\"); in a report, hidden when it would reveal a small count"
    ) { args in
      guard case .int(let part) = args[0] else { throw args.typeError(0, expected: "a whole number") }
      guard case .int(let whole) = args[1] else { throw args.typeError(1, expected: "a whole number") }
      if running.suppressUnder != nil { return .text(running.note(.percent(part: part, whole: whole))) }
      return .text(TextFigures.percent(part: part, whole: whole))
    }

    interpreter.define(
      "save", arity: 2...2,
      doc:
        "save(x, \"file.csv\") - write a report or any table to a file; .csv, .json, .md, .html or .txt by its name"
    ) { args in
      let path = try args.string(1)
      guard let format = ReportFormat.from(fileName: path) else {
        throw RuntimeError(
          "save cannot tell which format \"\(path)\" should be",
          hint: "end the file name with .csv, .json, .md, .html or .txt")
      }
      let result = try asResult(args[0], title: baseName(path))
      do {
        try files.write(format.render(result), to: path)
      } catch let e as ProjectError {
        throw RuntimeError(e.message, hint: e.hint)
      }
      return .text(path)
    }

    interpreter.define(
      "chart", arity: 1...3,
      doc:
        "chart(x, \"bar\", \"Title\") - draw a table as a chart: \"bar\", \"stacked\" or \"line\"; save it as .html"
    ) { args in
      let styleName = args.count > 1 ? try args.string(1) : "bar"
      guard let style = ChartStyle(rawValue: styleName == "stacked bar" ? "stacked" : styleName) else {
        throw RuntimeError(
          "there is no \"\(styleName)\" chart", hint: "the charts are \"bar\", \"stacked\" and \"line\"")
      }
      let title = args.count > 2 ? try args.string(2) : "Chart"
      let table = try ReportTable.from(args[0], title: title)
      guard table.columns.count >= 2 else {
        throw RuntimeError(
          "a chart needs a label and at least one figure per row, got the one column \(table.columns.first ?? "")",
          hint: "chart a table such as visits | group .kind | count")
      }
      var result = ReportResult(name: "chart", title: title)
      result.sections = [.chart(ReportChart(style: style, table: table))]
      return .host(ReportValue(result))
    }

    interpreter.define(
      "count_by_month", arity: 3...3,
      doc:
        "count_by_month(items, period, f) - how many items have f(item) in each month of the period, empty months as 0"
    ) { args in
      guard case .range(let period) = args[1], case .date(let first) = period.lower,
        case .date(let last) = period.upper
      else { throw args.typeError(1, expected: "a period of dates, such as this_quarter") }
      let f = try args.function(2)
      let start = CivilDate(days: first)
      var monthStarts: [Int32] = []
      var m = CivilDate(year: start.year, month: start.month, day: 1)
      while m.days <= last {
        monthStarts.append(m.days)
        m = m.addingMonths(1)
      }
      var counts = [Int](repeating: 0, count: monthStarts.count)
      let items: ContiguousArray<Value>
      switch args[0] {
      case .list(let l): items = l.items
      case .host(let h): items = try h.items() ?? []
      default: throw args.typeError(0, expected: "a list or records")
      }
      for item in items {
        guard case .date(let d) = try args.call(f, item), d >= first, d <= last else { continue }
        let c = CivilDate(days: d)
        let index = (c.year - start.year) * 12 + (c.month - start.month)
        if index >= 0 && index < counts.count { counts[index] += 1 }
      }
      return .list(
        zip(monthStarts, counts).map { day, n in
          let c = CivilDate(days: day)
          let label = "\(String(monthNames[c.month - 1].prefix(3))) \(c.year)"
          return Value.map(MapObject([.text("month"): .text(label), .text("count"): .int(n)]))
        })
    }
    return running
  }

  /// What the report being worked out asks of its texts (nil between runs).
  final class RunningReport {
    var suppressUnder: Int?
    /// How many reports are being worked out now (one inside another counts twice): while one
    /// is, restricted records count in its figures (see Restriction).
    var depth = 0
    /// The session's day: a report says when it was produced.
    var today: CivilDate?
    /// The figures its texts have published so far (see TextFigures).
    var texts: [TextFigure] = []

    /// Notes a figure of a text; the marker that stands for it until the run is finished.
    func note(_ figure: TextFigure) -> String {
      texts.append(figure)
      return TextFigures.marker(texts.count - 1)
    }
  }

  static let monthNames = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
  ]

  /// A day as people write it: 1 July 2026.
  static func longDate(_ d: CivilDate) -> String { "\(d.day) \(monthNames[d.month - 1]) \(d.year)" }

  static func asResult(_ value: Value, title: String) throws -> ReportResult {
    if case .host(let h) = value, let r = h as? ReportValue { return r.result }
    var result = ReportResult(name: title, title: title)
    result.sections = [.table(try ReportTable.from(value, title: title))]
    return result
  }

  static func baseName(_ path: String) -> String {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    guard let dot = name.lastIndex(of: ".") else { return name }
    return String(name[..<dot])
  }
}
