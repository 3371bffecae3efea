import PeerScript
import PeerStore
import Testing

@testable import PeerCore

/// The example scripts carried by the demo project: embedded as listed, identical to the files
/// in Examples/, and working on the demo's data (they load, and their own tests pass).
@Suite("Demo scripts")
struct DemoScriptsTests {
  static let root: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(3)  // Tests/PeerCoreTests/DemoScriptsTests.swift
    return parts.joined(separator: "/")
  }()

  @Test func theEmbeddedListMatchesExamplesDemoFiles() throws {
    let manifest = try FileSystem.read(Self.root + "/Examples/demo-files.txt")
    var listed: [String] = []
    for raw in manifest.split(separator: "\n") {
      let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
      let sides = line.components(separatedBy: "->").map { $0.trimmingCharacters(in: .whitespaces) }
      guard sides.count == 2 else { continue }
      listed.append("\(sides[0]) -> \(sides[1])")
    }
    let embedded = DemoScripts.files.map { "\($0.source) -> \($0.path)" }
    #expect(embedded == listed, "run Scripts/embed-examples")
  }

  @Test func theEmbeddedTextIsTheExamplesFiles() throws {
    for file in DemoScripts.files {
      let onDisk = try FileSystem.read(Self.root + "/" + file.source)
      #expect(file.text + "\n" == onDisk, "\(file.source) changed: run Scripts/embed-examples")
    }
  }

  @Test func theScriptsLoadOnTheDemoDataAndTheirTestsPass() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    let project = Project(folder: folder)
    try DemoScripts.install(in: project)
    var options = InterpreterOptions()
    options.today = DemoProjectTests.today
    options.output = { _ in }
    let session = Session(store: DemoProjectTests.made.store, options: options)
    let scripts = project.scripts()
    #expect(
      scripts.count
        == DemoScripts.files.filter { $0.path.hasPrefix("scripts/") && !$0.path.dropFirst(8).contains("/") }
        .count)
    var failures: [String] = []
    let counts = try session.runTestFiles(
      try scripts.map { ($0, try FileSystem.read($0)) },
      fileFailed: { path, error in failures.append("\(path): \(error)") },
      report: { if !$0.passed { failures.append("\($0.name): \($0.message ?? "")") } })
    #expect(failures.isEmpty, "\(failures)")
    #expect(counts.failed == 0)
  }
}
