import Foundation
import PeerPostgres
import PeerTestSupport
import Testing

/// Erasure on a real server, by the demo's data protection lead through her own login: the
/// database lets her role (and no other) blank audit values, never change an entry otherwise;
/// the owner's nightly job then rewrites the tables her erasure left dead rows in.
@Suite("Erasure on a server")
struct ServerErasureTests {
  @Test func theProtectionLeadErasesAndTheOwnersBatchClearsWhatIsLeft() throws {
    let folder = try TemporaryFolder()
    let (project, address) = try PeopleTests.demo(folder)
    let lead = try PeopleTests.folder(of: "protection_lead", in: folder, project: project, address: address)
    let coordinator = try PeopleTests.folder(
      of: "coordinator", in: folder, project: project, address: address)
    let db = address.database

    // A role without "may erase": refused by peer, and by the server itself.
    let refused = try PeerProcess.run(["erase", "M-0001", "--reason", "r", "--project", coordinator])
    #expect(refused.status == 1 && refused.stderr.contains("may not erase records"), "\(refused.stderr)")
    let direct = try PeopleTests.person(
      "coordinator", "SELECT peer_forget_history('mother', ARRAY[1]::bigint[])", address)
    #expect(direct.0 != 0 && direct.1.contains("permission denied"), "\(direct)")
    // Even a role that may erase has no UPDATE on the trail: only the function blanks values.
    let update = try PeopleTests.person(
      "protection_lead", "UPDATE audit SET before = '', after = ''", address)
    #expect(update.0 != 0 && update.1.contains("permission denied"), "\(update)")

    let erased = try PeerProcess.run(["erase", "M-0001", "--reason", "her request", "--project", lead])
    #expect(erased.status == 0, "\(erased.stderr)")
    #expect(erased.stdout.hasPrefix("M-0001 erased"), "\(erased.stdout)")
    #expect(try PeopleTests.owner("SELECT count(*) FROM mothers WHERE id = 1", address) == "0")
    let last = try PeopleTests.owner(
      "SELECT \"user\", action, after FROM audit WHERE kind = 'mother' AND record_id = 1 ORDER BY seq DESC LIMIT 1",
      address)
    #expect(last == "\(db)_protection_lead|erase|{\"reason\":\"her request\"}", "\(last)")
    let kept = try PeopleTests.owner(
      "SELECT count(*) FROM audit WHERE kind = 'mother' AND record_id = 1 AND action <> 'erase' AND (before <> '' OR after <> '')",
      address)
    #expect(kept == "0")
    // Her login does not own the tables: the rewrite is left for the owner.
    #expect(try PeopleTests.owner("SELECT count(*) FROM audit WHERE action = 'reclaim'", address) == "0")
    let batch = try PeerProcess.run(
      ["batch", "scripts/nightly.peer", "--as-of", "2026-11-01"], directory: URL(fileURLWithPath: project))
    #expect(batch.status == 0, "\(batch.stdout) \(batch.stderr)")
    #expect(try PeopleTests.owner("SELECT count(*) FROM audit WHERE action = 'reclaim'", address) == "1")
    // Nothing more to clear: the next night does not rewrite the tables again.
    _ = try PeerProcess.run(
      ["batch", "scripts/nightly.peer", "--as-of", "2026-11-02"], directory: URL(fileURLWithPath: project))
    #expect(try PeopleTests.owner("SELECT count(*) FROM audit WHERE action = 'reclaim'", address) == "1")
  }
}
