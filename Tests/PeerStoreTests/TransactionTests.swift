import PeerStore
import PeerTestSupport
import Testing

/// One `write` is one transaction: when its body throws, whatever it did (records and their
/// audit entries) is gone, never half-written.
@Suite("Transactions")
struct TransactionTests {
  struct Boom: Error {}

  @Test(arguments: StoreUnderTest.allCases) func aThrowRollsBackEverything(_ backing: StoreUnderTest) throws {
    let store = try backing.make()
    let kept = try store.write {
      try $0.insert(StoredRecord(kind: .service, fields: ["name": .text("kept")]))
    }
    #expect(throws: Boom.self) {
      try store.write { w in
        _ = try w.insertMany(
          (0..<100).map { StoredRecord(kind: .service, fields: ["name": .text("S\($0)")]) })
        var r = try w.get(.service, id: kept)!
        r.fields["area"] = .text("changed")
        try w.update(r)
        try w.delete(.service, id: kept)
        throw Boom()
      }
    }
    #expect(try store.read { try $0.all(.service) }.map(\.id) == [kept])
    #expect(try store.read { try $0.get(.service, id: kept) }?["area"] == .null)
    #expect(try store.query("SELECT count(*) FROM audit") == [[.int(1)]])
  }

  /// A bulk insert that fails on its last row (a visit to a match that does not exist) keeps
  /// none of the rows before it.
  @Test(arguments: StoreUnderTest.allCases) func aFailingRowRollsBackTheWholeBatch(_ backing: StoreUnderTest)
    throws
  {
    let store = try backing.make()
    let message = storeError {
      _ = try store.write { w in
        let v = try w.insert(RoundTripTests.sample(.volunteer, refs: [:], n: 0))
        let m = try w.insert(RoundTripTests.sample(.mother, refs: [:], n: 0))
        let x = try w.insert(RoundTripTests.sample(.match, refs: [.volunteer: v, .mother: m], n: 0))
        var visits = (0..<50).map { RoundTripTests.sample(.visit, refs: [.match: x], n: $0) }
        visits.append(RoundTripTests.sample(.visit, refs: [.match: 12345], n: 50))
        return try w.insertMany(visits)
      }
    }
    #expect(message?.contains("does not exist") == true)
    for kind in RecordKind.allCases { #expect(try store.read { try $0.count(kind) } == 0) }
    #expect(try store.query("SELECT count(*) FROM audit") == [[.int(0)]])
  }

  @Test(arguments: StoreUnderTest.allCases) func aReadSeesItsOwnTransactionsWrites(_ backing: StoreUnderTest)
    throws
  {
    let store = try backing.make()
    let n = try store.write { w in
      _ = try w.insert(StoredRecord(kind: .service, fields: ["name": .text("a")]))
      return try w.count(.service)
    }
    #expect(n == 1)
  }
}
