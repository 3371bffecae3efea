import PeerStore
import Testing

@Suite("Record kinds")
struct RecordKindTests {
  @Test func codesRoundTrip() {
    for kind in RecordKind.allCases {
      #expect(kind.id(fromCode: kind.code(for: 42)) == 42)
      #expect(RecordKind.named(kind.plural) == kind)
    }
    #expect(RecordKind.mother.code(for: 42) == "M-0042")
    #expect(RecordKind.volunteer.code(for: 12345) == "V-12345")
    #expect(RecordKind.mother.id(fromCode: "V-0042") == nil)
  }
}
