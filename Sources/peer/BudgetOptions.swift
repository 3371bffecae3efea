import ArgumentParser
import PeerCalendar
import PeerScript

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Limits that stop a runaway script with a clear error, and the date the script sees as today.
/// Accepted before or after the subcommand name (see `Peer.hoistingGlobalOptions`).
struct BudgetOptions: ParsableArguments {
  @Option(
    name: .customLong("max-steps"),
    help: ArgumentHelp(
      "Stop a script after N VM steps (loop turns and calls). Without it, runs nobody watches (report, batch, form, run and piped input not on a terminal, test, check, import) stop after \(BudgetOptions.defaultStepsText) steps, and so do the project's scripts loading at start-up; at a terminal, what you type has no limit (Ctrl-C stops it).",
      valueName: "N"))
  var maxSteps: Int?

  @Option(
    name: .customLong("max-depth"),
    help: ArgumentHelp("Maximum call depth (10000 by default, at most 1000000).", valueName: "N"))
  var maxDepth: Int?

  @Option(
    name: .customLong("max-memory"),
    help: ArgumentHelp(
      "Memory budget in megabytes (4096 by default): text or a list that would take the process past it is refused before it is made.",
      valueName: "MB"))
  var maxMemory: Int?

  @Option(
    name: .customLong("today"),
    help: ArgumentHelp("Use this date as today (for tests and reruns).", valueName: "YYYY-MM-DD"))
  var today: String?

  func validate() throws {
    if let maxSteps, maxSteps <= 0 {
      throw ValidationError("--max-steps must be a positive number, not \(maxSteps).")
    }
    if let maxDepth, maxDepth <= 0 || maxDepth > Budgets.depthLimit {
      throw ValidationError(
        "--max-depth must be a positive number up to \(Budgets.depthLimit), not \(maxDepth).")
    }
    if let maxMemory, maxMemory <= 0 {
      throw ValidationError("--max-memory must be a positive number of megabytes, not \(maxMemory).")
    }
    if let today, CivilDate.parseISO(today) == nil {
      throw ValidationError(
        "--today wants a real date written YYYY-MM-DD, such as 2027-03-14, not '\(today)'.")
    }
  }

  /// The step budget of a run nobody watches, so that `while true {}` in a project's script
  /// cannot hang a report, a nightly batch or a form: far above any real work (a report on
  /// `peer demo --scale 30` takes a few million). `PEER_DEFAULT_MAX_STEPS` overrides it (for
  /// tests).
  static var defaultSteps: Int {
    if let v = getenv("PEER_DEFAULT_MAX_STEPS").flatMap({ Int(String(cString: $0)) }), v > 0 { return v }
    return 2_000_000_000
  }
  static let defaultStepsText = "2000000000"

  /// Whether a person is at a terminal to press Ctrl-C (then no default step budget).
  static var attended: Bool { Console.stdinIsTerminal && Console.stdoutTerminal }

  /// Interpreter options for these budgets, with `print` going to our buffered stdout.
  /// `attended: false` gives the default step budget when `--max-steps` is not given.
  func interpreterOptions(arguments: [String] = [], attended: Bool = BudgetOptions.attended)
    -> InterpreterOptions
  {
    var options = InterpreterOptions()
    if let maxSteps {
      options.maxSteps = maxSteps
    } else if !attended {
      options.maxSteps = BudgetOptions.defaultSteps
    }
    if let maxDepth { options.maxDepth = maxDepth }
    if let maxMemory {
      options.maxMemoryBytes =
        maxMemory.multipliedReportingOverflow(by: 1 << 20).overflow ? Int.max : maxMemory << 20
    }
    if let today { options.today = CivilDate.parseISO(today) }
    options.arguments = arguments
    options.output = { Console.write($0 + "\n") }  // one call per print(), without the newline
    options.tableWidth = Console.width
    return options
  }
}
