import ArgumentParser
import PeerCore
import PeerScript

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `peer test [FILE...]`: loads the project's scripts and the files named, then runs every
/// `test "name" { }` block they defined, in one session and one transaction that is always
/// rolled back (Session.runTestFiles). A file that does not compile or stops with an error
/// counts as one failure.
struct TestCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "test",
    abstract: "Run the project's script tests.",
    discussion: """
      Without FILE, runs tests/*.peer of the current folder, or scripts/*.peer when there is no \
      tests folder. Prints PASS or FAIL for each test and ends with "N passed, N failed".
      """
  )

  @OptionGroup var budget: BudgetOptions
  @OptionGroup var projectOptions: ProjectOptions

  @Argument(help: "Script files holding tests.")
  var files: [String] = []

  func run() throws {
    let paths = files.isEmpty ? Self.defaultFiles() : files
    if paths.isEmpty {
      Console.writeError("peer: no test files: name some, or put them in tests/*.peer or scripts/*.peer.\n")
      throw ExitCode(1)
    }
    var files: [(path: String, source: String)] = []
    var unreadable = 0
    for path in paths {
      do {
        files.append((path, try ScriptFile.read(path)))
      } catch {
        Console.writeLine("FAIL \(path): \(error)")
        unreadable += 1
      }
    }
    // The project's scripts are loaded with the session; a test file that is one of them is
    // not run twice.
    let session = try projectOptions.session(
      options: budget.interpreterOptions(attended: false), loadScripts: false)
    let projectScripts = (try projectOptions.findProject()).map { $0.scripts() } ?? []
    let loaded = try projectScripts.map { path in (path: path, source: try ScriptFile.read(path)) }
    let extra = files.filter { file in
      !projectScripts.contains { $0.hasSuffix("/" + file.path) || $0 == file.path }
    }
    let counts = try session.runTestFiles(
      loaded + extra,
      fileFailed: { path, error in
        if let notRun = error as? TestsNotRun {
          Console.writeLine("FAIL \(path): \(notRun)")
        } else {
          Console.writeLine("FAIL \(path): the file stopped with an error")
          Console.report(error)
        }
      },
      report: { result in
        if result.passed {
          Console.writeLine("PASS \(result.name)")
        } else {
          Console.writeLine("FAIL \(result.name): \(result.message ?? "failed")")
        }
        Console.flush()
      })
    let passed = counts.passed
    let failed = counts.failed + unreadable
    Console.writeLine("\(passed) passed, \(failed) failed")
    if passed + failed == 0 {
      // Nothing ran: not a success (a typo in a file name, or tests that never registered).
      Console.writeError(
        "peer: no test ran: the files hold no `test \"name\" { ... }` blocks (\(paths.joined(separator: ", ")))\n"
      )
      throw ExitCode(1)
    }
    if failed > 0 { throw ExitCode(1) }
  }

  /// tests/*.peer, else scripts/*.peer, sorted.
  static func defaultFiles() -> [String] {
    for folder in ["tests", "scripts"] {
      let found = peerFiles(in: folder)
      if !found.isEmpty { return found }
    }
    return []
  }

  static func peerFiles(in folder: String) -> [String] {
    FileSystem.list(folder).filter { $0.hasSuffix(".peer") && !$0.hasPrefix(".") }.sorted().map {
      folder + "/" + $0
    }
  }

}
