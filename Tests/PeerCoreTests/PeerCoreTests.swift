import PeerCore
import Testing

@Suite("PeerCore")
struct PeerCoreTests {
  @Test func versionIsSet() {
    #expect(!PeerCore.version.isEmpty)
  }
}
