import Foundation
import Testing

/// `peer subject-access CODE --out DIR`: what it says, and what it refuses.
@Suite("subject-access command")
struct SubjectAccessCommandTests {
  @Test func writesTwoFilesAndRefusesInOneSentence() throws {
    let folder = try TemporaryFolder()
    let project = folder.path("demo")
    let made = try PeerProcess.run(["demo", project, "--today", "2026-11-26"])
    #expect(made.status == 0, "\(made.stderr)")
    let answer = folder.path("answer")

    let written = try PeerProcess.run(["subject-access", "M-0001", "--out", answer, "--project", project])
    #expect(written.status == 0, "\(written.stderr)")
    #expect(written.stdout.hasPrefix("wrote what is held about M-0001 to \(answer)/subject-access.html and "))
    #expect(written.stdout.contains("check who asked for it"))
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: answer).sorted() == [
        "subject-access.html", "subject-access.json",
      ])
    let mode = try FileManager.default.attributesOfItem(atPath: answer + "/subject-access.json")[
      .posixPermissions]
    #expect(mode as? Int == 0o600)

    let again = try PeerProcess.run(["subject-access", "M-0001", "--out", answer, "--project", project])
    #expect(again.status == 1)
    #expect(again.stderr == "peer: \(answer) is not empty: give a new or empty folder for the export\n")

    let match = try PeerProcess.run([
      "subject-access", "X-0001", "--out", folder.path("x"), "--project", project,
    ])
    #expect(match.status == 1)
    #expect(
      match.stderr
        == "peer: X-0001 is not a mother or a volunteer: subject access is given for a person, as M-0042 or V-0017\n"
    )
    #expect(!FileManager.default.fileExists(atPath: folder.path("x")))

    let missing = try PeerProcess.run([
      "subject-access", "V-9999", "--out", folder.path("v"), "--project", project,
    ])
    #expect(missing.status == 1)
    #expect(missing.stderr == "peer: there is no volunteer V-9999\n")

    let volunteer = try PeerProcess.run([
      "subject-access", "V-0001", "--out", folder.path("v"), "--project", project,
    ])
    #expect(volunteer.status == 0, "\(volunteer.stderr)")
  }
}
