import CReadline
import PeerScript

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// All writing to the terminal goes through here, on C stdio, so that script output, REPL
/// results and readline's own prompt share one buffer and come out in order.
///
/// On a terminal, control characters in what is written are shown escaped (`TerminalText`): a
/// name holding ESC[2J shows as `\x1b[2J` instead of clearing the screen. Written to a file or
/// a pipe, the text goes out as it is.
enum Console {
  static let stdoutTerminal = isatty(STDOUT_FILENO) != 0
  static let stderrTerminal = isatty(STDERR_FILENO) != 0

  static func write(_ text: String) { fputs(stdoutTerminal ? TerminalText.safe(text) : text, peer_stdout()) }

  static func writeLine(_ text: String) { write(text + "\n") }

  static func writeError(_ text: String) {
    writeErrorAsIs(stderrTerminal ? TerminalText.safe(text) : text)
  }

  /// For text whose escape codes are peer's own (coloured messages, already made safe).
  static func writeErrorAsIs(_ text: String) {
    fflush(peer_stdout())
    fputs(text, peer_stderr())
  }

  static func flush() {
    fflush(peer_stdout())
    fflush(peer_stderr())
  }

  static func exitProcess(_ status: Int32) -> Never {
    flush()
    exit(status)
  }

  static var stdinIsTerminal: Bool { isatty(STDIN_FILENO) != 0 }
  static var stdoutIsTerminal: Bool { stdoutTerminal }
  /// Colour in messages only when a person reads them: stderr is a terminal and NO_COLOR unset.
  static var stderrWantsColor: Bool { isatty(STDERR_FILENO) != 0 && getenv("NO_COLOR") == nil }

  /// Columns of the terminal on stdout, else $COLUMNS, else 100.
  static var width: Int {
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    if let columns = getenv("COLUMNS").flatMap({ Int(String(cString: $0)) }), columns > 0 { return columns }
    return 100
  }

  /// Prints a compile or runtime error from the core on stderr, in colour when stderr is a tty.
  static func report(_ error: Error) {
    writeErrorAsIs(render(error, color: stderrWantsColor) + "\n")
  }

  static func render(_ error: Error, color: Bool) -> String {
    switch error {
    case let e as CompileError: return e.diagnostics.map { $0.rendered(color: color) }.joined(separator: "\n")
    case let e as RuntimeError: return e.rendered(color: color)
    default: return "error: \(TerminalText.safe("\(error)"))"
    }
  }
}
