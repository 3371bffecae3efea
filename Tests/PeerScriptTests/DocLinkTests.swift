import Foundation
import Testing

/// Every relative link in the README and docs/ names a file inside the repository (a link to
/// a page outside it works on no one else's copy).
@Suite("Links in the docs")
struct DocLinkTests {
  static let root = ConformanceScripts.packageRoot.standardizedFileURL

  static var pages: [URL] {
    let docs = root.appendingPathComponent("docs")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: docs.path)) ?? []
    return [root.appendingPathComponent("README.md")]
      + names.filter { $0.hasSuffix(".md") }.sorted().map { docs.appendingPathComponent($0) }
  }

  /// The targets of `[text](target)` links that are not web addresses or anchors.
  static func relativeLinks(in text: String) -> [String] {
    let pattern = try! NSRegularExpression(pattern: #"\]\(([^)\s]+)\)"#)
    let range = NSRange(text.startIndex..., in: text)
    return pattern.matches(in: text, range: range).compactMap { m in
      guard let r = Range(m.range(at: 1), in: text) else { return nil }
      let target = String(text[r])
      if target.hasPrefix("#") || target.contains("://") || target.hasPrefix("mailto:") { return nil }
      return String(target.split(separator: "#", maxSplits: 1)[0])
    }
  }

  @Test func everyRelativeLinkResolvesInsideTheRepository() throws {
    #expect(Self.pages.count >= 8)
    var checked = 0
    for page in Self.pages {
      let text = try String(contentsOf: page, encoding: .utf8)
      for link in Self.relativeLinks(in: text) {
        let target = page.deletingLastPathComponent().appendingPathComponent(link).standardizedFileURL
        #expect(
          target.path.hasPrefix(Self.root.path + "/"),
          "\(page.lastPathComponent): \(link) is outside the repository")
        #expect(
          FileManager.default.fileExists(atPath: target.path),
          "\(page.lastPathComponent): \(link) does not exist")
        checked += 1
      }
    }
    #expect(checked >= 3, "only \(checked) links found")
  }

  @Test func linksAreFound() {
    #expect(
      Self.relativeLinks(in: "see [reports](reports.md#x), [web](https://a.b) and [here](#top)") == [
        "reports.md"
      ])
  }
}
