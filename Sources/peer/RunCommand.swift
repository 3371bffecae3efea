import ArgumentParser
import PeerCore
import PeerScript

/// `peer run FILE [ARGS...]`: runs one script; the words after the file are its `args`.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a script.",
    discussion: "Words after FILE are passed to the script as the list `args`, untouched."
  )

  @OptionGroup var budget: BudgetOptions
  @OptionGroup var projectOptions: ProjectOptions

  @Flag(help: "Print the compiled bytecode instead of running the script.")
  var disassemble = false

  @Argument(help: "The script to run (a .peer file).")
  var file: String

  @Argument(parsing: .captureForPassthrough, help: "Arguments for the script, visible as `args`.")
  var arguments: [String] = []

  func run() throws {
    let source = try ScriptFile.readOrExit(file)
    let options = budget.interpreterOptions(arguments: arguments)
    let session = try projectOptions.session(options: options)
    do {
      if disassemble {
        Console.write(try session.interpreter.disassemble(source, file: file))
        return
      }
      _ = try session.run(source, file: file)
    } catch {
      Console.report(error)
      throw ExitCode(1)
    }
  }
}
