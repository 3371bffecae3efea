import ArgumentParser
import CReadline
import PeerCore
import PeerScript

/// `peer` (or `peer repl`): the interactive REPL on a terminal; with piped input, runs the whole
/// input as one script, without prompts or escape codes (a `:help` line answers as at the prompt).
struct Repl: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "repl",
    abstract: "Start the interactive REPL (the default).",
    discussion: """
      History is kept in ~/.peer_history (owner-only), or in the file named by $PEER_HISTORY; \
      PEER_HISTORY=off keeps none, and a line typed with a space first is not kept (for a line \
      holding someone's details). When standard \
      input is not a terminal, the input is run as one script: `echo 'print(1 + 2)' | peer`; \
      a line that is a REPL command (`:help report`, `:load FILE`, `:quit`) runs as at the prompt.
      """
  )

  @OptionGroup var budget: BudgetOptions
  @OptionGroup var projectOptions: ProjectOptions

  func run() throws {
    let project = try projectOptions.session(options: budget.interpreterOptions())
    let interpreter = project.interpreter
    if !Console.stdinIsTerminal {
      try runPiped(project)
      return
    }
    let session = ReplSession(session: project)
    let editor = LineEditor(
      historyPath: LineEditor.defaultHistoryPath(), completer: Completer(interpreter: interpreter))
    defer { editor.saveHistory() }
    session.readAnswer = { prompt in
      if case .line(let line) = editor.read(prompt: prompt) { return line }
      return nil
    }
    Console.writeLine(ReplSession.banner)
    // Records a workflow no longer has a status for are kept; say so once, where the
    // coordinator will see it, rather than only in the nightly log.
    // A store that cannot answer here (locked, damaged) is said once; the REPL still opens.
    func warn(_ error: Error) { Console.writeError("peer: cannot count open work: \(error)\n") }
    let work: (tasks: Int, overdue: Int, flags: Int)
    do { work = try project.openWork() } catch {
      warn(error)
      work = (0, 0, 0)
    }
    if work.tasks + work.flags > 0 {
      func count(_ n: Int, _ what: String) -> String { "\(n) \(what)\(n == 1 ? "" : "s")" }
      Console.writeLine(
        "\(count(work.tasks, "open task")) (\(work.overdue) overdue) and \(count(work.flags, "open flag")): see tasks, overdue and flags"
      )
    }
    let strays: [(workflow: String, kind: String, status: String, count: Int)]
    do { strays = try project.strayStatuses() } catch {
      warn(error)
      strays = []
    }
    for s in strays {
      Console.writeLine(
        "note: \(s.count) \(s.kind) \(s.count == 1 ? "is" : "are") \"\(s.status)\", a status workflow \(s.workflow) no longer has (\(s.workflow).strays lists them)"
      )
    }
    loop: while true {
      switch editor.read(prompt: session.currentPrompt) {
      case .endOfInput:
        break loop
      case .interrupted:
        session.cancelEntry()
      case .line(let line):
        editor.remember(line)
        if case .quit = session.handle(line: line) { break loop }
      }
      if SignalState.terminatePending != 0 { break loop }
    }
    Console.flush()
  }

  /// The input as a script; lines that are REPL commands (`:help report`) run as commands
  /// (PipedInput). A script error, or a command the REPL does not know, ends with status 1.
  private func runPiped(_ session: Session) throws {
    let source = ScriptFile.readAll(peer_stdin())
    let repl = ReplSession(session: session)
    for part in PipedInput.parts(of: source) {
      switch part {
      case .script(let text):
        do {
          _ = try session.run(text, file: "<stdin>")
        } catch {
          Console.report(error)
          throw ExitCode(1)
        }
      case .command(let line):
        let outcome = repl.command(line)
        if outcome == .quit { return }
        if outcome == .failed { throw ExitCode(1) }
      }
    }
  }
}
