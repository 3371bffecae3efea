import Foundation
import PeerCalendar
import PeerCore
import PeerScript
import PeerStore
import Testing

/// A test run on a store another program holds stops with the store's error: once it
/// reported "0 passed, 0 failed", which a cron job reads as success.
@Suite("a held store")
struct HeldStoreTests {
  @Test func testsOnAStoreHeldByAnotherProgramAreAnError() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    let store = try SQLiteStore(path: folder + "/peer.db", user: "tester", create: true)
    var options = InterpreterOptions()
    options.today = CivilDate(year: 2026, month: 11, day: 26)
    let session = Session(store: store, options: options)

    // The sqlite3 shell takes the write lock after the session opened, and keeps it.
    let holder = Process()
    holder.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    holder.arguments = [folder + "/peer.db"]
    let input = Pipe()
    let output = Pipe()
    holder.standardInput = input
    holder.standardOutput = output
    try holder.run()
    defer {
      try? input.fileHandleForWriting.close()
      holder.waitUntilExit()
    }
    input.fileHandleForWriting.write(Data("BEGIN EXCLUSIVE;\nSELECT 'held';\n".utf8))
    var seen = ""
    while !seen.contains("held") {
      let data = output.fileHandleForReading.availableData
      if data.isEmpty { break }
      seen += String(decoding: data, as: UTF8.self)
    }
    #expect(seen.contains("held"))

    var ran = 0
    #expect(throws: (any Error).self) {
      _ = try session.runTestFiles(
        [("t.peer", "test \"counts\" { assert(len(mothers) == 0) }")], fileFailed: { _, _ in },
        report: { _ in ran += 1 })
    }
    #expect(ran == 0)
    #expect(throws: (any Error).self) { _ = try session.runTests(report: { _ in }) }
  }
}
