import Foundation

/// A `peer` REPL in a real terminal: tmux on a private server socket, driven with send-keys and
/// read with capture-pane. Waits poll the screen against a deadline instead of sleeping.
final class TmuxSession {
  static let available: Bool = {
    for folder in ["/usr/bin", "/usr/local/bin", "/bin", "/opt/homebrew/bin"]
    where FileManager.default.isExecutableFile(atPath: folder + "/tmux") { return true }
    return false
  }()

  let socket = "peer-tests-\(getpid())"
  let name = "s\(UUID().uuidString.prefix(8))"

  /// Starts `peer` (with `environment` added) in a 100x30 terminal; `holdingTheScreen` keeps
  /// the terminal open after peer ends, so a command's output can be read.
  init(
    environment: [String: String] = [:], arguments: [String] = [], directory: String? = nil,
    holdingTheScreen: Bool = false
  ) throws {
    var command = directory.map { "cd \(Self.quote($0)) && env" } ?? "env"
    for (key, value) in environment { command += " \(key)=\(Self.quote(value))" }
    command += " " + ([PeerProcess.binary] + arguments).map(Self.quote).joined(separator: " ")
    if holdingTheScreen { command += "; sleep 30" }
    // Tests run in parallel on one tmux server: a session started while another client is
    // starting the server can fail, so try again briefly before giving up.
    var attempt = 0
    while true {
      do {
        try tmux(["new-session", "-d", "-s", name, "-x", "100", "-y", "30", command])
        return
      } catch {
        attempt += 1
        if attempt == 5 { throw error }
        usleep(200_000)
      }
    }
  }

  deinit { _ = try? tmux(["kill-session", "-t", name]) }

  /// `tmux send-keys`: literal text, or key names such as "Enter", "Tab", "C-c", "C-d", "Up".
  func send(_ keys: String...) throws {
    try tmux(["send-keys", "-t", name] + keys)
  }

  /// Types text literally (no key-name lookup).
  func type(_ text: String) throws {
    try tmux(["send-keys", "-t", name, "-l", text])
  }

  /// Pastes text as a terminal does when the application asked for bracketed paste (as
  /// readline does): the text between the paste markers, newlines and all.
  func paste(_ text: String) throws {
    let buffer = "b\(name)"
    try tmux(["set-buffer", "-b", buffer, text])
    try tmux(["paste-buffer", "-p", "-d", "-b", buffer, "-t", name])
  }

  func screen() -> String {
    (try? tmux(["capture-pane", "-p", "-t", name])) ?? ""
  }

  /// Waits until the screen satisfies `condition`; returns the last screen seen either way.
  @discardableResult
  func waitFor(timeout: Double = 10, _ condition: (String) -> Bool) -> (ok: Bool, screen: String) {
    let deadline = Date().addingTimeInterval(timeout)
    var last = ""
    while Date() < deadline {
      last = screen()
      if condition(last) { return (true, last) }
      usleep(30_000)
    }
    return (false, last)
  }

  /// Lines of the screen, trailing blanks trimmed.
  static func lines(_ screen: String) -> [String] {
    var lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map {
      var s = String($0)
      while s.last == " " { s.removeLast() }
      return s
    }
    while lines.last == "" { lines.removeLast() }
    return lines
  }

  /// Whether the session's process is still running.
  var isAlive: Bool {
    guard let out = try? tmux(["list-panes", "-t", name, "-F", "#{pane_dead}"]) else { return false }
    return out.trimmingCharacters(in: .whitespacesAndNewlines) == "0"
  }

  /// Runs one tmux command with posix_spawn and waitpid. Not Foundation's Process: `new-session`
  /// starts the tmux server, which inherits what the client had (pipes, and a signal mask in which
  /// the test runner's threads block SIGINT, so Ctrl-C would never reach `peer`), and Process
  /// then may never see the client finish. Here output goes to a file, every signal is unblocked
  /// and set to its default.
  @discardableResult
  private func tmux(_ arguments: [String]) throws -> String {
    let outPath = FileManager.default.temporaryDirectory.appendingPathComponent(
      "peer-tmux-\(UUID().uuidString)"
    ).path
    defer { try? FileManager.default.removeItem(atPath: outPath) }
    let argv = ["tmux", "-L", socket, "-f", "/dev/null"] + arguments
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attributes, &none)
    posix_spawnattr_setsigdefault(&attributes, &all)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var cArguments = argv.map { strdup($0) } + [nil]
    defer { for p in cArguments { free(p) } }
    var pid: pid_t = 0
    let spawned = posix_spawnp(&pid, "tmux", &actions, &attributes, &cArguments, environ)
    guard spawned == 0 else { throw TmuxError(arguments: arguments) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let exited = (status & 0x7f) == 0
    let code = (status >> 8) & 0xff
    if !exited || code != 0 { throw TmuxError(arguments: arguments) }
    return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
  }

  struct TmuxError: Error { var arguments: [String] }

  private static func quote(_ s: String) -> String {
    "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }
}
