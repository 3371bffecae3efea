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

  /// Starts `peer` (with `environment` added) in a 100x30 terminal.
  init(environment: [String: String] = [:], arguments: [String] = []) throws {
    var command = "env"
    for (key, value) in environment { command += " \(key)=\(Self.quote(value))" }
    command += " " + ([PeerProcess.binary] + arguments).map(Self.quote).joined(separator: " ")
    try tmux(["new-session", "-d", "-s", name, "-x", "100", "-y", "30", command])
  }

  deinit { try? tmux(["kill-session", "-t", name]) }

  /// `tmux send-keys`: literal text, or key names such as "Enter", "Tab", "C-c", "C-d", "Up".
  func send(_ keys: String...) throws {
    try tmux(["send-keys", "-t", name] + keys)
  }

  /// Types text literally (no key-name lookup).
  func type(_ text: String) throws {
    try tmux(["send-keys", "-t", name, "-l", text])
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

  /// Runs one tmux command. Its output goes to a file, not a pipe: `new-session` starts the tmux
  /// server, which would inherit a pipe's write end and keep it open forever.
  @discardableResult
  private func tmux(_ arguments: [String]) throws -> String {
    let outPath = FileManager.default.temporaryDirectory.appendingPathComponent("peer-tmux-\(UUID().uuidString)").path
    FileManager.default.createFile(atPath: outPath, contents: nil)
    defer { try? FileManager.default.removeItem(atPath: outPath) }
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["tmux", "-L", socket, "-f", "/dev/null"] + arguments
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = out
    process.standardError = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    try out.close()
    if process.terminationStatus != 0 { throw TmuxError(arguments: arguments) }
    return (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
  }

  struct TmuxError: Error { var arguments: [String] }

  private static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
