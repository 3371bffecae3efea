import PeerCore
import PeerScript

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What the REPL does with each line, apart from reading it: collecting multi-line entries,
/// `:` commands, running code, and showing results. No error ends the session.
final class ReplSession {
  static let prompt = "peer> "
  static let continuationPrompt = "... "
  static let banner = "peer \(Peer.version) — Peer script REPL. :help for help, Ctrl-D to quit."

  let session: Session
  var interpreter: Interpreter { session.interpreter }
  /// Lines of an entry that is not finished yet (an open brace, a trailing operator...).
  private(set) var pending: [String] = []
  /// The last entry run: a line starting with `|` continues it, so a pipeline pasted from the
  /// docs, a stage a line, works (each line runs the entry again, one stage longer).
  private var lastEntry: String?
  private var entryCount = 0

  init(session: Session) { self.session = session }

  /// Reads one answer for `fill` (the REPL's line editor); nil when abandoned (Ctrl-C, Ctrl-D).
  var readAnswer: (String) -> String? = { prompt in
    Console.write(prompt)
    Console.flush()
    return readLine(strippingNewline: true)
  }

  /// `fill referral`: the form's questions one by one, then one transaction.
  private func fill(_ name: String) {
    guard let bridge = session.bridge else {
      Console.writeError("Forms need a project: start peer in a project folder, or give --project DIR.\n")
      return
    }
    do {
      let filler = try FormFiller(formNamed: name, session: session)
      try FormConversation(filler: filler, bridge: bridge, readLine: readAnswer).run()
    } catch let e as ImportError {
      Console.writeError(e.description + "\n")
    } catch {
      Console.report(error)
    }
  }

  var currentPrompt: String { pending.isEmpty ? Self.prompt : Self.continuationPrompt }

  enum Outcome {
    case keepGoing
    case quit
    /// A command the REPL does not know (piped input ends on it).
    case failed
  }

  /// Drops a half-typed entry (Ctrl-C).
  func cancelEntry() { pending.removeAll() }

  func handle(line: String) -> Outcome {
    if pending.isEmpty {
      let trimmed = line.trimmingWhitespace()
      if trimmed.isEmpty { return .keepGoing }
      if trimmed.hasPrefix(":") { return command(trimmed) }
      let words = trimmed.split(separator: " ", omittingEmptySubsequences: true)
      if words.count == 2, words[0] == "fill", interpreter.global("fill") == nil {
        fill(String(words[1]))
        return .keepGoing
      }
    }
    if pending.isEmpty, let previous = lastEntry, line.trimmingWhitespace().hasPrefix("|") {
      pending = [previous]
    }
    pending.append(line)
    let entry = pending.joined(separator: "\n")
    if Interpreter.needsMoreInput(entry) { return .keepGoing }
    pending.removeAll()
    lastEntry = entry
    evaluate(entry)
    return .keepGoing
  }

  /// Runs an entry; a bare expression's value is shown and kept in `_`, and the fields it set
  /// on records are listed once they are saved.
  func evaluate(_ source: String) {
    entryCount += 1
    var changes: [String] = []
    session.bridge?.fieldChanged = { code, field, old, new in
      if old != new { changes.append("\(code).\(field): \(old.repr) -> \(new.repr)") }
    }
    defer {
      session.bridge?.fieldChanged = nil
      Self.sayChanges(changes)
    }
    // One transaction per entry: an entry that fails changes no record.
    let shown = runGuarded {
      try session.run(source, file: "<repl>") { value -> (Value, String)? in
        guard let value, value != .null else { return nil }
        return (value, try TableRenderer.display(value, width: Console.width))
      }
    }
    // Nothing was saved when the entry failed (its transaction is rolled back).
    if shown == nil { changes = [] }
    guard let (value, text) = shown ?? nil else { return }
    Console.writeLine(text)
    interpreter.setGlobal("_", value)
  }

  /// `M-0042.name: "Ann" -> "Anne" (saved)`, a line a change; a loop's hundreds are summed up.
  static func sayChanges(_ changes: [String]) {
    let shown = 10
    for line in changes.prefix(shown) { Console.writeLine(line + " (saved)") }
    if changes.count > shown { Console.writeLine("... and \(changes.count - shown) more changes (saved)") }
  }

  /// Runs code with Ctrl-C wired to the interpreter; errors are printed, never thrown.
  private func runGuarded<T>(_ body: () throws -> T) -> T? {
    Console.flush()
    SignalState.interruptedRunningCode = 0
    SignalState.runningCode = 1
    defer {
      SignalState.runningCode = 0
      Console.flush()
    }
    do {
      return try body()
    } catch {
      if SignalState.interruptedRunningCode != 0 { Console.write("\n") }
      Console.report(error)
      return nil
    }
  }

  // MARK: - `:` commands

  func command(_ text: String) -> Outcome {
    let parts = text.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
    let name = String(parts[0])
    let argument = parts.count > 1 ? String(parts[1]).trimmingWhitespace() : ""
    switch name {
    case ":quit", ":q", ":exit":
      return .quit
    case ":help", ":h", ":?":
      help(argument.isEmpty ? nil : argument)
    case ":load", ":l":
      load(argument)
    default:
      var message = "Unknown command \(name)."
      if let guess = Self.closest(to: name, in: ["help", "load", "quit"]) {
        message += " Did you mean :\(guess)?"
      }
      Console.writeError(message + " Commands are :help, :load FILE and :quit.\n")
      return .failed
    }
    return .keepGoing
  }

  private func help(_ name: String?) { Self.help(name, interpreter: interpreter) }

  /// `:help [NAME]`, at the prompt and in piped input.
  static func help(_ name: String?, interpreter: Interpreter) {
    if let name {
      if let text = interpreter.help(name) {
        Console.writeLine(text)
      } else {
        var message = "No help for '\(name)'."
        if let guess = closestMatch(to: name, in: interpreter.globalNames + interpreter.helpTopics) {
          message += " Did you mean '\(guess)'?"
        }
        Console.writeError(message + "\n")
      }
      return
    }
    if let text = interpreter.help(nil) { Console.writeLine(text + "\n") }
    Console.writeLine(
      """
      REPL commands:
        :help [NAME]   this help, or help on a built-in or keyword
        :load FILE     run a script file in this session
        :quit, :q      leave (Ctrl-D does too)
      A bare expression prints its value, which is then kept in `_`. An unfinished line (an open
      brace, bracket or string) continues on a `...` prompt. Tab completes names, and fields
      after `name.`; Ctrl-R searches history; Ctrl-C stops running code or clears the line.
      """)
  }

  private func load(_ path: String) {
    guard !path.isEmpty else {
      Console.writeError("Usage: :load FILE\n")
      return
    }
    var file = path
    if file.count >= 2, let q = file.first, q == "\"" || q == "'", file.last == q {
      file = String(file.dropFirst().dropLast())
    }
    if file.hasPrefix("~/"), let home = getenv("HOME") { file = String(cString: home) + file.dropFirst() }
    let source: String
    do {
      source = try ScriptFile.read(file)
    } catch {
      Console.writeError("\(error)\n")
      return
    }
    _ = runGuarded { try session.run(source, file: file) }
  }

  static func closest(to command: String, in names: [String]) -> String? {
    closestMatch(to: String(command.drop { $0 == ":" }), in: names)
  }
}
