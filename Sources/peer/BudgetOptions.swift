import ArgumentParser
import PeerScript

/// Limits that stop a runaway script with a clear error, and the date the script sees as today.
/// Accepted before or after the subcommand name (see `Peer.hoistingGlobalOptions`).
struct BudgetOptions: ParsableArguments {
  @Option(
    name: .customLong("max-steps"), help: ArgumentHelp("Stop a script after N VM steps.", valueName: "N"))
  var maxSteps: Int?

  @Option(
    name: .customLong("max-depth"),
    help: ArgumentHelp("Maximum call depth (10000 by default, at most 1000000).", valueName: "N"))
  var maxDepth: Int?

  @Option(name: .customLong("max-memory"), help: ArgumentHelp("Memory budget in megabytes.", valueName: "MB"))
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

  /// Interpreter options for these budgets, with `print` going to our buffered stdout.
  func interpreterOptions(arguments: [String] = []) -> InterpreterOptions {
    var options = InterpreterOptions()
    if let maxSteps { options.maxSteps = maxSteps }
    if let maxDepth { options.maxDepth = maxDepth }
    if let maxMemory {
      options.maxMemoryBytes =
        maxMemory.multipliedReportingOverflow(by: 1 << 20).overflow ? Int.max : maxMemory << 20
    }
    if let today { options.today = CivilDate.parseISO(today) }
    options.arguments = arguments
    options.output = { Console.write($0 + "\n") }  // one call per print(), without the newline
    return options
  }
}
