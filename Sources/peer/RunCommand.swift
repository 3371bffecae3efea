import ArgumentParser
import PeerCore
import PeerScript

/// `peer run FILE [ARGS...]`: runs one script; the words after the file are its `args`.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Run a script.",
    discussion: """
      Words after FILE are passed to the script as the list `args`, untouched. peer's own \
      options (--project, --today, --user, --max-...) go before FILE; one of them after FILE is \
      refused, since it would reach the script instead. To pass such a word to the script, put \
      -- after FILE: peer run report.peer -- --today.
      """
  )

  @OptionGroup var budget: BudgetOptions
  @OptionGroup var projectOptions: ProjectOptions

  @Flag(help: "Print the compiled bytecode instead of running the script.")
  var disassemble = false

  @Argument(help: "The script to run (a .peer file).")
  var file: String

  @Argument(parsing: .captureForPassthrough, help: "Arguments for the script, visible as `args`.")
  var arguments: [String] = []

  func validate() throws {
    guard arguments.first != "--" else { return }
    if let option = arguments.first(where: { word in
      Peer.globalOptions.contains(String(word.prefix { $0 != "=" }))
    }) {
      throw ValidationError(
        "\(option) after the script's name would be passed to the script, not to peer: put it before \(file) (peer run \(option.prefix { $0 != "=" }) ... \(file)), or write -- after \(file) to pass it to the script"
      )
    }
  }

  func run() throws {
    let source = try ScriptFile.readOrExit(file)
    let options = budget.interpreterOptions(
      arguments: arguments.first == "--" ? Array(arguments.dropFirst()) : arguments)
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
