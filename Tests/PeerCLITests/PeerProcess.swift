import Foundation
import PeerTestSupport

/// Runs the built `peer` binary: `$PEER_BIN` if set, else `.build/debug/peer` of this package
/// (found by walking up from this file to `Package.swift`).
enum PeerProcess {
  static let packageRoot: URL = {
    var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while url.path != "/" {
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        return url
      }
      url = url.deletingLastPathComponent()
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
  }()

  static let binary: String = {
    if let path = ProcessInfo.processInfo.environment["PEER_BIN"], !path.isEmpty { return path }
    return packageRoot.appendingPathComponent(".build/debug/peer").path
  }()

  typealias Result = ChildProcess.Result

  /// Runs `peer ARGS` (or another `executable`) with `input` on stdin (a pipe, so never a
  /// terminal) in `directory`, without colours.
  static func run(
    _ arguments: [String], input: String = "", directory: URL? = nil, executable: String? = nil,
    environment extra: [String: String] = [:]
  ) throws -> Result {
    try ChildProcess.run(
      executable ?? binary, arguments, input: input, directory: directory,
      environment: ["NO_COLOR": "1"].merging(extra) { $1 })
  }
}

/// A scratch folder removed at the end of the test.
final class TemporaryFolder {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("peer-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit {
    // A REPL in tmux may still be saving its history as the test ends, so that the folder is
    // not empty when its removal comes to it: try again briefly rather than leave it behind.
    for _ in 0..<20 {
      try? FileManager.default.removeItem(at: url)
      if !FileManager.default.fileExists(atPath: url.path) { return }
      usleep(50_000)
    }
  }

  @discardableResult
  func write(_ name: String, _ text: String) throws -> String {
    let file = url.appendingPathComponent(name)
    try FileManager.default.createDirectory(
      at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: file, atomically: false, encoding: .utf8)
    return file.path
  }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}
