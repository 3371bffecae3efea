import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A second OS process on the same database: the sqlite3 shell, fed commands line by line, so a
/// test can hold a transaction open in another process, wait until it is at a chosen point
/// (a `SELECT 'marker';` it prints), then commit it or kill it with SIGKILL.
/// (`@unchecked Sendable`: another thread may `send`, a pipe write; only one thread `wait`s.)
final class SQLiteChild: @unchecked Sendable {
  let process = Process()
  private let input = Pipe()
  private let output = Pipe()
  private var seen = ""

  init(_ path: String) throws {
    process.executableURL = URL(fileURLWithPath: sqlite3)
    process.arguments = [path]
    process.standardInput = input
    process.standardOutput = output
    process.standardError = output
    try process.run()
    // Without its own busy timeout the shell would fail at once when peer holds the lock.
    send(".timeout 5000")
  }

  func send(_ sql: String) {
    input.fileHandleForWriting.write(Data((sql + "\n").utf8))
  }

  /// Sends `SELECT 'marker';` and reads the shell's output until it prints the marker; returns
  /// everything printed since the last wait (false if the shell ended first).
  @discardableResult
  func wait(for marker: String) -> (reached: Bool, output: String) {
    send("SELECT '\(marker)';")
    while !seen.contains(marker) {
      let data = output.fileHandleForReading.availableData
      if data.isEmpty { break }
      seen += String(decoding: data, as: UTF8.self)
    }
    defer { seen = "" }
    return (seen.contains(marker), seen)
  }

  /// SIGKILL: no chance to commit, roll back or clean up, as when the power goes or the OOM
  /// killer strikes.
  func kill9() {
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  func finish() -> Int32 {
    try? input.fileHandleForWriting.close()
    process.waitUntilExit()
    return process.terminationStatus
  }
}
