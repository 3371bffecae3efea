import ArgumentParser
import PeerScript

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `peer test [FILE...]`: runs each file, then the `test "name" { }` blocks it defined.
///
/// Each file gets a fresh interpreter so that one file's definitions cannot make another's tests
/// pass or fail. A file that does not compile or stops with an error counts as one failure.
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

  @Argument(help: "Script files holding tests.")
  var files: [String] = []

  func run() throws {
    let paths = files.isEmpty ? Self.defaultFiles() : files
    if paths.isEmpty {
      Console.writeError("peer: no test files: name some, or put them in tests/*.peer or scripts/*.peer.\n")
      throw ExitCode(1)
    }
    var passed = 0
    var failed = 0
    for path in paths {
      let source: String
      do {
        source = try ScriptFile.read(path)
      } catch {
        Console.writeLine("FAIL \(path): \(error)")
        failed += 1
        continue
      }
      let interpreter = Interpreter(options: budget.interpreterOptions())
      do {
        _ = try interpreter.run(source, file: path)
      } catch {
        Console.writeLine("FAIL \(path): the file stopped with an error")
        Console.report(error)
        failed += 1
        continue
      }
      let counts = interpreter.runTests { result in
        if result.passed {
          Console.writeLine("PASS \(result.name)")
        } else {
          Console.writeLine("FAIL \(result.name): \(result.message ?? "failed")")
        }
        Console.flush()
      }
      passed += counts.passed
      failed += counts.failed
    }
    Console.writeLine("\(passed) passed, \(failed) failed")
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
    guard let dir = opendir(folder) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name.hasSuffix(".peer") && !name.hasPrefix(".") { names.append(folder + "/" + name) }
    }
    return names.sorted()
  }
}
