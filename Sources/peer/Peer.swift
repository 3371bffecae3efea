import ArgumentParser
import PeerScript

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The `peer` command. With no subcommand it starts the REPL (or, with piped input, runs stdin
/// as one script).
///
/// Why a hand-written `main`: argument-parser exits with 64 (EX_USAGE) on a usage error, but the
/// project's contract is 0 ok, 1 script error, 2 misuse of the command line.
@main
struct Peer: ParsableCommand {
  static let version = "0.1"

  /// Every command and subcommand names itself (`commandName:`): without it argument-parser
  /// works the name out from the type's name with `String(describing:)`, whose protocol
  /// conformance lookups scanned the whole binary's conformances on every start (about 7% of
  /// `peer run` in a project).
  static let configuration = CommandConfiguration(
    commandName: "peer",
    abstract: "Peer script: a small language for perinatal peer-support projects.",
    discussion: """
      With no subcommand, `peer` starts the interactive REPL. When standard input is not a \
      terminal, it reads the whole input as one script and runs it.

      Exit status: 0 ok, 1 a script error (message on stderr), 2 misuse of the command line.
      """,
    version: "peer \(Peer.version)",
    subcommands: [
      Repl.self, Run.self, Check.self, TestCommand.self, Init.self, Demo.self, Import.self, Export.self,
      FormCommand.self,
      ReportCommand.self,
      Batch.self, Move.self, People.self, SubjectAccessCommand.self, EraseCommand.self,
    ],
    defaultSubcommand: Repl.self
  )

  static func main() {
    do {
      var command = try parseAsRoot(hoistingGlobalOptions(Array(CommandLine.arguments.dropFirst())))
      try command.run()
    } catch let usage as UsageError {
      Console.writeError(usage.description)
      Console.exitProcess(2)
    } catch {
      let code = exitCode(for: error)
      if code == .validationFailure {
        let message = fullMessage(for: error)
        Console.writeError(message.hasSuffix("\n") ? message : message + "\n")
        Console.flush()
        Console.exitProcess(2)
      }
      Console.flush()
      exit(withError: error)
    }
    Console.flush()
    Console.exitProcess(0)
  }

  /// Options that take a value and belong to every subcommand.
  static let globalOptions: Set<String> = [
    "--max-steps", "--max-depth", "--max-memory", "--today", "--project", "--user", "--as",
  ]

  /// argument-parser has no global options: an option declared on both the root and a subcommand
  /// is refused after the subcommand name. So the budget options live on each subcommand, and
  /// any given before the subcommand name are moved after it:
  /// `peer --max-steps 9 run x.peer` parses as `peer run --max-steps 9 x.peer`.
  static func hoistingGlobalOptions(_ arguments: [String]) -> [String] {
    var leading: [String] = []
    var i = 0
    while i < arguments.count {
      let argument = arguments[i]
      if globalOptions.contains(argument), i + 1 < arguments.count {
        leading += [argument, arguments[i + 1]]
        i += 2
      } else if let equals = argument.firstIndex(of: "="), globalOptions.contains(String(argument[..<equals]))
      {
        leading.append(argument)
        i += 1
      } else {
        break
      }
    }
    guard !leading.isEmpty, i < arguments.count else { return arguments }
    let next = arguments[i]
    let subcommands = configuration.subcommands.map { $0._commandName }
    guard subcommands.contains(next) else { return arguments }
    return [next] + leading + arguments[(i + 1)...]
  }
}
