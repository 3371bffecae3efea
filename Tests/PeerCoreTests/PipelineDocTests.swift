import Foundation
import PeerCalendar
import PeerCore
import PeerScript
import PeerStore
import PeerTestSupport
import Testing

/// Every ```peer-records block of docs/pipelines.md runs over the demo project twice, with the
/// store doing what it can and with everything in the VM; both must print the same, without error.
@Suite("docs/pipelines.md")
struct PipelineDocTests {
  static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("docs/pipelines.md").path

  static func blocks() throws -> [(line: Int, source: String)] {
    let text = try String(contentsOfFile: path, encoding: .utf8)
    return markdownBlocks(text, info: "peer-records")
  }

  @Test func examplesGiveTheSameOutputBothWays() throws {
    let blocks = try Self.blocks()
    #expect(blocks.count >= 2, "too few ```peer-records blocks in \(Self.path)")
    let p = try TestProject.demo(seed: 42)
    for (line, source) in blocks {
      var outputs: [[String]] = []
      for pushdown in [true, false] {
        p.session.bridge!.pushdown = pushdown
        p.sink.lines = []
        do { try p.run(source) } catch { Issue.record("docs/pipelines.md:\(line): \(error)") }
        outputs.append(p.sink.lines)
      }
      #expect(!outputs[0].isEmpty, "docs/pipelines.md:\(line) prints nothing")
      #expect(outputs[0] == outputs[1], "docs/pipelines.md:\(line): the two paths differ")
    }
  }
}
