import Foundation
import PeerTestSupport
import Testing

/// Restriction on the demo, on both stores: restricted mothers (waiting, and supported with
/// visits) are left out of lists, matching, the daily rules and exports, and every standard
/// report gives the same figures as before (it counts them).
@Suite("Restriction of processing")
struct RestrictionTests {
  static let reports = ["quarterly", "caseloads", "endings_summary", "reach", "workforce"]

  func reportTexts(_ demo: StoredDemo) throws -> [String] {
    try Self.reports.map { name in
      let r = try demo.peer(["report", name, "--format", "csv"])
      #expect(r.status == 0 && !r.stdout.isEmpty, "\(name): \(r.stderr)")
      return r.stdout
    }
  }

  @Test(arguments: StoreUnderTest.allCases)
  func restrictedMothersAreLeftOutOfUseAndCountedInReports(_ store: StoreUnderTest) throws {
    let scratch = try TemporaryFolder()
    let demo = try StoredDemo(store, in: scratch)
    let waiting = try demo.sql("SELECT id FROM mothers WHERE status = 'waiting' ORDER BY id LIMIT 4")
    let supported = try demo.sql(
      "SELECT m.id FROM mothers m WHERE m.status = 'active' AND EXISTS (SELECT 1 FROM matches x JOIN visits v ON v.match_id = x.id WHERE x.mother_id = m.id AND x.status = 'active') ORDER BY m.id LIMIT 4"
    )
    #expect(waiting.count == 4 && supported.count == 4)
    let ids = waiting + supported
    let codes = ids.map { "M-" + String(repeating: "0", count: max(0, 4 - $0.count)) + $0 }
    let before = try reportTexts(demo)

    let script = codes.map { "restrict(\($0), \"withdrew consent\")" }.joined(separator: "\n")
    let restricting = try demo.peer([], input: script + "\n")
    #expect(restricting.status == 0, "\(restricting.stderr)")

    // Lists, pipelines and matching leave them out; her own id still reaches her.
    let list = ids.joined(separator: ", ")
    let expectedMothers = try demo.sql("SELECT count(*) FROM mothers WHERE id NOT IN (\(list))")[0]
    let expectedVisits = try demo.sql(
      "SELECT count(*) FROM visits v JOIN matches x ON v.match_id = x.id WHERE x.mother_id NOT IN (\(list))")[
        0]
    let expectedWaiting = try demo.sql(
      "SELECT count(*) FROM mothers WHERE status = 'waiting' AND id NOT IN (\(list))")[0]
    let seen = try demo.peer(
      [],
      input: """
        print(len(mothers))
        print(len(visits))
        print(waiting_list() | where .id in \(codes) | count)
        print(mothers | where .id in \(codes) | count)
        print(visits | where .match.mother.id in \(codes) | count)
        print(suggest_all().rows | where .mother in \(codes) | count)
        let plan = suggest_all()
        print(len(plan.waiting) + plan.matches)
        print(\(codes[0]).status)

        """)
    #expect(seen.status == 0, "\(seen.stderr)")
    #expect(
      seen.stdout.split(separator: "\n").map(String.init) == [
        expectedMothers, expectedVisits, "0", "0", "0", "0", expectedWaiting, "waiting",
      ], "\(seen.stdout)")
    let suggest = try demo.peer([], input: "suggest \(codes[0])\n")
    #expect(
      suggest.status == 1 && suggest.stderr.contains("is restricted since 2026-11-26"), "\(suggest.stderr)")

    // Exports leave them out, and say so.
    let export = try demo.peer(["export", "mothers"], dated: false)
    #expect(export.status == 0)
    #expect(codes.allSatisfy { !export.stdout.contains($0 + ",") })
    #expect(export.stdout.split(separator: "\n").count == Int(expectedMothers)! + 1)
    #expect(export.stderr.contains("8 mothers left out: their processing is restricted"), "\(export.stderr)")
    let visitsExport = try demo.peer(["export", "visits"], dated: false)
    #expect(visitsExport.stdout.split(separator: "\n").count == Int(expectedVisits)! + 1)

    // The daily rules make no task about them or their matches.
    let matches = try demo.sql("SELECT id FROM matches WHERE mother_id IN (\(list))").map {
      "X-" + String(repeating: "0", count: max(0, 4 - $0.count)) + $0
    }
    let log = try demo.batch(on: "2026-11-26")
    let about = Set(log.compactMap { $0["record"] as? String })
    #expect(about.isDisjoint(with: codes + matches), "\(about.intersection(codes + matches))")
    #expect(log.last?["tasks"] as? Int ?? 0 > 0)

    // Every standard report counts them as before.
    #expect(try reportTexts(demo) == before)

    // Lifting one brings her back.
    let lifted = try demo.peer(
      [], input: "lift_restriction(\(codes[0]), \"consents again\")\nprint(len(mothers))\n")
    #expect(
      lifted.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == String(Int(expectedMothers)! + 1))
  }
}
