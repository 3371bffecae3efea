import Foundation

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

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs `peer ARGS` (or another `executable`) with `input` on stdin (a pipe, so never a
  /// terminal) in `directory`.
  static func run(
    _ arguments: [String], input: String = "", directory: URL? = nil, executable: String? = nil,
    environment extra: [String: String] = [:]
  ) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable ?? binary)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    var environment = ProcessInfo.processInfo.environment
    environment["NO_COLOR"] = "1"
    environment.merge(extra) { $1 }
    process.environment = environment
    // Output goes to files rather than pipes: nothing can block on a full pipe.
    let scratch = try TemporaryFolder()
    FileManager.default.createFile(atPath: scratch.path("out"), contents: nil)
    FileManager.default.createFile(atPath: scratch.path("err"), contents: nil)
    let stdout = try FileHandle(forWritingTo: scratch.url.appendingPathComponent("out"))
    let stderr = try FileHandle(forWritingTo: scratch.url.appendingPathComponent("err"))
    let stdin = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    process.waitUntilExit()
    try stdout.close()
    try stderr.close()
    return Result(
      status: process.terminationStatus,
      stdout: try String(contentsOfFile: scratch.path("out"), encoding: .utf8),
      stderr: try String(contentsOfFile: scratch.path("err"), encoding: .utf8))
  }
}

/// A scratch folder removed at the end of the test.
final class TemporaryFolder {
  let url: URL

  init() throws {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("peer-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  deinit { try? FileManager.default.removeItem(at: url) }

  @discardableResult
  func write(_ name: String, _ text: String) throws -> String {
    let file = url.appendingPathComponent(name)
    try FileManager.default.createDirectory(
      at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: file, atomically: true, encoding: .utf8)
    return file.path
  }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }
}
