import Foundation
import PeerTestSupport
import Testing

/// Every script in Examples/ runs, prints what its `# expect:` lines say (with today fixed at
/// 2026-11-26), and passes its own `test` blocks.
@Suite("Examples")
struct ExamplesTests {
  static let all: [ScriptFile] = {
    let root = ConformanceScripts.packageRoot.appendingPathComponent("Examples").standardizedFileURL.path
    var found: [ScriptFile] = []
    if let walker = FileManager.default.enumerator(atPath: root) {
      // These examples need a project's records: PeerCoreTests run them on a store (forms,
      // reports on the demo, matching scores, workflows, roles, retention).
      let needStore =
        ConformanceScripts.needingRecords + ["reports/", "matching/", "workflows/", "people/", "protection/"]
      for case let relative as String in walker
      where relative.hasSuffix(".peer") && !needStore.contains(where: { relative.hasPrefix($0) }) {
        found.append(ScriptFile(name: "Examples/" + relative, path: root + "/" + relative))
      }
    }
    return found.sorted { $0.name < $1.name }
  }()

  @Test("the examples are found")
  func discovery() {
    #expect(!ExamplesTests.all.isEmpty)
  }

  @Test("example script", arguments: ExamplesTests.all)
  func run(_ script: ScriptFile) throws {
    let source = try String(contentsOfFile: script.path, encoding: .utf8)
    for failure in ScriptCheck(source: source, file: script.name).failures {
      Issue.record("\(script.name): \(failure)")
    }
  }
}
