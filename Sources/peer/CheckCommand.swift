import ArgumentParser
import PeerCore
import PeerScript

/// `peer check FILE...`: parses and resolves scripts without running them, and lists every
/// problem in every file, not just the first.
struct Check: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Parse and resolve scripts without running them.",
    discussion:
      "Prints every problem found, as file:line:col. Exits with 1 if there is any. In a project, the names its scripts define are known (the scripts are compiled, not run)."
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
    // The project's record collections are known names, and so is every name its scripts
    // define: they are compiled first, not run. (Checked scripts of the project are among them:
    // defining a name again is allowed, so that reports nothing.)
    let session = try projectOptions.session(options: budget.interpreterOptions(), loadScripts: false)
    if let project = try projectOptions.findProject() { try session.declareScripts(of: project) }
    let interpreter = session.interpreter
    for file in files {
      let source: String
      do {
        source = try ScriptFile.read(file)
      } catch {
        Console.writeError("\(error)\n")
        problems += 1
        continue
      }
      for diagnostic in interpreter.check(source, file: file) {
        Console.writeError(diagnostic.rendered(color: color) + "\n")
        problems += 1
      }
    }
    if problems > 0 { throw ExitCode(1) }
  }
}
