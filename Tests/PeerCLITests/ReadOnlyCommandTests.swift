import Foundation
import Testing

/// Commands that only read (a report, a printed form) use read transactions: they never wait
/// behind another program's long write, and cannot change a record.
@Suite("read-only commands")
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
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    holder.arguments = [project + "/peer.db"]
    let input = Pipe()
    let output = Pipe()
    holder.standardInput = input
    holder.standardOutput = output
    try holder.run()
    defer {
      try? input.fileHandleForWriting.close()
      holder.waitUntilExit()
    }
    input.fileHandleForWriting.write(
      Data("BEGIN IMMEDIATE;\nINSERT INTO services (name) VALUES ('held');\nSELECT 'held';\n".utf8))
    var seen = ""
    while !seen.contains("held") {
      let data = output.fileHandleForReading.availableData
      if data.isEmpty { break }
      seen += String(decoding: data, as: UTF8.self)
    }
    #expect(seen.contains("held"))

    let started = Date()
    let report = try PeerProcess.run(["report", "small", "--project", project])
    #expect(report.status == 0, "\(report.stderr)")
    #expect(report.stdout.contains("Food bank"))
    let form = try PeerProcess.run(["form", "quick", "--print", "--project", project])
    #expect(form.status == 0, "\(form.stderr)")
    #expect(Date().timeIntervalSince(started) < 4, "a reader waited for the writer")

    let sneaky = try PeerProcess.run(["report", "changes", "--project", project])
    #expect(sneaky.status == 1)
    #expect(sneaky.stderr.contains("this command only reads the records"), "\(sneaky.stderr)")
  }
}
