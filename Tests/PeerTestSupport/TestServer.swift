import Foundation
import PeerPostgres
import PeerStore

#if canImport(Glibc)
  import Glibc
#endif

/// A throwaway PostgreSQL server: `Scripts/postgres-cluster` starts it (as an unprivileged OS
/// user, in a new folder under /tmp, on a free port); `stop` ends it and removes the folder.
public final class ThrowawayServer: Sendable {
  public let folder: String
  /// The superuser's URL (no password).
  public let url: String
  public let password: String

  static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Scripts/postgres-cluster").path

  public init() throws {
    // Straight under /tmp: the server's OS user must be able to reach it.
    var template = Array("/tmp/peer-pg-XXXXXX".utf8CString)
    folder = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    let (status, output) = shell("'\(Self.script)' start '\(folder)' 2>&1")
    let lines = output.split(separator: "\n").map(String.init)
    guard status == 0, lines.count >= 2 else {
      throw TestServerError(message: "the test PostgreSQL server did not start: \(output)")
    }
    url = lines[0]
    password = lines[1]
  }

  /// A new, empty database on this server, with its superuser's password.
  public func newDatabase(_ name: String) throws -> ServerAddress {
    try PostgresStore.createDatabase(name, at: try ServerAddress(url: url), password: password)
  }

  /// Stops the server at once (as a crash or a restart by its administrator would) and starts
  /// it again; connections open at the time are lost.
  public func restart() throws {
    let (status, output) = shell("'\(Self.script)' restart '\(folder)' 2>&1")
    if status != 0 { throw TestServerError(message: "the test server did not restart: \(output)") }
  }

  public func stop() { _ = shell("'\(Self.script)' stop '\(folder)' >/dev/null 2>&1") }
}

public struct TestServerError: Error, CustomStringConvertible {
  let message: String
  public var description: String { message }
}

/// The throwaway PostgreSQL server this test run shares: started on first use and stopped
/// when the tests end. If it cannot start, every test that needs it fails with the reason.
public enum TestServer {
  nonisolated(unsafe) private static var stopAtExit: ThrowawayServer?

  private static let running: Result<ThrowawayServer, TestServerError> = {
    do {
      let server = try ThrowawayServer()
      setenv("PGPASSWORD", server.password, 1)
      stopAtExit = server
      atexit { TestServer.stopAtExit?.stop() }
      return .success(server)
    } catch let e as TestServerError {
      return .failure(e)
    } catch {
      return .failure(TestServerError(message: "\(error)"))
    }
  }()

  private static let counter = Counter()

  /// The URL of a new, empty database on the server (no password: PGPASSWORD is set for this
  /// process and the processes it starts).
  public static func newDatabaseURL() throws -> String { try newDatabase().description }

  /// The URL through the server's Unix socket, which trusts every login (as people's logins
  /// have no password here): `login` connecting to the database `address` names.
  public static func socketURL(login: String, of address: ServerAddress) throws -> String {
    let server = try running.get()
    return "postgresql://\(login)@:\(address.port)/\(address.database)?host=\(server.folder)"
  }

  /// Runs SQL with `psql` as `login` (through the socket) and gives its rows, one per line
  /// (`-At`, without the last newline), or its error; the exit status is 0 only when every statement ran.
  public static func psql(_ sql: String, login: String, on address: ServerAddress) throws -> (
    status: Int32, output: String
  ) {
    let url = try socketURL(login: login, of: address)
    let quoted = sql.replacingOccurrences(of: "'", with: "'\\''")
    let (status, output) = shell("psql -X -At -v ON_ERROR_STOP=1 '\(url)' -c '\(quoted)' 2>&1")
    return (status, output.hasSuffix("\n") ? String(output.dropLast()) : output)
  }

  /// The server's data folder (`PGDATA`): its files, for tests that look for what the server
  /// keeps on disk.
  public static func dataFolder() throws -> String { try running.get().folder + "/data" }

  /// A new, empty database on the server, named for this test run.
  public static func newDatabase() throws -> ServerAddress {
    let server = try running.get()
    let n: Int = counter.update { ($0 ?? 0) + 1 }
    return try server.newDatabase("peer_test_\(getpid())_\(n)")
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

/// The two stores every store test, pushdown test and record-level conformance script runs on.
public enum StoreUnderTest: String, CaseIterable, Sendable, CustomStringConvertible {
  case sqlite, postgres

  public var description: String { rawValue }

  /// A new, empty store: a file in a fresh folder under /tmp, or a fresh database on the test
  /// server.
  public func makeStore(user: String = "tester") throws -> any RecordStore {
    switch self {
    case .sqlite:
      var template = Array("/tmp/peer-test-XXXXXX".utf8CString)
      let folder = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
      return try SQLiteStore(path: folder + "/peer.db", user: user, create: true)
    case .postgres:
      return try PostgresStore(address: try TestServer.newDatabase(), user: user, create: true)
    }
  }
}
