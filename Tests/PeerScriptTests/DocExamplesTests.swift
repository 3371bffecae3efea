import Foundation
import PeerTestSupport
import Testing

@testable import PeerScript

enum LanguageDoc {
  static let path = ConformanceScripts.packageRoot.appendingPathComponent("docs/language.md").path
  static let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""

  /// Every fenced block whose info string is `peer`. Positions in `# error:` annotations count
  /// from the block's first line.
  static let examples = DocBlock.all(of: "docs/language.md", text: text)

  /// How a built-in's one-line doc appears in the reference: "- `sig` — description".
  static func entry(_ doc: String) -> String {
    guard let dash = doc.range(of: " - ") else { return "- `\(doc)`" }
    return "- `\(doc[..<dash.lowerBound])` — \(doc[dash.upperBound...])"
  }
}

@Suite("docs/language.md")
struct DocExamplesTests {
  @Test("the examples are found")
  func discovery() {
    #expect(LanguageDoc.examples.count > 30, "too few ```peer blocks in \(LanguageDoc.path)")
  }

  @Test("example", arguments: LanguageDoc.examples)
  func run(_ example: DocBlock) {
    let check = ScriptCheck(source: example.source, file: "example")
    for failure in check.failures {
      Issue.record("docs/language.md, example at line \(example.line): \(failure)")
    }
    if check.output.isEmpty && ScriptExpectations(parsing: example.source).errors.isEmpty
      && check.testsRun == 0
    {
      Issue.record("docs/language.md, example at line \(example.line) shows nothing (add # => lines)")
    }
  }

  /// The built-in reference is the Library's own one-line docs, so the two cannot drift apart.
  @Test("every built-in is listed with its doc")
  func builtins() {
    let interpreter = Interpreter()
    for (name, doc) in interpreter.library.docs.sorted(by: { $0.key < $1.key }) {
      let entry = LanguageDoc.entry(doc)
      #expect(
        LanguageDoc.text.contains(entry + "\n"), "docs/language.md lacks the built-in \(name); add:\n\(entry)"
      )
    }
  }
}
