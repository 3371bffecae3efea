import Foundation
import PeerScript
import PeerTestSupport
import Testing

enum ConformanceScripts {
  /// The package root, found from this file's path (Tests/PeerScriptTests/ConformanceTests.swift).
  static let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

  static let directory = packageRoot.appendingPathComponent("Tests/Scripts")

  /// Folders of scripts that need peer's words (record ids) or a project's records;
  /// PeerCoreTests runs them in peer's session, without a project or on a store.
  static let needingRecords = ["forms/", "declarations/", "project/", "no-project/"]

  /// Every `*.peer` under Tests/Scripts, sorted by path.
  static let all: [ScriptFile] = {
    var found: [ScriptFile] = []
    let root = directory.standardizedFileURL.path
    if let walker = FileManager.default.enumerator(atPath: root) {
      for case let relative as String in walker
      where relative.hasSuffix(".peer") && !needingRecords.contains(where: { relative.hasPrefix($0) }) {
        found.append(ScriptFile(name: relative, path: root + "/" + relative))
      }
    }
    return found.sorted { $0.name < $1.name }
  }()
}

@Suite("Conformance scripts")
struct ConformanceTests {
  @Test("the scripts are found")
  func discovery() {
    #expect(
      ConformanceScripts.all.count > 50, "too few scripts found under \(ConformanceScripts.directory.path)")
  }

  @Test("script", arguments: ConformanceScripts.all)
  func run(_ script: ScriptFile) throws {
    let source = try String(contentsOfFile: script.path, encoding: .utf8)
    let check = ScriptCheck(source: source, file: script.name)
    for failure in check.failures {
      Issue.record("\(script.name): \(failure)")
    }
  }
}
