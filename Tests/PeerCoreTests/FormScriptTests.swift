import Foundation
import PeerCore
import PeerScript
import PeerTestSupport
import Testing

/// Scripts that need a project's records, each run on a fresh store with the same annotations as
/// the language's conformance scripts: Tests/Scripts/forms/, declarations/ and project/, Examples/forms/ and the ```peer
/// blocks of docs/forms.md; and Tests/Scripts/no-project/ in peer's session without a project.
enum RecordScripts {
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static func files(under folder: String) -> [ScriptFile] {
    let root = packageRoot.appendingPathComponent(folder).standardizedFileURL.path
    var found: [ScriptFile] = []
    if let walker = FileManager.default.enumerator(atPath: root) {
      for case let relative as String in walker where relative.hasSuffix(".peer") {
        found.append(ScriptFile(name: folder + "/" + relative, path: root + "/" + relative))
      }
    }
    return found.sorted { $0.name < $1.name }
  }

  static let all =
    files(under: "Tests/Scripts/forms") + files(under: "Tests/Scripts/declarations")
    + files(under: "Tests/Scripts/project") + files(under: "Examples/forms") + files(under: "Examples/people")
    + files(under: "Examples/protection")

  /// Scripts run in peer's session without a project: the language with peer's words (record
  /// ids), as `peer run` outside a project folder runs them.
  static let withoutProject = files(under: "Tests/Scripts/no-project")

  static func hostWithoutProject(_ options: InterpreterOptions) -> ScriptHost {
    let session = Session(store: nil, options: options)
    return ScriptHost(
      run: { source, file in try session.run(source, file: file) },
      runTests: { try session.runTests(report: $0) })
  }

  /// A session on a new, empty store (the folder's own file by default).
  static func host(_ options: InterpreterOptions) -> ScriptHost { host(options, on: .sqlite) }

  static func host(_ options: InterpreterOptions, on backing: StoreUnderTest) -> ScriptHost {
    let session = Session(store: try! backing.makeStore(), options: options)
    return ScriptHost(
      run: { source, file in try session.run(source, file: file) },
      runTests: { try session.runTests(report: $0) })
  }

  /// The ```peer blocks of a Markdown page, with the line each starts at.
  static func examples(in page: String) -> [(line: Int, source: String)] {
    let text =
      (try? String(contentsOfFile: packageRoot.appendingPathComponent(page).path, encoding: .utf8)) ?? ""
    return markdownBlocks(text)
  }
}

@Suite("Form scripts")
struct FormScriptTests {
  @Test("the scripts are found")
  func discovery() {
    #expect(RecordScripts.all.count >= 10)
  }

  @Test("script", arguments: RecordScripts.all, StoreUnderTest.allCases)
  func run(_ script: ScriptFile, on backing: StoreUnderTest) throws {
    let source = try String(contentsOfFile: script.path, encoding: .utf8)
    let check = ScriptCheck(source: source, file: script.name, host: { RecordScripts.host($0, on: backing) })
    for failure in check.failures { Issue.record("\(script.name): \(failure)") }
  }

  @Test("script without a project", arguments: RecordScripts.withoutProject)
  func runWithoutProject(_ script: ScriptFile) throws {
    let source = try String(contentsOfFile: script.path, encoding: .utf8)
    let check = ScriptCheck(source: source, file: script.name, host: RecordScripts.hostWithoutProject)
    for failure in check.failures { Issue.record("\(script.name): \(failure)") }
  }

  @Test(
    "docs examples on a store",
    arguments: zip(["docs/forms.md", "docs/people.md", "docs/data-protection.md"], [3, 2, 3]))
  func docs(_ page: String, atLeast: Int) {
    let examples = RecordScripts.examples(in: page)
    #expect(examples.count >= atLeast)
    for (line, source) in examples {
      let check = ScriptCheck(source: source, file: "example", host: RecordScripts.host)
      for failure in check.failures { Issue.record("\(page), example at line \(line): \(failure)") }
    }
  }
}
