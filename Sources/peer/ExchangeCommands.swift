import ArgumentParser
import PeerCore
import PeerPostgres
import PeerScript
import PeerStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `peer import KIND FILE`: records from a CSV file, all or nothing.
struct Import: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Import records from a CSV file (all or nothing; every bad cell reported as file:row:column).",
    discussion: """
      KIND is volunteers, mothers, matches, visits, endings or services. Columns are matched to \
      fields by name (case, spaces and dashes ignored); other columns become the project's own \
      fields. Dates may be ISO (2027-03-14) or UK (14/03/2027).
      """)

  @OptionGroup var projectOptions: ProjectOptions

  @Argument(help: "The kind of record.") var kind: String
  @Argument(help: "The CSV file.") var file: String

  @Flag(help: "Import the good rows and write the bad ones to a reject file.") var skipBad = false
  @Option(
    help: ArgumentHelp("Where --skip-bad writes the bad rows (default: FILE-rejects.csv).", valueName: "FILE")
  )
  var reject: String?
  @Option(
    help: ArgumentHelp(
      "Read column COL as field FIELD (repeatable); FIELD empty skips the column.", valueName: "COL=FIELD"))
  var map: [String] = []
  @Option(
    help: ArgumentHelp(
      "Read each row (or each object of a .json file) as answers to this form, with its rules.",
      valueName: "NAME"))
  var form: String?
  @OptionGroup var budget: BudgetOptions

  func run() throws {
    let recordKind = try Import.recordKind(kind)
    if reject != nil && !skipBad {
      throw UsageError(
        "--reject names the file for the bad rows of --skip-bad",
        hint: "add --skip-bad, or leave --reject out")
    }
    if let form {
      if !map.isEmpty {
        throw UsageError(
          "--map cannot be used with --form: the form's questions name the columns",
          hint: "name the file's columns after the form's questions")
      }
      let session = try projectOptions.session(
        options: budget.interpreterOptions(arguments: [], attended: false))
      try FormCommand.requireForm(form, in: session, creating: recordKind)
      do {
        let report = try FormSubmission.importFile(
          path: file, formName: form, kind: recordKind, session: session, skipBad: skipBad, rejectPath: reject
        )
        Console.writeLine(
          "imported \(report.imported) \(recordKind.plural) from \(file) through the form \(form)")
        Import.reportRejects(report)
        return
      } catch let e as ImportError {
        Console.writeError(e.description + "\n")
        throw ExitCode(1)
      } catch {
        Console.report(error)
        throw ExitCode(1)
      }
    }
    var mapping: [String: String] = [:]
    for m in map {
      guard let eq = m.firstIndex(of: "=") else {
        throw UsageError(
          "--map wants COLUMN=FIELD, not \"\(m)\"", hint: "as in --map \"Referral Date=referral_date\"")
      }
      mapping[String(m[..<eq])] = String(m[m.index(after: eq)...])
    }
    let store = try Import.openStore(projectOptions, for: .import)
    // Records with a status must start in one the project's workflow has: its scripts say which.
    var statuses: WorkflowStatuses?
    if recordKind.field("status") != nil {
      statuses = try projectOptions.session(
        options: budget.interpreterOptions(arguments: [], attended: false)
      )
      .workflowStatuses(for: recordKind)
    }
    let bar = ProgressBar(enabled: isatty(STDERR_FILENO) != 0)
    do {
      let report = try Importer.importCSV(
        kind: recordKind, path: file, store: store, mapping: mapping, skipBad: skipBad, rejectPath: reject,
        statuses: statuses, progress: bar.update)
      bar.finish()
      Console.writeLine("imported \(report.imported) \(recordKind.plural) from \(file)")
      Import.reportRejects(report)
    } catch let e as ImportError {
      bar.finish()
      Console.writeError(e.description + "\n")
      throw ExitCode(1)
    } catch let e as StoreError {
      bar.finish()
      Console.writeError("peer: \(e.message)\n")
      throw ExitCode(1)
    }
  }

  /// The kind KIND names, or a usage error listing the kinds.
  static func recordKind(_ name: String) throws -> RecordKind {
    if let kind = RecordKind.named(name) { return kind }
    let kinds = RecordKind.allCases.map(\.plural)
    // "mothr" is a letter from "mother": suggest the plural the commands are written with.
    if let near = closestMatch(to: name, in: kinds + RecordKind.allCases.map(\.rawValue)),
      let kind = RecordKind.named(near)
    {
      throw UsageError(
        "there is no kind of record called \"\(name)\"", hint: "did you mean \"\(kind.plural)\"?")
    }
    throw UsageError.unknown("kind of record", name, among: kinds, plural: "kinds")
  }

  /// What `--skip-bad` left out: the problems on stderr, and where the rows went.
  static func reportRejects(_ report: ImportReport) {
    guard report.rejected > 0 else { return }
    var problems = report.problems
    if report.moreProblems > 0 {
      problems.append("... and \(report.moreProblems) more problem\(report.moreProblems == 1 ? "" : "s")")
    }
    Console.writeError(problems.joined(separator: "\n") + "\n")
    Console.writeLine(
      "\(report.rejected) bad row\(report.rejected == 1 ? "" : "s") written to \(report.rejectPath ?? "the reject file")"
    )
  }

  /// The project's store, or one sentence and exit 1 when there is no project.
  /// The project's store for `operation`: one of the project's people may run it only if
  /// their role says so (`may export`), which their project's scripts declare.
  static func openStore(_ options: ProjectOptions, for operation: RoleOperation) throws -> any RecordStore {
    let store = try openStore(options)
    guard let server = store as? PostgresStore, let person = try server.connectedPerson() else {
      return store
    }
    server.user = person.login
    let session = try options.session(options: InterpreterOptions())
    do { try session.permit(operation) } catch {
      Console.report(error)
      throw ExitCode(1)
    }
    return store
  }

  static func openStore(_ options: ProjectOptions) throws -> any RecordStore {
    guard let project = try options.findProject() else {
      Console.writeError(
        "peer: there is no project here (no \(Project.databaseName) or \(Project.serverFileName)); give --project DIR or run peer init\n"
      )
      throw ExitCode(1)
    }
    do {
      return try ProjectStore.open(project, user: options.userName)
    } catch let e as StoreError {
      Console.writeError("peer: \(e.message)\n")
      throw ExitCode(1)
    }
  }
}

/// `peer export KIND`: records as CSV or JSON.
struct Export: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Export records as CSV or JSON (to standard output, or --out FILE).")

  enum Format: String, ExpressibleByArgument { case csv, json }

  @OptionGroup var projectOptions: ProjectOptions
  @Argument(help: "The kind of record.") var kind: String
  @Option(help: "csv or json.") var format: Format = .csv
  @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "FILE")) var out:
    String?

  func run() throws {
    let recordKind = try Import.recordKind(kind)
    let store = try Import.openStore(projectOptions, for: .export)
    Console.flush()
    do {
      let output =
        try out.map { try TextOutput.file($0) } ?? TextOutput.standardOutput(terminal: Console.stdoutTerminal)
      switch format {
      case .csv: try Exporter.csv(kind: recordKind, store: store, to: output)
      case .json: try Exporter.json(kind: recordKind, store: store, to: output)
      }
      try output.close()
      let leftOut = try Exporter.leftOut(kind: recordKind, store: store)
      if leftOut > 0 {
        Console.writeError(
          "peer: \(leftOut) \(leftOut == 1 ? recordKind.rawValue : recordKind.plural) left out: their processing is restricted (restrictions() lists who withdrew consent)\n"
        )
      }
      // On a server, every export is in the audit trail: who took which records, how many
      // (as many as their login sees).
      if let server = store as? PostgresStore {
        let count = try server.read { try $0.count(recordKind) }
        try server.auditEvent(
          kind: "export", action: recordKind.plural,
          detail: [
            "records": .int(count), "format": .text(format.rawValue), "to": .text(out ?? "standard output"),
          ])
      }
    } catch let e as StoreError {
      Console.writeError("peer: \(e.message)\n")
      throw ExitCode(1)
    } catch {
      Console.writeError("peer: \(error)\n")
      throw ExitCode(1)
    }
  }
}

/// A one-line progress bar on a terminal's standard error; silent otherwise.
final class ProgressBar {
  let enabled: Bool
  private var lastPercent = -1

  init(enabled: Bool) { self.enabled = enabled }

  func update(rows: Int, bytes: Int, total: Int) {
    guard enabled, total > 0 else { return }
    let percent = min(100, bytes * 100 / total)
    guard percent != lastPercent else { return }
    lastPercent = percent
    let filled = percent * 30 / 100
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled)
    Console.writeError("\r[\(bar)] \(percent)%  \(rows) rows")
  }

  func finish() {
    if enabled && lastPercent >= 0 { Console.writeError("\n") }
  }
}
