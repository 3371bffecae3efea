import Foundation

/// Runs a program the tests need (the built `peer`, the `sqlite3` shell) with `input` on its
/// standard input (a pipe, so never a terminal) and what it writes collected.
public enum ChildProcess {
  public struct Result {
    public var status: Int32
    public var stdout: String
    public var stderr: String
  }

  public static func run(
    _ executable: String, _ arguments: [String], input: String = "", directory: URL? = nil,
    environment extra: [String: String] = [:]
  ) throws -> Result {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
    // Output goes to files rather than pipes: nothing can block on a full pipe.
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent(
      "peer-child-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let out = scratch.appendingPathComponent("out")
    let err = scratch.appendingPathComponent("err")
    FileManager.default.createFile(atPath: out.path, contents: nil)
    FileManager.default.createFile(atPath: err.path, contents: nil)
    let stdout = try FileHandle(forWritingTo: out)
    let stderr = try FileHandle(forWritingTo: err)
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
      status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8),
      stderr: try String(contentsOf: err, encoding: .utf8))
  }
}
