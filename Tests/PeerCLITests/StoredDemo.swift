import Foundation
import PeerPostgres
import PeerTestSupport
import Testing

/// A demo project (data ending 2026-11-26) on one store, with SQL run on its records (sqlite3
/// on the file, psql on the server) and peer run in its folder.
struct StoredDemo {
  let folder: String
  let store: StoreUnderTest
  let server: ServerAddress?

  init(_ store: StoreUnderTest, in scratch: TemporaryFolder) throws {
    folder = scratch.path("demo")
    self.store = store
    var arguments = ["demo", folder, "--today", "2026-11-26"]
    if store == .postgres {
      let url = try TestServer.newDatabaseURL()
      server = try ServerAddress(url: url)
      arguments += ["--database", url]
    } else {
      server = nil
    }
    let made = try PeerProcess.run(arguments)
    #expect(made.status == 0, "\(made.stderr)")
  }

  /// Rows of a query, one line each (cells joined by "|").
  func sql(_ query: String) throws -> [String] {
    let output: String
    if let server {
      let (status, text) = try TestServer.psql(query, login: server.user, on: server)
      #expect(status == 0, "\(text)")
      output = text
    } else {
      let r = try ChildProcess.run("/usr/bin/sqlite3", ["-readonly", folder + "/peer.db", query])
      #expect(r.status == 0, "\(r.stderr)")
      output = r.stdout
    }
    return output.split(separator: "\n").map(String.init)
  }

  /// `peer batch scripts/nightly.peer` as on `day`: its log's events.
  func batch(on day: String, dryRun: Bool = false) throws -> [[String: Any]] {
    let r = try PeerProcess.run(
      ["batch", "scripts/nightly.peer", "--as-of", day] + (dryRun ? ["--dry-run"] : []),
      directory: URL(fileURLWithPath: folder))
    #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
    return try r.stdout.split(separator: "\n").map {
      try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
    }
  }

  /// peer run in the project's folder (as on 2026-11-26 unless not `dated`: a command without
  /// a day), with `input` piped in as a script.
  func peer(_ arguments: [String], input: String = "", dated: Bool = true) throws -> PeerProcess.Result {
    try PeerProcess.run(
      (dated ? ["--today", "2026-11-26"] : []) + arguments, input: input,
      directory: URL(fileURLWithPath: folder))
  }
}
