import PeerCalendar
import PeerScript

/// A declared report (`report quarterly(q = this_quarter) { ... }`): its parts, checked when the
/// declaration runs, and `run` to work it out into a `ReportResult`.
public final class Report: HostObject {
  enum Part {
    case title(Value)
    case text(Value)
    case table(title: Value, value: Value, total: Bool)
    case chart(ChartStyle, title: Value, value: Value)
    /// Worked out once per run; an extra argument of every later part.
    case share(Value)
  }

  public let name: String
  public let parameters: [String]
  /// Functions of no arguments giving each parameter's default (nil when it has none).
  let defaults: [Value]
  /// The text after the name, if any; a `title` line replaces it.
  let headerTitle: Value
  let parts: [Part]
  let suppression: Suppression?
  let running: ReportLibrary.RunningReport

  init(
    name: String, parameters: [String], defaults: [Value], headerTitle: Value, parts: [Part],
    suppression: Suppression?, running: ReportLibrary.RunningReport
  ) {
    self.running = running
    self.name = name
    self.parameters = parameters
    self.defaults = defaults
    self.headerTitle = headerTitle
    self.parts = parts
    self.suppression = suppression
  }

  override public var typeName: String { "report" }

  override public var description: String {
    "<report \(name)(\(parameters.joined(separator: ", ")))>"
  }

  override public func field(_ name: String) throws -> Value? {
    switch name {
    case "name": return .text(self.name)
    case "parameters": return .list(parameters.map { Value.text($0) })
    case "run":
      return .native(
        NativeFunction(
          "\(self.name).run", arity: 0...parameters.count,
          doc: "\(self.name).run(\(parameters.joined(separator: ", "))) - work out the report"
        ) { [self] args in
          .host(ReportValue(try run(args.all, vm: args.vm)))
        })
    default: return nil
    }
  }

  override public var fieldNames: [String] { ["name", "parameters", "run"] }

  /// Works the report out with the given arguments (missing ones take their defaults).
  public func run(_ given: [Value], vm: VM) throws -> ReportResult {
    var arguments: [Value] = []
    for (i, parameter) in parameters.enumerated() {
      if i < given.count, !given[i].isNull {
        arguments.append(given[i])
      } else if !defaults[i].isNull {
        arguments.append(try vm.call(defaults[i], []))
      } else {
        throw RuntimeError(
          "the report \(name) needs a value for \(parameter)",
          hint: "give it as \(name).run(...) or with --\(parameter) VALUE")
      }
    }
    func text(_ f: Value) throws -> String {
      let v = try vm.call(f, arguments)
      if case .range(let r) = v, let label = r.label { return label }
      return v.description
    }
    // Texts suppress their small figures as the tables do (a report run inside another keeps its own rule).
    running.depth += 1
    defer { running.depth -= 1 }
    let outer = (running.suppressUnder, running.texts)
    running.suppressUnder = suppression?.under
    running.texts = []
    defer { (running.suppressUnder, running.texts) = outer }
    // A title in the header (`report r "Title" { }`) was worked out when the report was declared.
    var result = ReportResult(name: name, title: headerTitle.isNull ? name : headerTitle.description)
    result.producedOn = running.today.map(ReportLibrary.longDate)
    result.period = Self.period(of: arguments)
    for part in parts {
      switch part {
      case .title(let f): result.title = try text(f)
      case .text(let f): result.sections.append(.text(try text(f)))
      case .table(let title, let f, let total):
        var table = try ReportTable.from(try vm.call(f, arguments), title: try text(title))
        if total { table.addTotal(except: suppression?.except ?? []) }
        result.sections.append(.table(table))
      case .chart(let style, let title, let f):
        let table = try ReportTable.from(try vm.call(f, arguments), title: try text(title))
        result.sections.append(.chart(ReportChart(style: style, table: table)))
      case .share(let f):
        arguments.append(try vm.call(f, arguments))
      }
    }
    suppression?.apply(to: &result, texts: running.texts)
    return result
  }

  /// The period the figures cover: the first parameter that is a period of dates, or a day.
  static func period(of arguments: [Value]) -> String? {
    for a in arguments {
      if case .range(let r) = a, case .date(let first) = r.lower, case .date(let last) = r.upper {
        return
          "\(ReportLibrary.longDate(CivilDate(days: first))) to \(ReportLibrary.longDate(CivilDate(days: last)))"
      }
    }
    for a in arguments { if case .date(let d) = a { return ReportLibrary.longDate(CivilDate(days: d)) } }
    return nil
  }

  /// `|declare_report`: checks the declaration's map and makes the report.
  static func declare(_ declaration: Value, running: ReportLibrary.RunningReport) throws -> Value {
    guard case .map(let d) = declaration, case .string(let name)? = d["name"],
      case .list(let params)? = d["parameters"], case .list(let defaults)? = d["defaults"],
      case .list(let entries)? = d["entries"]
    else { throw RuntimeError("a report declaration is malformed") }
    var parts: [Part] = []
    var suppression: Suppression?
    var sawTitle = false
    for e in entries.items {
      guard case .map(let entry) = e, case .string(let clause)? = entry["clause"] else { continue }
      let value = entry["value"] ?? .null
      let title = entry["title"] ?? .null
      switch clause.value {
      case "title":
        if sawTitle { throw RuntimeError.declaration("the report has two titles", at: e, hint: "keep one") }
        sawTitle = true
        parts.append(.title(value))
      case "text": parts.append(.text(value))
      case "let": parts.append(.share(value))
      case "table": parts.append(.table(title: title, value: value, total: entry["total"]?.isTruthy ?? false))
      case "chart":
        guard case .string(let s)? = entry["style"], let style = ChartStyle(rawValue: s.value) else {
          continue
        }
        parts.append(.chart(style, title: title, value: value))
      case "suppress":
        if suppression != nil {
          throw RuntimeError.declaration(
            "the report says \"suppress\" twice", at: e,
            hint: "one \"suppress under N\" line covers every table")
        }
        guard case .int(let under)? = entry["under"] else { continue }
        func names(_ key: String) -> Set<String> {
          guard case .list(let l)? = entry[key] else { return [] }
          return Set(l.items.map { $0.description })
        }
        var roundTo: Int?
        if case .int(let step)? = entry["round"] { roundTo = step }
        suppression = Suppression(
          under: under, except: names("except"), keep: names("keep"), roundTo: roundTo)
      default: continue
      }
    }
    if !parts.contains(where: {
      switch $0 {
      case .title, .share: return false
      default: return true
      }
    }) {
      throw RuntimeError.declaration(
        "the report \(name.value) has nothing to show", at: declaration,
        hint: "add a table, chart or text line, as in table \"Visits\" = visits | count")
    }
    return .host(
      Report(
        name: name.value, parameters: params.items.map { $0.description }, defaults: Array(defaults.items),
        headerTitle: d["title"] ?? .null, parts: parts, suppression: suppression, running: running))
  }
}

/// A report that has run, as a value: the REPL shows it as the terminal table, and `save`
/// writes it in any format.
public final class ReportValue: HostObject {
  public let result: ReportResult

  public init(_ result: ReportResult) { self.result = result }

  override public var typeName: String { "report result" }

  override public var description: String { TerminalRenderer().render(result) }

  override public func field(_ name: String) throws -> Value? {
    switch name {
    case "title": return .text(result.title)
    case "tables":
      // Each table (and chart) as {title, rows}: rows are maps of the figures as shown.
      return .list(
        result.sections.compactMap { section -> Value? in
          let table: ReportTable
          switch section {
          case .table(let t): table = t
          case .chart(let c): table = c.table
          case .text: return nil
          }
          let rows = (table.rows + (table.total.map { [$0] } ?? [])).map { row -> Value in
            let m = MapObject()
            for (c, name) in table.columns.enumerated() where c < row.count {
              switch row[c] {
              case .int(let n), .rounded(let n): m.entries[.text(name)] = .int(n)
              case .number(let d): m.entries[.text(name)] = .float(d)
              case .empty: m.entries[.text(name)] = .null
              default: m.entries[.text(name)] = .text(row[c].text)
              }
            }
            return .map(m)
          }
          return .map(MapObject([.text("title"): .text(table.title), .text("rows"): .list(rows)]))
        })
    default: return nil
    }
  }

  override public var fieldNames: [String] { ["title", "tables"] }
}
