import Foundation
import Testing

/// The day these tests run on: the form's check compares due dates with today.
private let day = "2026-11-26"

/// A small referral form, in a project of its own for each test.
private let referralForm = """
  form referral "Referral" {
    name       text  required
    language   choice("English", "Polish") default "English"
    interpreter yesno required when .language != "English"
    due_date   date  required check it > today - 4 weeks "That due date is too far in the past"
    consent    yesno required check it "We need her consent"
  }
  """

private func project() throws -> TemporaryFolder {
  let folder = try TemporaryFolder()
  #expect(try PeerProcess.run(["init", folder.path("p")]).status == 0)
  try folder.write("p/scripts/referral.peer", referralForm)
  return folder
}

private func mothers(_ folder: TemporaryFolder) throws -> String {
  try PeerProcess.run(["--project", folder.path("p"), "--today", day], input: "print(mothers | map .name)")
    .stdout
}

/// `peer form NAME --print`, `peer import KIND --form NAME`, and `peer form NAME` with piped answers.
@Suite("peer form")
struct FormCommandTests {
  @Test func printsTheBlankFormAsMarkdownAndHTML() throws {
    let folder = try project()
    let md = try PeerProcess.run([
      "form", "referral", "--print", "--project", folder.path("p"), "--today", day,
    ])
    #expect(md.status == 0, "\(md.stderr)")
    #expect(md.stdout.hasPrefix("# Referral\n"))
    #expect(
      md.stdout.contains(
        "3. **Interpreter** (required) - yes or no\n   Only if: the answer to \"Language\" is not \"English\""
      ))
    let html = try PeerProcess.run([
      "form", "referral", "--print", "--format", "html", "--project", folder.path("p"), "--today", day,
    ])
    #expect(html.stdout.hasPrefix("<!DOCTYPE html>"))
    #expect(html.stdout.contains("<li>☐ Polish</li>"))
    let missing = try PeerProcess.run([
      "form", "referal", "--print", "--project", folder.path("p"), "--today", day,
    ])
    #expect(missing.status == 2, "a wrong name on the command line is a usage error")
    #expect(
      missing.stderr == "peer: there is no form called \"referal\"\n  hint: did you mean \"referral\"?\n")
  }

  /// The demo carries Examples/forms/referral.peer as its `referral` form.
  @Test func theExampleReferralFormPrints() throws {
    let folder = try project()
    let example = PeerProcess.packageRoot.appendingPathComponent("Examples/forms/referral.peer")
    try folder.write("p/scripts/referral.peer", try String(contentsOf: example, encoding: .utf8))
    let md = try PeerProcess.run([
      "form", "referral", "--print", "--project", folder.path("p"), "--today", day,
    ])
    #expect(md.status == 0, "\(md.stderr)")
    #expect(
      md.stdout.hasPrefix("# Referral to Bump Buddies\n\n## About her\n\n1. **Name** (required) - text\n"))
    #expect(md.stdout.contains("## Her pregnancy"))
    #expect(md.stdout.contains("- **Child name** (required) - text"))
    #expect(md.stdout.contains("Must hold: We need her consent to share her details with the project"))
    #expect(!md.stdout.contains("Weeks pregnant"))
  }

  @Test func aCSVWithABadRowImportsNothingAndNamesEachCell() throws {
    let folder = try project()
    let csv = try folder.write(
      "r.csv",
      "name,language,interpreter,due_date,consent\nAma,English,,2027-03-01,yes\nBea,Welsh,,2020-01-01,no\n,Polish,,2027-01-01,yes\n"
    )
    let result = try PeerProcess.run([
      "import", "mothers", "--form", "referral", csv, "--project", folder.path("p"), "--today", day,
    ])
    #expect(result.status == 1)
    #expect(
      result.stderr == """
        r.csv:3:2: language: "Welsh" is not one of the choices: "English", "Polish"
        r.csv:3:4: due_date: That due date is too far in the past
        r.csv:3:5: consent: We need her consent
        r.csv:4:1: name: an answer is required
        r.csv:4:3: interpreter: an answer is required
        nothing was imported: 2 bad rows (fix them, or import the good rows with --skip-bad)

        """)
    #expect(try mothers(folder) == "[]\n")
    let good = try folder.write("ok.csv", "name,due_date,consent\nAma,14/03/2027,Yes\n")
    let ok = try PeerProcess.run([
      "import", "mothers", "--form", "referral", good, "--project", folder.path("p"), "--today", day,
    ])
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(ok.stdout == "imported 1 mothers from \(good) through the form referral\n")
    #expect(try mothers(folder) == "[\"Ama\"]\n")
  }

  /// --skip-bad through a form does what it does for a plain import: the good rows go in, the
  /// bad ones go to the reject file as they were, with what was wrong in an `error` column.
  @Test func skipBadImportsTheGoodRowsAndRejectsTheBadOnes() throws {
    let folder = try project()
    let csv = try folder.write(
      "r.csv",
      "name,language,interpreter,due_date,consent\nAma,English,,2027-03-01,yes\nBea,Welsh,,2020-01-01,no\n,Polish,,2027-01-01,yes\n\"Cy, Jr\",Polish,no,14/03/2027,y\n"
    )
    let result = try PeerProcess.run([
      "import", "mothers", "--form", "referral", csv, "--skip-bad", "--today", "2026-11-26", "--project",
      folder.path("p"),
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(
      result.stdout == """
        imported 2 mothers from \(csv) through the form referral
        2 bad rows written to \(folder.path("r-rejects.csv"))

        """)
    #expect(
      result.stderr == """
        r.csv:3:2: language: "Welsh" is not one of the choices: "English", "Polish"
        r.csv:3:4: due_date: That due date is too far in the past
        r.csv:3:5: consent: We need her consent
        r.csv:4:1: name: an answer is required
        r.csv:4:3: interpreter: an answer is required

        """)
    #expect(try mothers(folder) == "[\"Ama\", \"Cy, Jr\"]\n")
    #expect(
      try String(contentsOfFile: folder.path("r-rejects.csv"), encoding: .utf8) == """
        name,language,interpreter,due_date,consent,error
        Bea,Welsh,,2020-01-01,no,"language: ""Welsh"" is not one of the choices: ""English"", ""Polish""; due_date: That due date is too far in the past; consent: We need her consent"
        ,Polish,,2027-01-01,yes,name: an answer is required; interpreter: an answer is required

        """)
    // A file with no bad row writes no reject file.
    let good = try folder.write("good.csv", "name,due_date,consent\nDi,2027-03-01,yes\n")
    let clean = try PeerProcess.run([
      "import", "mothers", "--form", "referral", good, "--skip-bad", "--today", "2026-11-26", "--project",
      folder.path("p"),
    ])
    #expect(clean.stdout == "imported 1 mothers from \(good) through the form referral\n")
    #expect(!FileManager.default.fileExists(atPath: folder.path("good-rejects.csv")))
  }

  @Test func skipBadWithAJSONListWritesTheBadObjects() throws {
    let folder = try project()
    let json = try folder.write(
      "b.json",
      #"[{"name": "Cy", "due_date": "2027-02-01", "consent": true}, {"name": "Di", "consent": false, "nme": 1}]"#
    )
    let result = try PeerProcess.run([
      "import", "mothers", "--form", "referral", json, "--skip-bad", "--reject", folder.path("bad.json"),
      "--today", "2026-11-26", "--project", folder.path("p"),
    ])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.hasSuffix("1 bad row written to \(folder.path("bad.json"))\n"))
    #expect(result.stderr.contains("b.json: item 2: due_date: an answer is required"))
    #expect(try mothers(folder) == "[\"Cy\"]\n")
    let data = try #require(FileManager.default.contents(atPath: folder.path("bad.json")))
    let rejects = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    #expect(rejects.count == 1)
    // The rejected rows are personal data: only their owner reads the file.
    let attributes = try FileManager.default.attributesOfItem(atPath: folder.path("bad.json"))
    #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
    #expect(rejects.first?["name"] as? String == "Di")
    #expect(rejects.first?["nme"] as? Int == 1)
    #expect(
      (rejects.first?["error"] as? String)?.contains(
        "due_date: an answer is required; consent: We need her consent")
        == true)
  }

  @Test func aJSONListIsSubmittedThroughTheForm() throws {
    let folder = try project()
    let bad = try folder.write(
      "bad.json",
      #"[{"name": "Cy", "due_date": "2027-02-01", "consent": true}, {"name": "Di", "consent": false, "nme": 1}]"#
    )
    let result = try PeerProcess.run([
      "import", "mothers", "--form", "referral", bad, "--project", folder.path("p"), "--today", day,
    ])
    #expect(result.status == 1)
    #expect(
      result.stderr.contains(
        "bad.json: item 2: nme: the form referral has no question \"nme\" (did you mean \"name\"?)"))
    #expect(result.stderr.contains("bad.json: item 2: due_date: an answer is required"))
    #expect(try mothers(folder) == "[]\n")
    let good = try folder.write(
      "good.json",
      #"[{"name": "Cy", "language": "Polish", "interpreter": false, "due_date": "2027-02-01", "consent": true}]"#
    )
    #expect(
      try PeerProcess.run([
        "import", "mothers", "--form", "referral", good, "--project", folder.path("p"), "--today", day,
      ])
      .status == 0)
    let check = try PeerProcess.run(
      ["--project", folder.path("p"), "--today", day], input: "print(M-0001.language, M-0001.interpreter)")
    #expect(check.stdout == "Polish false\n")
  }

  @Test func aFormForAnotherKindIsRefused() throws {
    let folder = try project()
    let csv = try folder.write("r.csv", "name\nAma\n")
    let result = try PeerProcess.run([
      "import", "visits", "--form", "referral", csv, "--project", folder.path("p"), "--today", day,
    ])
    #expect(result.status == 2)
    #expect(
      result.stderr
        == "peer: the form referral creates mothers, not visits\n  hint: use peer import mothers --form referral\n"
    )
  }

  @Test func pipedAnswersFillTheForm() throws {
    let folder = try project()
    // Ama; Polish by number; interpreter re-asked after "maybe"; a due date too far back is
    // re-asked with the check's message; back once to change it; consent; confirm.
    let answers = "Ama\n2\nmaybe\nyes\n2020-01-01\n2027-03-01\n<\n2027-04-01\nyes\nyes\n"
    let result = try PeerProcess.run(
      ["form", "referral", "--project", folder.path("p"), "--today", day], input: answers)
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("! must be yes or no, got \"maybe\""))
    #expect(result.stdout.contains("! That due date is too far in the past"))
    #expect(result.stdout.contains("  4. Due date: 2027-04-01\n  5. Consent: yes\n"))
    #expect(result.stdout.hasSuffix("Saved M-0001.\n"))
    let check = try PeerProcess.run(
      ["--project", folder.path("p"), "--today", day], input: "print(M-0001.due_date, M-0001.interpreter)")
    #expect(check.stdout == "2027-04-01 true\n")
  }

  /// At `Save?`, a mistyped reply is asked again and a save that fails keeps the answers: the
  /// coordinator changes one by its number in the summary and saves.
  @Test func saveIsAskedAgainAndTheAnswersAreKept() throws {
    let folder = try project()
    try folder.write(
      "p/scripts/intake.peer",
      """
      form intake "Intake" {
        name     text required
        language choice("English", "Polish") default "English"
        interpreter yesno when .language != "English"
        status   text
      }
      """)
    // Ama, Polish, an interpreter, status "asleep" (no such status: the save fails); "maybe" is
    // asked again; 7 is no answer; 4 changes the status; 2 changes the language to English,
    // which drops the interpreter question; yes saves.
    let answers = "Ama\n2\nyes\nasleep\nmaybe\nyes\n7\n4\nwaiting\n2\n1\nyes\n"
    let result = try PeerProcess.run(
      ["form", "intake", "--today", "2026-11-26", "--project", folder.path("p")], input: answers)
    #expect(result.status == 0, "\(result.stderr)")
    let out = result.stdout
    #expect(
      out.contains(
        "Summary:\n  1. Name: Ama\n  2. Language: Polish\n  3. Interpreter: yes\n  4. Status: asleep\n"))
    #expect(
      out.contains("Save? (yes/no/<)   ! please answer yes, no, < or the number of an answer to change\n"))
    #expect(out.contains("  ! Not saved: mother.status cannot be \"asleep\""))
    #expect(out.contains("  Your answers are kept: change one by its number, or type yes to try again.\n"))
    #expect(out.contains("  ! there is no answer 7: the answers are numbered 1 to 4\n"))
    #expect(
      out.contains("  1. Name: Ama\n  2. Language: Polish\n  3. Interpreter: yes\n  4. Status: waiting\n"))
    #expect(out.contains("  1. Name: Ama\n  2. Language: English\n  3. Status: waiting\n"))
    #expect(!out.contains("Abandoned"))
    #expect(out.hasSuffix("Saved M-0001.\n"))
    let check = try PeerProcess.run(
      ["--project", folder.path("p")],
      input: "print(M-0001.name, M-0001.status, M-0001.language, M-0001.interpreter)")
    #expect(check.stdout == "Ama waiting English nil\n")
  }

  @Test func noAtSaveAbandonsTheForm() throws {
    let folder = try project()
    let result = try PeerProcess.run(
      ["form", "referral", "--today", "2026-11-26", "--project", folder.path("p")],
      input: "Ama\n1\n2027-03-01\nyes\nno\n")
    #expect(result.stdout.hasSuffix("Save? (yes/no/<) \nAbandoned: nothing was saved.\n"))
    #expect(try mothers(folder) == "[]\n")
  }

  @Test func endingTheInputAbandonsTheForm() throws {
    let folder = try project()
    let result = try PeerProcess.run(
      ["form", "referral", "--project", folder.path("p"), "--today", day], input: "Ama\n1\n2027-03-01\nyes\n")
    #expect(result.stdout.hasSuffix("Abandoned: nothing was saved.\n"))
    #expect(try mothers(folder) == "[]\n")
  }
}

/// The interactive path in a real terminal: re-asking, `when` skipping, going back, Ctrl-C.
@Suite(
  "peer form under tmux", .serialized,
  .enabled(if: TmuxSession.available, "tmux is not installed: form terminal tests skipped"))
struct FormTerminalTests {
  func answer(_ s: TmuxSession, _ text: String, thenSee expected: String) throws {
    try s.type(text)
    try s.send("Enter")
    let seen = s.waitFor { $0.contains(expected) }
    #expect(seen.ok, "after \"\(text)\" expected \"\(expected)\"; screen:\n\(seen.screen)")
  }

  func waitUntilEnded(_ s: TmuxSession) {
    let deadline = Date().addingTimeInterval(10)
    while s.isAlive && Date() < deadline { usleep(30_000) }
    #expect(!s.isAlive, "peer form is still running; screen:\n\(s.screen())")
  }

  @Test func questionByQuestionWithReaskSkipAndBack() throws {
    let folder = try project()
    let s = try TmuxSession(arguments: ["form", "referral", "--project", folder.path("p"), "--today", day])
    #expect(s.waitFor { $0.contains("Name (required)") }.ok)
    try answer(s, "", thenSee: "! an answer is required")
    try answer(s, "Ama", thenSee: "1. English")
    // English (the default): the interpreter question is skipped.
    try answer(s, "", thenSee: "Due date (required)")
    #expect(!s.screen().contains("Interpreter"))
    try answer(s, "<", thenSee: "[English] >")
    try answer(s, "2", thenSee: "Interpreter (required)")
    try answer(s, "yes", thenSee: "Due date (required)")
    try answer(s, "2020-01-01", thenSee: "! That due date is too far in the past")
    try answer(s, "2027-03-01", thenSee: "Consent (required)")
    try answer(s, "yes", thenSee: "Save? (yes/no/<)")
    // Saving ends peer, which closes the terminal: wait for that, then read the records.
    try s.type("yes")
    try s.send("Enter")
    waitUntilEnded(s)
    #expect(try mothers(folder) == "[\"Ama\"]\n")
  }

  @Test func ctrlCAbandonsWithoutWriting() throws {
    let folder = try project()
    let s = try TmuxSession(arguments: ["form", "referral", "--project", folder.path("p"), "--today", day])
    #expect(s.waitFor { $0.contains("Name (required)") }.ok)
    try answer(s, "Ama", thenSee: "1. English")
    try answer(s, "", thenSee: "Due date (required)")
    try answer(s, "2027-03-01", thenSee: "Consent (required)")
    try answer(s, "yes", thenSee: "Save? (yes/no/<)")
    try s.send("C-c")
    // peer says "Abandoned" and ends, which closes the terminal (the piped test reads the words).
    waitUntilEnded(s)
    #expect(try mothers(folder) == "[]\n")
  }

  @Test func fillInTheREPL() throws {
    let folder = try project()
    let s = try TmuxSession(arguments: ["--project", folder.path("p"), "--today", day])
    #expect(s.waitFor { TmuxSession.lines($0).contains { $0.hasPrefix("peer>") } }.ok)
    try answer(s, "fill referral", thenSee: "Name (required)")
    try answer(s, "Bea", thenSee: "1. English")
    try answer(s, "", thenSee: "Due date (required)")
    try answer(s, "2027-05-01", thenSee: "Consent (required)")
    try answer(s, "no", thenSee: "! We need her consent")
    try answer(s, "yes", thenSee: "Save? (yes/no/<)")
    try answer(s, "yes", thenSee: "Saved M-0001.")
    try answer(s, "mothers.count", thenSee: "\n1\n")
  }
}
