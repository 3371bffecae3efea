import Foundation
import Testing

/// `peer erase CODE --reason TEXT [--anonymise]`: what it says, and what it refuses.
@Suite("erase command")
struct EraseCommandTests {
  @Test func erasesAnonymisesAndRefusesInOneSentence() throws {
    let folder = try TemporaryFolder()
    let project = folder.path("demo")
    let made = try PeerProcess.run(["demo", project, "--today", "2026-11-26"])
    #expect(made.status == 0, "\(made.stderr)")

    let erased = try PeerProcess.run(["erase", "M-0001", "--reason", "her request", "--project", project])
    #expect(erased.status == 0, "\(erased.stderr)")
    #expect(erased.stdout.hasPrefix("M-0001 erased"), "\(erased.stdout)")
    let gone = try PeerProcess.run(["erase", "M-0001", "--reason", "again", "--project", project])
    #expect(gone.status == 1)
    #expect(gone.stderr.contains("M-0001"), "\(gone.stderr)")

    let anonymised = try PeerProcess.run([
      "erase", "M-0002", "--reason", "retention", "--anonymise", "--project", project,
    ])
    #expect(anonymised.status == 0, "\(anonymised.stderr)")
    #expect(anonymised.stdout.hasPrefix("M-0002 anonymised"), "\(anonymised.stdout)")

    let noReason = try PeerProcess.run(["erase", "M-0003", "--project", project])
    #expect(noReason.status == 2)
    #expect(noReason.stderr.contains("needs --reason TEXT"), "\(noReason.stderr)")

    let match = try PeerProcess.run(["erase", "X-0001", "--reason", "r", "--project", project])
    #expect(match.status == 1)
    #expect(match.stderr.contains("erase takes a mother or a volunteer, not match X-0001"), "\(match.stderr)")

    // A role without "may erase" is refused, naming the rule.
    let refused = try PeerProcess.run([
      "erase", "M-0003", "--reason", "r", "--as", "coordinator:Bristol", "--project", project,
    ])
    #expect(refused.status == 1)
    #expect(refused.stderr.contains("may not erase records"), "\(refused.stderr)")
    let lead = try PeerProcess.run([
      "erase", "M-0003", "--reason", "r", "--as", "protection_lead", "--project", project,
    ])
    #expect(lead.status == 0, "\(lead.stderr)")

    let reclaim = try PeerProcess.run(["erase", "--reclaim", "--project", project])
    #expect(reclaim.status == 0, "\(reclaim.stderr)")
  }
}
