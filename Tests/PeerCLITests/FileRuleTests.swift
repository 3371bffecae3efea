import Foundation
import Testing

/// The one file rule (docs/language.md, "What scripts may and may not do"): where `save` may
/// write, which commands may write at all, and files written whole, never through a link,
/// owner-only.
@Suite("the file rule")
struct FileRuleTests {
  let table = "[{a: 1}]"

  func exists(_ path: String) -> Bool {
    var st = stat()
    return lstat(path, &st) == 0
  }

  func leftovers(_ folder: TemporaryFolder) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.url.path).filter { $0.contains(".part-") }
  }

  /// A NUL in a name once cut it short: "evil.sh\0.txt" wrote evil.sh.
  @Test func aNULInAFileNameIsRefused() throws {
    let folder = try TemporaryFolder()
    let script = try folder.write("nul.peer", "save([\"echo hi\"], \"evil.sh\u{0}.txt\")\n")
    let result = try PeerProcess.run(["run", script], directory: folder.url)
    #expect(result.status == 1)
    #expect(result.stderr.contains("a file name cannot hold NUL or control characters"), "\(result.stderr)")
    #expect(result.stderr.contains("nul.peer:1:"))
    #expect(!exists(folder.path("evil.sh")))
    #expect(!exists(folder.path("evil.sh\u{0}.txt")))
  }

  @Test func scriptsWriteOnlyInsideTheCurrentFolder() throws {
    let folder = try TemporaryFolder()
    let inner = folder.path("inner")
    try FileManager.default.createDirectory(atPath: inner, withIntermediateDirectories: true)
    let cases: [(String, String)] = [
      ("../up.csv", "no \"..\""),
      (folder.path("abs.csv"), "scripts write only inside the current folder"),
      (".hidden.csv", "is hidden"),
      ("sub/.ssh/keys.txt", ".ssh is hidden"),
      ("peer.db.csv", "the project's database"),
      ("bad\u{1b}[2J.csv", "control characters"),
    ]
    for (name, message) in cases {
      let script = try folder.write("s.peer", "save(\(table), \"\(name)\")\n")
      let result = try PeerProcess.run(["run", script], directory: URL(fileURLWithPath: inner))
      #expect(result.status == 1, "\(name)")
      #expect(result.stderr.contains(message), "\(name): \(result.stderr)")
      #expect(!result.stderr.contains("\u{1b}"), "the escape reached the terminal raw")
    }
    #expect(!exists(folder.path("up.csv")) && !exists(folder.path("abs.csv")))
    let ok = try folder.write("ok.peer", "save(\(table), \"out.csv\")\n")
    try FileManager.default.createDirectory(atPath: inner + "/reports", withIntermediateDirectories: true)
    try folder.write("ok2.peer", "save(\(table), \"reports/out.csv\")\n")
    #expect(try PeerProcess.run(["run", ok], directory: URL(fileURLWithPath: inner)).status == 0)
    #expect(
      try PeerProcess.run(["run", folder.path("ok2.peer")], directory: URL(fileURLWithPath: inner)).status
        == 0)
    #expect(exists(inner + "/out.csv") && exists(inner + "/reports/out.csv"))
  }

  /// A link planted where the file goes, or as a folder on the way, leads nowhere.
  @Test func plantedLinksAreNotWrittenThrough() throws {
    let folder = try TemporaryFolder()
    let target = try folder.write("target.csv", "precious\n")
    let elsewhere = folder.path("elsewhere")
    try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
    let work = folder.path("work")
    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
    #expect(symlink(target, work + "/link.csv") == 0)
    #expect(symlink(elsewhere, work + "/out") == 0)
    let a = try folder.write("a.peer", "save(\(table), \"link.csv\")\n")
    let b = try folder.write("b.peer", "save(\(table), \"out/x.csv\")\n")
    let first = try PeerProcess.run(["run", a], directory: URL(fileURLWithPath: work))
    #expect(first.status == 1)
    #expect(first.stderr.contains("symbolic link"), "\(first.stderr)")
    let second = try PeerProcess.run(["run", b], directory: URL(fileURLWithPath: work))
    #expect(second.status == 1)
    #expect(second.stderr.contains("out is not a folder of its own"), "\(second.stderr)")
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "precious\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: elsewhere).isEmpty)

    // --out, named at the command line, follows the same rule for the file itself.
    let project = folder.path("p")
    #expect(try PeerProcess.run(["init", project]).status == 0)
    let export = try PeerProcess.run(["export", "mothers", "--out", work + "/link.csv", "--project", project])
    #expect(export.status == 1)
    #expect(export.stderr.contains("symbolic link"), "\(export.stderr)")
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "precious\n")
    #expect(try FileManager.default.contentsOfDirectory(atPath: work).allSatisfy { !$0.contains(".part-") })
  }

  /// `peer test`, a dry run and scripts loading at start-up write no files.
  @Test func commandsThatMustNotWriteRefuseSave() throws {
    let folder = try TemporaryFolder()
    let project = folder.path("p")
    #expect(try PeerProcess.run(["init", project]).status == 0)
    let test = try folder.write(
      "t.peer", "test \"writes\" { save(\(table), \"from-test.csv\") }\n")
    let tested = try PeerProcess.run(["test", test, "--project", project], directory: folder.url)
    #expect(tested.status == 1)
    #expect(tested.stdout.contains("tests write no files"), "\(tested.stdout)")
    #expect(!exists(folder.path("from-test.csv")))

    let job = try folder.write("job.peer", "save(\(table), \"from-job.csv\")\n")
    let dry = try PeerProcess.run(
      ["batch", job, "--dry-run", "--as-of", "2026-11-26", "--project", project], directory: folder.url)
    #expect(dry.status == 1)
    #expect(dry.stdout.contains("a dry run writes no files"), "\(dry.stdout)")
    #expect(!exists(folder.path("from-job.csv")))
    let real = try PeerProcess.run(
      ["batch", job, "--as-of", "2026-11-26", "--project", project], directory: folder.url)
    #expect(real.status == 0, "\(real.stdout)")
    #expect(exists(folder.path("from-job.csv")))

    try folder.write("p/scripts/startup.peer", "save(\(table), \"from-startup.csv\")\n")
    let started = try PeerProcess.run(["--project", project], input: "print(1)", directory: folder.url)
    #expect(started.status == 1)
    #expect(started.stderr.contains("startup.peer:1:"), "\(started.stderr)")
    #expect(started.stderr.contains("scripts write no files while they load at start-up"))
    #expect(!exists(folder.path("from-startup.csv")))
  }

  /// Logs name records: owner-only whatever the umask; a log that cannot be written fails the job.
  @Test func batchLogsAreOwnerOnlyAndAFullDiskFails() throws {
    let folder = try TemporaryFolder()
    let project = folder.path("p")
    #expect(try PeerProcess.run(["init", project]).status == 0)
    let job = try folder.write("job.peer", "print(\"ran\")\n")
    let log = folder.path("job.log")
    let shell = try PeerProcess.run(
      [
        "-c", "umask 000; exec \"$0\" batch \"$1\" --as-of 2026-11-26 --project \"$2\" --log \"$3\"",
        PeerProcess.binary, job, project, log,
      ], executable: "/bin/sh")
    #expect(shell.status == 0, "\(shell.stderr)")
    var st = stat()
    #expect(stat(log, &st) == 0)
    #expect(st.st_mode & 0o777 == 0o600)

    let full = try PeerProcess.run([
      "batch", job, "--as-of", "2026-11-26", "--project", project, "--log", "/dev/full",
    ])
    #expect(full.status == 1)
    #expect(full.stderr.contains("the batch log could not be written"), "\(full.stderr)")
  }

  /// An export that fails leaves no file and no temporary file behind.
  @Test func aFailedExportLeavesNothing() throws {
    let folder = try TemporaryFolder()
    let project = folder.path("p")
    #expect(try PeerProcess.run(["init", project]).status == 0)
    let out = try PeerProcess.run(["export", "mothers", "--out", "/dev/full", "--project", project])
    #expect(out.status == 1)
    let ok = try PeerProcess.run(["export", "mothers", "--out", folder.path("m.csv"), "--project", project])
    #expect(ok.status == 0)
    var st = stat()
    #expect(stat(folder.path("m.csv"), &st) == 0 && st.st_mode & 0o777 == 0o600)
    #expect(try leftovers(folder).isEmpty)
  }

  /// A CSV cell holding NUL is refused with its place (it was cut short); an unclosed quote
  /// names the file.
  @Test func csvCellsWithNULAndUnclosedQuotes() throws {
    let folder = try TemporaryFolder()
    let project = folder.path("p")
    #expect(try PeerProcess.run(["init", project]).status == 0)
    let nul = try folder.write(
      "nul.csv", "name,due_date,referral_date,status\nA\u{0}ma,2027-01-01,2026-11-01,referred\n")
    let refused = try PeerProcess.run(["import", "mothers", nul, "--project", project])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("nul.csv:2:name: mother.name holds a NUL byte"), "\(refused.stderr)")
    let quote = try folder.write(
      "quote.csv", "name,due_date,referral_date,status\n\"Ama,2027-01-01,2026-11-01,referred\n")
    let unclosed = try PeerProcess.run(["import", "mothers", quote, "--project", project])
    #expect(unclosed.status == 1)
    #expect(unclosed.stderr.contains("quote.csv:2: a quoted field is not closed"), "\(unclosed.stderr)")
  }

  /// peer's own options after the script's name would reach the script: refused, exit 2.
  @Test func optionsAfterTheScriptAreRefused() throws {
    let folder = try TemporaryFolder()
    let script = try folder.write("a.peer", "print(args)\n")
    let wrong = try PeerProcess.run(["run", script, "--project", folder.path("p")])
    #expect(wrong.status == 2)
    #expect(wrong.stderr.contains("--project after the script's name would be passed to the script"))
    let passed = try PeerProcess.run(["run", script, "--", "--project", "x"])
    #expect(passed.stdout == "[\"--project\", \"x\"]\n")
  }

  /// A batch lock that cannot be made is said as such, not as "another batch is running".
  @Test func aLockThatCannotBeMadeIsNotAnotherJob() throws {
    let folder = try TemporaryFolder()
    let project = folder.path("p")
    #expect(try PeerProcess.run(["init", project]).status == 0)
    try FileManager.default.createDirectory(
      atPath: project + "/.peer-batch.lock", withIntermediateDirectories: true)
    let job = try folder.write("job.peer", "print(1)\n")
    let result = try PeerProcess.run(["batch", job, "--as-of", "2026-11-26", "--project", project])
    #expect(result.status == 1)
    #expect(result.stdout.contains("cannot make the batch lock"), "\(result.stdout)")
    #expect(!result.stdout.contains("another peer batch is running"))
  }

  /// A budget too large to reserve is a command-line mistake, not a trap.
  @Test func aHugeDepthIsAMistakeOnTheCommandLine() throws {
    let folder = try TemporaryFolder()
    let script = try folder.write("a.peer", "print(1)\n")
    let result = try PeerProcess.run(["run", "--max-depth", "9223372036854775807", script])
    #expect(result.status == 2)
    #expect(result.stderr.contains("--max-depth must be a positive number up to 1000000"), "\(result.stderr)")
  }
}
