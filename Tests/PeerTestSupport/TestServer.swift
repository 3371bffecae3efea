import Foundation
import PeerPostgres

#if canImport(Glibc)
  import Glibc
#endif

/// The throwaway PostgreSQL server of this test run: `Scripts/postgres-cluster` starts it on
/// first use (as an unprivileged OS user, in a new folder, on a free port) and it is stopped
/// when the tests end. If it cannot start, every test that needs it fails with the reason.
public enum TestServer {
  struct Running: Sendable {
    let folder: String
    let url: String
  }

  nonisolated(unsafe) private static var stopCommand: String?

  private static let running: Result<Running, TestServerError> = {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    // Straight under /tmp: the server's OS user must be able to reach it.
    var template = Array("/tmp/peer-pg-XXXXXX".utf8CString)
    let folder = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    // popen, not Process: Process's wait for the script's exit hung here (the child was left a
    // zombie, never reaped).
    let script = root.appendingPathComponent("Scripts/postgres-cluster").path
    guard let pipe = popen("'\(script)' start '\(folder)' 2>&1", "r") else {
      return .failure(TestServerError(message: "cannot run \(script)"))
    }
    var output = ""
    var buffer = [CChar](repeating: 0, count: 4096)
    while fgets(&buffer, Int32(buffer.count), pipe) != nil { output += String(cString: buffer) }
    let status = pclose(pipe)
    let lines = output.split(separator: "\n").map(String.init)
    guard status == 0, lines.count >= 2 else {
      return .failure(TestServerError(message: "the test PostgreSQL server did not start: \(output)"))
    }
    setenv("PGPASSWORD", lines[1], 1)
    stopCommand = "'\(script)' stop '\(folder)' >/dev/null 2>&1"
    atexit {
      if let command = TestServer.stopCommand { _ = system(command) }
    }
    return .success(Running(folder: folder, url: lines[0]))
  }()

  struct TestServerError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
  }

  private static let counter = Counter()

  /// The URL of a new, empty database on the server (no password: PGPASSWORD is set for this
  /// process and the processes it starts).
  public static func newDatabaseURL() throws -> String { try newDatabase().description }

  /// A new, empty database on the server, named for this test run.
  public static func newDatabase() throws -> ServerAddress {
    let server = try running.get()
    let admin = try ServerAddress(url: server.url)
    let n: Int = counter.update { ($0 ?? 0) + 1 }
    return try PostgresStore.createDatabase("peer_test_\(getpid())_\(n)", at: admin)
  }
}

/// A number shared by the tests running at once.
final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Int? = nil
  func update(_ change: (Int?) -> Int) -> Int {
    lock.withLock {
      let new = change(value)
      value = new
      return new
    }
  }
}
