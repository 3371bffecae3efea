import PeerCalendar
import PeerCore
import PeerScript
import PeerStore
import PeerTestSupport
import Testing

/// Following a reference loads the record with the others the records read so far refer to,
/// in one read (RecordBridge's waiting references): the answers are those of reading each
/// record on its own, on both stores.
@Suite("References followed in batches")
struct ReferenceBatchTests {
  static func outcome(_ p: TestProject, _ source: String, batched: Bool) -> String {
    p.session.bridge!.pushdown = batched
    do { return try p.run(source).map { "\($0)" } ?? "nil" } catch { return "error: \(error)" }
  }

  /// Runs `source` with batches and without, expects the same answer (not an error), and
  /// returns how many batches the bridge's `counted` says were read.
  static func batchesGivingTheSameAnswer(
    _ p: TestProject, _ source: String, counted: KeyPath<RecordBridge, Int>
  ) -> Int {
    let before = p.session.bridge![keyPath: counted]
    let batched = outcome(p, source, batched: true)
    let batches = p.session.bridge![keyPath: counted] - before
    #expect(batched == outcome(p, source, batched: false), "\(source)")
    #expect(!batched.hasPrefix("error"), "\(source): \(batched)")
    return batches
  }

  @Test(arguments: StoreUnderTest.allCases) func referencesReadInBatchesGiveTheSameAnswers(
    _ backing: StoreUnderTest
  ) throws {
    let p = try TestProject.demo(on: backing, seed: 4)
    let matches = try p.count(.match)
    let sources = [
      "matches | map [.id, .mother.site, .volunteer.name]",
      // Two steps: the visits' matches, then those matches' mothers.
      "visits | where .date >= 2026-07-01 | map [.id, .match.mother.referral_date, .volunteer.site]",
      // Each record once, however many refer to it.
      "visits | map .match.id | distinct | len",
      "endings | map {id: .id, mother: .mother.id, planned: .planned} | take 40",
    ]
    for source in sources {
      let batches = Self.batchesGivingTheSameAnswer(p, source, counted: \.referenceBatches)
      #expect(batches > 0, "no batch: \(source)")
      // A round trip per 2,000 records at most, not one per record.
      #expect(batches <= 3 * (matches / 2000 + 2), "\(batches) batches: \(source)")
    }
  }

  /// A script that changes a reference and follows it reads the record it names now, not the
  /// one waiting from before. (The records are read again: a record value whose reference was
  /// just set reads it as nil until then, with or without batches.)
  @Test(arguments: StoreUnderTest.allCases) func aChangedReferenceIsFollowedWhereItLeadsNow(
    _ backing: StoreUnderTest
  ) throws {
    let p = try TestProject(on: backing)
    try p.run(
      """
      let a = refer({name: "Ann", referral_date: 2026-01-05, site: "Hackney"})
      let b = refer({name: "Bea", referral_date: 2026-01-06, site: "Camden"})
      let v = create("volunteer", {name: "Val", status: "active", capacity: 3, dbs_checked_on: 2026-01-01})
      match(a, v, "near")
      """)
    let source = """
      let ms = matches | map it
      let before = ms | map .mother.name
      let m = ms[0]
      m.mother = (mothers | where .name == "Bea" | map it)[0]
      [before, matches | map .mother.name, matches | map .mother.site]
      """
    #expect(Self.outcome(p, source, batched: true) == #"[["Ann"], ["Bea"], ["Camden"]]"#)
  }

  /// A record's lists of related records (a mother's matches, endings and visits, a match's
  /// visits) are read with those of the other records read so far (RelatedLists), with the
  /// answers of reading each on its own.
  @Test(arguments: StoreUnderTest.allCases) func relatedListsReadInBatchesGiveTheSameAnswers(
    _ backing: StoreUnderTest
  ) throws {
    let p = try TestProject.demo(on: backing, seed: 4)
    let sources = [
      "mothers | where .status == \"closed\" | map [.id, len(.matches), len(.endings), len(.visits)]",
      "volunteers | map [.id, .open_matches, len(.mothers)]",
      "matches | where .status == \"active\" | map [.id, len(.visits), .ending] | take 300",
    ]
    for source in sources {
      #expect(
        Self.batchesGivingTheSameAnswer(p, source, counted: \.relatedBatches) > 0, "no batch: \(source)")
    }
  }

  /// A list read with others is read again once the command has changed anything: a visit
  /// logged shows in its match's visits at once.
  @Test(arguments: StoreUnderTest.allCases) func aListReadBeforeAChangeIsReadAgain(_ backing: StoreUnderTest)
    throws
  {
    let p = try TestProject.demo(on: backing, seed: 4)
    let source = """
      let ms = matches | where .status == "active" | map it
      let before = ms | map len(.visits)
      log_visit(ms[1], {kind: "home", minutes: 30})
      let after = ms | map len(.visits)
      [after[1] - before[1], after[0] - before[0], len(ms) > 100]
      """
    let before = p.session.bridge!.relatedBatches
    #expect(Self.outcome(p, source, batched: true) == "[1, 0, true]")
    #expect(p.session.bridge!.relatedBatches > before)
  }

  /// The store reads the records with the ids asked for, leaving out an id no record has.
  @Test(arguments: StoreUnderTest.allCases) func manyRecordsByIdInOneRead(_ backing: StoreUnderTest) throws {
    let p = try TestProject.demo(on: backing, seed: 6)
    try p.store.read { r in
      let ids: [Int64] = [3, 1, 999_999, 2, 40]
      let many = try r.get(.mother, ids: ids).sorted { $0.id < $1.id }
      let each = try ids.compactMap { try r.get(.mother, id: $0) }.sorted { $0.id < $1.id }
      #expect(many.map(\.id) == [1, 2, 3, 40])
      #expect(many == each)
    }
  }
}
