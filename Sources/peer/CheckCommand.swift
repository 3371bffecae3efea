import ArgumentParser
import PeerCore
import PeerScript

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `peer check FILE...`: parses and resolves scripts without running them, and lists every
/// problem in every file, not just the first. In a project it also says what loading would say:
/// the project's scripts are loaded as every command loads them, and each other file's
/// declaring part runs, in a transaction rolled back after, so a form's, workflow's, report's or
/// match score's load-time checks are reported with the words loading uses.
struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "check",
    abstract: "Parse and resolve scripts without running them.",
    discussion: """
      Prints every problem found, as file:line:col. Exits with 1 if there is any. In a project, \
      the names its scripts define are known, and what loading would report is reported too: \
      the project's scripts are loaded as every command loads them, and the declarations of \
      each other file (its let, var, fn, record, form, workflow, report and match) run, so \
      their load-time checks are made. All of it in a transaction rolled back afterwards, with \
      the output dropped: nothing is changed, and the files' other statements do not run.
      """
  )

  @OptionGroup var budget: BudgetOptions
  @OptionGroup var projectOptions: ProjectOptions

  @Argument(help: "The scripts to check.")
  var files: [String]

  func validate() throws {
    if files.isEmpty { throw ValidationError("Name at least one script to check.") }
  }

  func run() throws {
    var problems = 0
    let color = Console.stderrWantsColor
    var options = budget.interpreterOptions(attended: false)
    options.output = { _ in }
    // The project's record collections are known names, and so is every name its scripts
    // define: they are compiled first, so each may use another's names.
    let session = try projectOptions.session(options: options, loadScripts: false)
    let project = try projectOptions.findProject()
    if let project { try session.declareScripts(of: project) }
    let projectScripts = project?.scripts() ?? []
    let projectPaths = Set(projectScripts.compactMap(Check.realPath))
    let interpreter = session.interpreter
    var others: [(path: String, source: String)] = []
    for file in files {
      let source: String
      do {
        source = try ScriptFile.read(file)
      } catch {
        Console.writeError("\(error)\n")
        problems += 1
        continue
      }
      // A project script is checked below, as it loads.
      if let path = Check.realPath(file), projectPaths.contains(path) { continue }
      let diagnostics = interpreter.check(source, file: file)
      for diagnostic in diagnostics {
        Console.writeError(diagnostic.rendered(color: color) + "\n")
        problems += 1
      }
      if diagnostics.isEmpty { others.append((file, source)) }
    }
    var loaded: [(path: String, source: String)] = []
    for path in projectScripts {
      if let source = try? ScriptFile.read(path) { loaded.append((path, source)) }
    }
    session.checkLoading(projectScripts: loaded, files: others) { _, error in
      Console.writeError(Console.render(error, color: color) + "\n")
      problems += (error as? CompileError)?.diagnostics.count ?? 1
    }
    // A project says how long it keeps what (docs/data-protection.md): checked once its
    // scripts load cleanly, so a broken schedule file is reported once, as loading reports it.
    if project != nil, problems == 0 {
      for problem in try session.retentionProblems() {
        Console.writeError(problem + "\n")
        problems += 1
      }
    }
    if problems > 0 { throw ExitCode(1) }
  }

  /// The file's absolute path with links resolved, to tell whether it is one of the project's.
  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }
}
