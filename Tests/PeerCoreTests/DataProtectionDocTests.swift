import Foundation
import PeerScript
import PeerTestSupport
import Testing

/// Every ```peer block of docs/data-protection.md runs on an empty project (today 2026-11-26):
/// it prints its `# expect:` texts in order and, with `# error:`, stops with that error.
@Suite("docs/data-protection.md")
struct DataProtectionDocTests {
  static let examples: [DocBlock] = {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("docs/data-protection.md").path
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    return DocBlock.all(of: "docs/data-protection.md", text: text)
  }()

  static func annotations(_ key: String, in source: String) -> [String] {
    source.split(separator: "\n").compactMap { line in
      guard let r = line.range(of: "# \(key): ") else { return nil }
      return String(line[r.upperBound...]).trimmingCharacters(in: .whitespaces)
    }
  }

  @Test func theExamplesAreFound() {
    #expect(Self.examples.count >= 2)
  }

  @Test("example", arguments: Self.examples)
  func run(_ example: DocBlock) throws {
    let p = try TestProject()
    let expectedError = Self.annotations("error", in: example.source).first
    do {
      try p.run(example.source)
      if let expectedError { Issue.record("expected the error \(expectedError)") }
    } catch {
      if let expectedError {
        #expect("\(error)".contains(expectedError), "\(error)")
      } else {
        Issue.record("\(error)")
      }
    }
    #expect(p.sink.lines == Self.annotations("expect", in: example.source))
  }
}
