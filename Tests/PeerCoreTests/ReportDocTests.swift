import PeerScript
import PeerTestSupport
import Testing

@testable import PeerCore

/// Every ```peer block of docs/reports.md runs, and prints exactly its `# expect:` lines.
@Suite("docs/reports.md")
struct ReportDocTests {
  static let examples: [DocBlock] = {
    let text = (try? FileSystem.read(ReportFixture.repository + "/docs/reports.md")) ?? ""
    return DocBlock.all(of: "docs/reports.md", text: text)
  }()

  @Test func theExamplesAreFound() { #expect(Self.examples.count >= 5) }

  @Test(arguments: Self.examples)
  func example(_ example: DocBlock) throws {
    final class Printed: @unchecked Sendable { var lines: [String] = [] }
    let printed = Printed()
    var options = ReportFixture.options()
    options.output = { text in
      printed.lines += text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
    let session = Session(store: nil, options: options)
    try session.run(example.source, file: "docs/reports.md:\(example.line)")
    let marker = "# expect:"
    let expected = example.source.split(separator: "\n", omittingEmptySubsequences: false).compactMap {
      line -> String? in
      guard line.hasPrefix(marker) else { return nil }
      let rest = line.dropFirst(marker.count)
      return String(rest.hasPrefix(" ") ? rest.dropFirst() : rest)
    }
    #expect(!expected.isEmpty)
    #expect(printed.lines == expected)
  }
}
