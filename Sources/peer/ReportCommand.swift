import ArgumentParser
import PeerCore
import PeerPostgres
import PeerScript
import PeerStore

/// `peer report NAME [--PARAMETER VALUE...] [--format table|csv|json|md|html] [--out FILE]`: runs a
/// report declared in the project's scripts and writes it in one format.
struct ReportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "report",
    abstract: "Run a report of the project and write it as a table, CSV, JSON, Markdown or HTML.",
    discussion: """
      Reports are declared in the project's scripts (report quarterly(q = this_quarter) { ... }).
      Give a parameter as --NAME VALUE, where VALUE is Peer script: --q "quarter(2026-07-01)",
      --year 2025; a word that is not a name is taken as text (--site Bristol).
      Without NAME, lists the project's reports.
      """)

  @OptionGroup var budget: BudgetOptions
  @OptionGroup var projectOptions: ProjectOptions

  @Option(help: "table (the default), csv, json, md or html.")
  var format: String?

  @Option(
    help: ArgumentHelp(
      "Write to FILE instead of the screen (the format follows its name).", valueName: "FILE"))
  var out: String?

  @Argument(help: "The report's name.")
  var name: String?

  @Argument(parsing: .allUnrecognized, help: "The report's parameters, as --NAME VALUE.")
  var parameters: [String] = []

  func run() throws {
    let (session, store) = try projectOptions.sessionAndStore(
      options: budget.interpreterOptions(arguments: [], attended: false), transactions: .readingOnly)
    do { try session.permit(.report) } catch {
      Console.report(error)
      throw ExitCode(1)
    }
    let reports = session.interpreter.globalNames.filter { reportNamed($0, in: session) != nil }.sorted()
    guard let name else {
      // Each with its parameters, as it is run: quarterly(q) is `peer report quarterly --q ...`.
      let lines = reports.compactMap { reportNamed($0, in: session) }.map {
        "\($0.name)(\($0.parameters.joined(separator: ", ")))"
      }
      Console.writeLine(lines.isEmpty ? "This project has no reports." : lines.joined(separator: "\n"))
      return
    }
    guard let report = reportNamed(name, in: session) else {
      throw UsageError.unknown("report", name, among: reports, plural: "reports")
    }
    let chosen = try chosenFormat()
    let given = try parameterValues(for: report, in: session)
    do {
      // The arguments are Peer script: the report runs as one call in one transaction.
      var arguments = [String](repeating: "nil", count: report.parameters.count)
      for (i, parameter) in report.parameters.enumerated() {
        if let v = given[parameter] { arguments[i] = v }
      }
      let source = "\(name).run(\(arguments.joined(separator: ", ")))"
      guard case .host(let h)? = try session.run(source, file: "--parameters"), let value = h as? ReportValue
      else {
        throw RuntimeError("the report \(name) gave no result")
      }
      let text = chosen.render(value.result)
      // On a server, every report run is in the audit trail: who ran which, with what.
      if let server = store as? PostgresStore {
        var detail: [String: FieldValue] = ["report": .text(name), "format": .text(chosen.rawValue)]
        for (parameter, v) in given { detail[parameter] = .text(v) }
        try server.auditEvent(kind: "report", action: "run", detail: detail)
      }
      if let out {
        try OutputFile.write(text, to: out)
      } else {
        Console.write(text.hasSuffix("\n") ? text : text + "\n")
      }
    } catch {
      Console.report(error)
      throw ExitCode(1)
    }
  }

  func reportNamed(_ name: String, in session: Session) -> Report? {
    if case .host(let h)? = session.interpreter.global(name) { return h as? Report }
    return nil
  }

  func chosenFormat() throws -> ReportFormat {
    if let format {
      guard let f = ReportFormat(rawValue: format.lowercased()) else {
        throw UsageError(
          "there is no format \"\(format)\"", hint: "the formats are table, csv, json, md and html")
      }
      return f
    }
    if let out {
      if let f = ReportFormat.from(fileName: out) { return f }
      // `--out report.pdf` must not quietly hold a table of text.
      let name = out.split(separator: "/").last.map(String.init) ?? out
      if name.contains(".") {
        throw UsageError(
          "cannot tell a report's format from the name \(out)",
          hint: "name the file .txt, .csv, .json, .md or .html, or give --format")
      }
    }
    return .table
  }

  /// `--q VALUE` pairs (or `--q=VALUE`), each checked against the report's parameters. A value
  /// that does not compile as Peer script (a bare word such as Bristol) is passed as text.
  func parameterValues(for report: Report, in session: Session) throws -> [String: String] {
    var values: [String: String] = [:]
    var i = 0
    func fail(_ message: String, _ hint: String) throws -> Never {
      throw UsageError(message, hint: hint)
    }
    let usage =
      report.parameters.isEmpty
      ? "the report \(report.name) has no parameters"
      : "its parameters are " + report.parameters.map { "--\($0)" }.joined(separator: ", ")
    while i < parameters.count {
      let word = parameters[i]
      guard word.hasPrefix("--"), word.count > 2 else { try fail("unexpected \"\(word)\"", usage) }
      var key = String(word.dropFirst(2))
      var value: String
      if let eq = key.firstIndex(of: "=") {
        value = String(key[key.index(after: eq)...])
        key = String(key[..<eq])
        i += 1
      } else {
        guard i + 1 < parameters.count else {
          try fail("--\(key) needs a value", "as in --\(key) \"this_quarter\"")
        }
        value = parameters[i + 1]
        i += 2
      }
      guard report.parameters.contains(key) else {
        try fail("the report \(report.name) has no parameter \"\(key)\"", usage)
      }
      if let problem = session.interpreter.check(value, file: "--\(key)").first {
        // Words are text (--site Bristol, --site "St Albans"); anything else meant to be Peer
        // script that does not parse is a mistake to name, not text to run the report with.
        guard Self.isPlainWords(value) else {
          try fail(
            "the value of --\(key) does not parse: \(problem.message)",
            "give Peer script, as in --\(key) \"quarter(2026-07-01)\", or words taken as text")
        }
        value =
          "\"" + value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("{", with: "\\{")
          + "\""
      }
      values[key] = value
    }
    return values
  }

  /// Letters with spaces, hyphens, apostrophes, full stops, commas or ampersands: a name.
  static func isPlainWords(_ value: String) -> Bool {
    value.contains { $0.isLetter } && value.allSatisfy { $0.isLetter || " -'.,&".contains($0) }
  }
}
