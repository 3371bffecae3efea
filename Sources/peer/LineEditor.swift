import CReadline
import PeerScript

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Interactive line input on GNU readline, with history in a file and our own Ctrl-C handling.
///
/// Why readline's callback interface rather than `readline()`: we wait for input with `poll`, so a
/// SIGINT at the prompt simply wakes the loop (EINTR) and the line is cleared in normal code, not
/// inside a signal handler; readline's own signal handling is switched off (`rl_catch_signals`).
/// While a script runs, the handler only asks the interpreter to stop.
final class LineEditor {
  enum Input {
    case line(String)
    /// Ctrl-C at the prompt: the line was dropped.
    case interrupted
    /// Ctrl-D on an empty line, end of input, or a request to terminate.
    case endOfInput
  }

  let historyPath: String
  private var lastHistoryEntry: String?

  init(historyPath: String, completer: Completer) {
    self.historyPath = historyPath
    ReadlineState.completer = completer
    // readline keeps these pointers: give it copies that live as long as the process.
    peer_rl_set_readline_name(strdup("peer"))
    peer_rl_set_catch_signals(0)
    peer_rl_set_attempted_completion_function(attemptCompletion)
    peer_rl_set_completer_word_break_characters(strdup(Completer.wordBreakCharacters))
    using_history()
    stifle_history(2000)
    if historyPath != LineEditor.noHistory { _ = read_history(historyPath) }
    lastHistoryEntry = peer_last_history_line().map { String(cString: $0) }
    SignalState.install()
  }

  /// Reads one line with the given prompt.
  func read(prompt: String) -> Input {
    ReadlineState.lineReady = false
    ReadlineState.line = nil
    SignalState.interruptPending = 0
    fflush(peer_stdout())
    rl_callback_handler_install(prompt, lineHandler)
    while true {
      if SignalState.terminatePending != 0 {
        rl_callback_handler_remove()
        Console.write("\n")
        return .endOfInput
      }
      if SignalState.interruptPending != 0 {
        SignalState.interruptPending = 0
        // Echo ^C where the cursor is and move to a fresh line before readline restores the
        // terminal (which returns the cursor to the start of the line).
        Console.write("^C\n")
        Console.flush()
        rl_replace_line("", 0)
        rl_free_line_state()
        rl_callback_sigcleanup()
        rl_callback_handler_remove()
        return .interrupted
      }
      var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
      let ready = poll(&descriptor, 1, -1)
      if ready < 0 {
        if errno == EINTR { continue }
        rl_callback_handler_remove()
        return .endOfInput
      }
      if descriptor.revents & Int16(POLLIN | POLLHUP | POLLERR) == 0 { continue }
      rl_callback_read_char()
      if ReadlineState.lineReady {
        guard let line = ReadlineState.line else {
          Console.write("\n")
          return .endOfInput
        }
        return .line(line)
      }
    }
  }

  /// Adds a line to the history unless it is blank, repeats the previous one, or starts with a
  /// space (the way to keep a line holding someone's details out of the history file).
  func remember(_ line: String) {
    let trimmed = line.trimmingWhitespace()
    guard !trimmed.isEmpty, line != lastHistoryEntry, !line.hasPrefix(" ") else { return }
    add_history(line)
    lastHistoryEntry = line
  }

  /// Writes the history file; called on every way out of the REPL.
  func saveHistory() {
    guard historyPath != LineEditor.noHistory else { return }
    _ = write_history(historyPath)
    chmod(historyPath, 0o600)  // it can hold what was typed about people
    _ = history_truncate_file(historyPath, 2000)
  }

  /// `PEER_HISTORY=off`: no history file at all.
  static let noHistory = "off"

  /// `$PEER_HISTORY` (`off` for none), else `~/.peer_history`.
  static func defaultHistoryPath() -> String {
    if let path = getenv("PEER_HISTORY"), path.pointee != 0 { return String(cString: path) }
    let home = getenv("HOME").map { String(cString: $0) } ?? "."
    return home + "/.peer_history"
  }
}

/// State shared with readline's C callbacks, which cannot capture context.
enum ReadlineState {
  nonisolated(unsafe) static var lineReady = false
  nonisolated(unsafe) static var line: String?
  nonisolated(unsafe) static var completer: Completer?
  nonisolated(unsafe) static var matches: [String] = []
  nonisolated(unsafe) static var matchIndex = 0
}

/// Flags set by the signal handler. Plain words, read and written whole: good enough for a
/// single-threaded REPL.
enum SignalState {
  /// Set while a script runs: Ctrl-C then interrupts the script instead of the line.
  nonisolated(unsafe) static var runningCode: sig_atomic_t = 0
  nonisolated(unsafe) static var interruptPending: sig_atomic_t = 0
  nonisolated(unsafe) static var terminatePending: sig_atomic_t = 0
  /// Ctrl-C arrived while a script ran (the terminal has echoed "^C" without a newline).
  nonisolated(unsafe) static var interruptedRunningCode: sig_atomic_t = 0

  static func install() {
    // A parent may start us with these signals blocked (test runners, some job launchers), and
    // the mask is inherited: unblock them, or Ctrl-C would never arrive.
    var signals = sigset_t()
    sigemptyset(&signals)
    for s in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&signals, s) }
    sigprocmask(SIG_UNBLOCK, &signals, nil)
    signal(SIGINT, handleSignal)
    signal(SIGTERM, handleSignal)
    signal(SIGHUP, handleSignal)
  }
}

private func handleSignal(_ signal: Int32) {
  if signal == SIGINT {
    if SignalState.runningCode != 0 {
      SignalState.interruptedRunningCode = 1
      Interpreter.requestInterrupt()
    } else {
      SignalState.interruptPending = 1
    }
  } else {
    SignalState.terminatePending = 1
    if SignalState.runningCode != 0 { Interpreter.requestInterrupt() }
  }
}

/// Called by readline with a finished line (NULL at end of input). Removing the handler here,
/// not after `rl_callback_read_char` returns, stops readline from drawing a fresh prompt before
/// the entry has run and printed its result.
private func lineHandler(_ line: UnsafeMutablePointer<CChar>?) {
  rl_callback_handler_remove()
  ReadlineState.lineReady = true
  if let line {
    ReadlineState.line = String(cString: line)
    free(line)
  } else {
    ReadlineState.line = nil
  }
}

/// readline's `rl_attempted_completion_function`: asks the completer for candidates.
private func attemptCompletion(
  _ text: UnsafePointer<CChar>?, _ start: Int32, _ end: Int32
) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? {
  guard let text, let completer = ReadlineState.completer else { return nil }
  let lineBuffer = peer_rl_line_buffer().map { String(cString: $0) } ?? ""
  let before = String(decoding: Array(lineBuffer.utf8).prefix(Int(start)), as: UTF8.self)
  let word = String(cString: text)
  guard let result = completer.complete(word: word, before: before) else {
    // Let readline complete file names (after `:load`).
    peer_rl_set_attempted_completion_over(0)
    return nil
  }
  peer_rl_set_attempted_completion_over(1)
  if let append = result.append { peer_rl_set_completion_append_character(Int32(append.asciiValue ?? 32)) }
  ReadlineState.matches = result.candidates
  ReadlineState.matchIndex = 0
  if result.candidates.isEmpty { return nil }
  return rl_completion_matches(text, completionGenerator)
}

private func completionGenerator(_ text: UnsafePointer<CChar>?, _ state: Int32) -> UnsafeMutablePointer<
  CChar
>? {
  if state == 0 { ReadlineState.matchIndex = 0 }
  guard ReadlineState.matchIndex < ReadlineState.matches.count else { return nil }
  let match = ReadlineState.matches[ReadlineState.matchIndex]
  ReadlineState.matchIndex += 1
  return strdup(match)
}

extension String {
  func trimmingWhitespace() -> String {
    var s = Substring(self)
    while let c = s.first, c.isWhitespace { s.removeFirst() }
    while let c = s.last, c.isWhitespace { s.removeLast() }
    return String(s)
  }
}
