import ArgumentParser
import PeerCore
import PeerScript
import PeerStore

/// `peer run FILE [ARGS...]`: runs one script; the words after the file are its `args`.
struct Run: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "run",
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
    var options = budget.interpreterOptions(
      arguments: arguments.first == "--" ? Array(arguments.dropFirst()) : arguments)
    let shown = Shown()
    let write = options.output
    options.output = { text in
      shown.anything = true
      write(text)
    }
    // A script that only reads must never wait behind another program's write, so the first
    // attempt takes the write lock only at the script's first change. If the records changed
    // before it could, and nothing has been printed or saved yet, the script runs once more
    // from the start with the lock taken first; otherwise the conflict is said in one sentence.
    do {
      let session = try projectOptions.session(options: options, transactions: .writingOnFirstChange)
      if disassemble {
        Console.write(try session.interpreter.disassemble(source, file: file))
        return
      }
      do {
        _ = try session.run(source, file: file)
      } catch is StoreConflict where !shown.anything && session.files.written == 0 {
        let again = try projectOptions.session(options: options, transactions: .writing)
        _ = try again.run(source, file: file)
      }
    } catch let e as ExitCode {
      throw e
    } catch {
      Console.report(error)
      throw ExitCode(1)
    }
  }

  /// Whether the script has printed anything yet.
  private final class Shown { var anything = false }
}
