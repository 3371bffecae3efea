import Foundation
import Testing

/// Commands that only read (a report, a printed form) use read transactions: they never wait
/// behind another program's long write, and cannot change a record.
// Serialized: both tests keep a sqlite3 shell running while they start peer, and Foundation's
// Process sees a child exit only when every copy of a socket it inherited is closed; a shell
// started at the same moment as the other test's peer can hold a copy (swift-corelibs-foundation
// issue 4795), and the two would wait for each other.
@Suite("read-only commands", .serialized)
struct ReadOnlyCommandTests {
  @Test func aReportAndAPrintedFormDoNotWaitForAWriter() throws {
    let folder = try TemporaryFolder()
    let project = folder.path("p")
    #expect(try PeerProcess.run(["init", project]).status == 0)
    try folder.write(
      "p/scripts/small.peer",
      """
      report small {
        table "Services" = [{name: "Food bank", n: 12}]
      }
      form quick "Quick" {
        name text required
      }
      report changes {
        table "T" = [{made: create("service", {name: "Sneaky"}).id}]
      }
      """)
    // The sqlite3 shell holds a write transaction open (a long import, say).
    let holder = try WriteHolder(database: project + "/peer.db")
    defer { holder.finish() }

    // A reader that waited would wait the busy timeout and fail ("... is busy"): success is
    // the proof, and no clock is read (a loaded machine is slow, not wrong).
    let report = try PeerProcess.run(["report", "small", "--project", project])
    #expect(report.status == 0, "\(report.stderr)")
    #expect(report.stdout.contains("Food bank"))
    let form = try PeerProcess.run(["form", "quick", "--print", "--project", project])
    #expect(form.status == 0, "\(form.stderr)")
    let reading = try folder.write("reading.peer", "print(services | count)")
    let run = try PeerProcess.run(["run", "--project", project, reading])
    #expect(run.status == 0, "\(run.stderr)")
    #expect(run.stdout == "0\n")

    let sneaky = try PeerProcess.run(["report", "changes", "--project", project])
    #expect(sneaky.status == 1)
    #expect(sneaky.stderr.contains("this command only reads the records"), "\(sneaky.stderr)")
  }

  /// `peer run` takes the write lock only at the script's first change. When another program
  /// holds it then, a script that has shown nothing yet runs again from the start once the lock
  /// is free (reading the records afresh); one that has printed says so in one sentence.
  @Test func aScriptThatWritesBehindAWriterRunsAgainOrSaysSo() throws {
    let folder = try TemporaryFolder()
    let project = folder.path("p")
    #expect(try PeerProcess.run(["init", project]).status == 0)
    let quiet = try folder.write(
      "quiet.peer", "let n = services | count\ncreate(\"service\", {name: \"after {n}\"})")
    let chatty = try folder.write(
      "chatty.peer", "print(services | count)\ncreate(\"service\", {name: \"chatty\"})")

    let holder = try WriteHolder(database: project + "/peer.db")
    let committer = Thread {
      usleep(1_000_000)
      holder.send("COMMIT;\n")
    }
    committer.start()
    let first = try PeerProcess.run(["run", "--project", project, quiet])
    #expect(first.status == 0, "\(first.stderr)")
    holder.finish()
    let names = try PeerProcess.run(
      ["run", "--project", project, try folder.write("names.peer", "print(services | map(.name) | sorted)")])
    // The second run read the records after the other program's commit: it counted "held".
    #expect(names.stdout == "[\"after 1\", \"held\"]\n", "\(names.stderr)")

    let again = try WriteHolder(database: project + "/peer.db")
    let second = try PeerProcess.run(["run", "--project", project, chatty])
    again.finish()
    #expect(second.status == 1)
    #expect(second.stdout == "2\n")
    #expect(
      second.stderr.contains(
        "another program was changing the records while this script read them, so nothing it changed was saved; run it again"
      ), "\(second.stderr)")
    let after = try PeerProcess.run(["run", "--project", project, folder.path("names.peer")])
    #expect(after.stdout == "[\"after 1\", \"held\"]\n", "\(after.stderr)")
  }
}

/// The sqlite3 shell holding a write transaction open on a database (a long import, say),
/// with one service inserted and not yet committed. (`@unchecked
/// Sendable`: another thread may `send`, a pipe write.)
final class WriteHolder: @unchecked Sendable {
  private let process = Process()
  private let input = Pipe()
  private let output = Pipe()

  init(database: String) throws {
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = [database]
    process.standardInput = input
    process.standardOutput = output
    try process.run()
    send("BEGIN IMMEDIATE;\nINSERT INTO services (name) VALUES ('held');\nSELECT 'held';\n")
    var seen = ""
    while !seen.contains("held") {
      let data = output.fileHandleForReading.availableData
      if data.isEmpty { break }
      seen += String(decoding: data, as: UTF8.self)
    }
    #expect(seen.contains("held"), "sqlite3 did not take the write lock")
  }

  func send(_ sql: String) { input.fileHandleForWriting.write(Data(sql.utf8)) }

  /// Ends the shell: a transaction still open is rolled back.
  func finish() {
    guard process.isRunning else { return }
    try? input.fileHandleForWriting.close()
    process.waitUntilExit()
  }
}
