import Foundation
import PeerCore
import PeerScript
import PeerStore
import Testing

/// `match score` declarations on a real store: criteria, requirements, suggest, suggest_all,
/// accept, and the declaration's load-time errors.
@Suite("Matching")
struct MatchingTests {
  static let score = """
    match score(m, v) {
      require v.dbs_checked_on > today - 3 years, "{v.name}'s DBS check has expired"
      +3 "speaks {m.language}"        if m.language in v.languages
      +2 "shared: {tag}"              for each tag in m.vulnerabilities & v.experiences
      -1 "per 2 km apart"             per 2 km in distance(m, v)
      +1 "room for more"              if v.capacity - v.open_matches > 1
    }
    """

  /// Three volunteers in Bradford (one with an expired DBS) and two waiting mothers.
  func project() throws -> TestProject {
    let p = try TestProject()
    try p.run(
      """
      fn volunteer(name, postcode, languages, experiences, capacity, dbs) {
        create("volunteer", {name: name, postcode: postcode, languages: languages, experiences: experiences,
          capacity: capacity, status: "active", trained_on: 2025-01-01, dbs_checked_on: dbs})
      }
      volunteer("Ann", "BD8 1AA", ["English", "Urdu"], ["young parent"], 1, 2025-06-01)
      volunteer("Bea", "BD5 2BB", ["English"], ["young parent", "isolation"], 2, 2025-06-01)
      volunteer("Cat", "BD8 3CC", ["English", "Urdu"], [], 1, 2020-01-01)
      refer({name: "Maya", postcode: "BD8 9ZZ", language: "Urdu", vulnerabilities: ["isolation"], status: "waiting"})
      refer({name: "Nell", postcode: "BD5 9YY", language: "Urdu", vulnerabilities: ["young parent"], status: "waiting"})
      """ + "\n" + Self.score)
    return p
  }

  func text(_ p: TestProject, _ source: String) throws -> String { try p.run(source)?.description ?? "nil" }

  @Test func criteriaGivePointsWithReasons() throws {
    let p = try project()
    // Maya (BD8) and Bea (BD5): no shared language, shared isolation, about 3 km apart, room 2.
    #expect(try text(p, "distance(M-0001, V-0002)") == "3.4")
    #expect(try text(p, "distance(M-0001, V-0001)") == "0.0")
    #expect(try text(p, "distance(\"BD8 1AA\", \"XX1 1XX\")") == "nil")
    #expect(
      try text(p, "explain(M-0001, V-0002) | map \"{.points} {.reason}\"")
        == "[\"2 shared: isolation\", \"-1 per 2 km apart (3.4 km)\", \"1 room for more\", \"2 total\"]")
    #expect(try text(p, "explain(M-0001, V-0001)[-1].points") == "3")
    #expect(try text(p, "explain(M-0002, V-0001)[-1].points") == "4")
  }

  @Test func requirementsRuleAPairOut() throws {
    let p = try project()
    #expect(try text(p, "explain(M-0001, V-0003)[-1].points") == "ruled out")
    #expect(
      try text(p, "explain(M-0001, V-0003) | where .points == \"ruled out\" | map .reason")
        == "[\"Cat's DBS check has expired\"]")
    // Cat is never suggested; a volunteer with no free place is not either.
    #expect(try text(p, "suggest(M-0001) | map .volunteer") == "[\"V-0001\", \"V-0002\"]")
    try p.run("match(M-0002, V-0001)")
    #expect(try text(p, "suggest(M-0001) | map .volunteer") == "[\"V-0002\"]")
  }

  @Test func suggestShowsEachCriterionSideBySide() throws {
    let p = try project()
    let rows = try text(p, "suggest(M-0002)")
    // Nell: Ann speaks Urdu and shares "young parent" (5); Bea shares it, is 0 km away, has room (3).
    #expect(try text(p, "suggest(M-0002) | map .score") == "[4, 3]")
    #expect(try text(p, "suggest(M-0002, 1) | map .name") == "[\"Ann\"]")
    #expect(rows.contains("\"speaks Urdu\": 3"))
    #expect(rows.contains("why: \"speaks Urdu +3, shared: young parent +2, per 2 km apart (3.4 km) -1\""))
    // As typed at the REPL: `suggest M-0002` is the same call; `suggest all` is suggest_all().
    #expect(try text(p, "suggest M-0002") == rows)
    #expect(try text(p, "let nell = M-0002\nsuggest nell") == rows)
    #expect(try text(p, "suggest all") == text(p, "suggest_all()"))
  }

  @Test func suggestAllBeatsGreedyAndAcceptMatchesThroughTheRules() throws {
    let p = try project()
    // Maya: Ann 3, Bea 2; Nell: Ann 4, Bea 3 (Bea has two places): the best total is 6, and
    // the lower ids win the tie (Maya-Ann, Nell-Bea).
    try p.run("let plan = suggest_all()")
    #expect(try text(p, "plan.total") == "6")
    #expect(try text(p, "plan.matches") == "2")
    #expect(
      try text(p, "plan | map \"{.mother} {.volunteer}\"") == "[\"M-0001 V-0001\", \"M-0002 V-0002\"]")
    #expect(try p.count(.match) == 0)  // nothing is matched until accepted
    try p.run("accept(plan)")
    #expect(try p.count(.match) == 2)
    #expect(try text(p, "M-0002.status") == "matched")
    #expect(try text(p, "M-0002.match.why").contains("shared: young parent +2"))
    // Accepting again breaks the one-active-match rule, and nothing of it is kept.
    #expect(throws: RuntimeError.self) { try p.run("accept(plan)") }
    #expect(try p.count(.match) == 2)
  }

  @Test func greedyComparisonIsReported() throws {
    let p = try TestProject()
    try p.run(
      """
      create("volunteer", {name: "A", capacity: 1, status: "active", languages: ["Urdu", "Polish"]})
      create("volunteer", {name: "B", capacity: 1, status: "active", languages: ["Urdu"]})
      refer({name: "M1", language: "Urdu", status: "waiting"})
      refer({name: "M2", language: "Polish", status: "waiting"})
      match score(m, v) {
        require m.language in v.languages, "no shared language"
        +4 "speaks {m.language}" if m.language in v.languages
        +1 "speaks two languages" if len(v.languages) > 1
      }
      """)
    // Greedy takes M1-A (5) and leaves M2 waiting; the optimum is M1-B (4) + M2-A (5).
    let plan = try text(p, "suggest_all()")
    #expect(plan.contains("2 matches proposed for 2 waiting mothers, total score 9"))
    #expect(plan.contains("Greedy (best pair first) would make 1 with total 5"))
    #expect(plan.contains("1 more mother matched, +4 points (+80%)"))
  }

  /// docs/matching.md shows this suite's score and its `suggest(M-0002)` for this data.
  @Test func theDocsShowWhatRuns() throws {
    let root = "\(#filePath)".components(separatedBy: "/Tests/")[0]
    let doc = try FileSystem.read(root + "/docs/matching.md")
    let blocks = doc.components(separatedBy: "```\n")
    #expect(blocks[1].trimmingCharacters(in: .whitespacesAndNewlines) == Self.score)
    let p = try project()
    for why in try text(p, "suggest(M-0002) | map .why | join(\"|\")").split(separator: "|") {
      #expect(doc.contains(" " + why + "\n"), "the docs' suggest table lacks \(why)")
    }
    try p.run(blocks[5])
    #expect(try text(p, "distance(\"LS6 1AA\", \"BD8 1AA\")") != "nil")
  }

  @Test func theMatchBuiltInStillWorks() throws {
    let p = try project()
    try p.run("let x = match(M-0001, V-0002, \"chosen by hand\")")
    #expect(try text(p, "x.why") == "chosen by hand")
  }

  @Test func theExampleScoreRuns() throws {
    let p = try TestProject()
    let root = "\(#filePath)".components(separatedBy: "/Tests/")[0]
    try p.session.run(try FileSystem.read(root + "/Examples/matching/score.peer"), file: "score.peer")
    try p.run(
      """
      create("volunteer", {name: "Ann", postcode: "LE2 1AA", area: "Highfields", site: "Leicester", capacity: 2,
        status: "active", languages: ["English", "Gujarati"], experiences: ["young mum"], trained_on: 2025-01-01,
        dbs_checked_on: 2025-01-01, available: ["evenings", "weekends"]})
      create("volunteer", {name: "Bo", postcode: "LE2 1AB", area: "Highfields", site: "Bristol", capacity: 2,
        status: "active", languages: ["Gujarati"], trained_on: 2025-01-01, dbs_checked_on: 2025-01-01})
      refer({name: "Hetal", postcode: "LE3 2BB", area: "Braunstone", site: "Leicester", language: "Gujarati",
        vulnerabilities: ["young parent"], status: "waiting", best_times: ["weekends"]})
      """)
    #expect(try text(p, "suggest(M-0001) | map .name") == "[\"Ann\"]")
    #expect(
      try text(p, "suggest(M-0001)[0].why")
        == "speaks Gujarati +3, has been there too: young mum +2, per 3 km apart (4.9 km) -1, free weekends +2, has room for more than one +1"
    )
    try p.run("suggest_all() | accept")
    #expect(try p.count(.match) == 1)
  }

  @Test func theBefriendingExampleKeepsMatchesClose() throws {
    let p = try TestProject()
    let root = "\(#filePath)".components(separatedBy: "/Tests/")[0]
    try p.session.run(
      try FileSystem.read(root + "/Examples/matching/befriending.peer"), file: "befriending.peer")
    try p.run(
      """
      create("volunteer", {name: "Near", postcode: "E8 1AA", area: "Dalston", capacity: 1, status: "active",
        languages: ["English", "Turkish"], experiences: ["young mum"], dbs_checked_on: 2025-01-01})
      create("volunteer", {name: "Far", postcode: "BS5 1AA", area: "Lawrence Hill", capacity: 1, status: "active",
        languages: ["Turkish"], dbs_checked_on: 2025-01-01})
      refer({name: "Elif", postcode: "E5 2BB", area: "Clapton", language: "Turkish",
        vulnerabilities: ["young parent"], status: "waiting"})
      """)
    #expect(try text(p, "suggest(M-0001, befriending) | map .volunteer") == "[\"V-0001\"]")
    // E5 and E8 are 1.9 km apart: not a whole 2 km, so no points off.
    #expect(try text(p, "distance(M-0001, V-0001)") == "1.9")
    #expect(try text(p, "suggest(M-0001)[0].why") == "speaks Turkish +4, was a young mum too +1")
    #expect(
      try text(p, "explain(M-0001, V-0002) | where .points == \"ruled out\" | map .reason")
        == "[\"Far lives more than 10 km away (or too far to tell)\"]")
  }

  // MARK: - Load-time errors

  func error(_ source: String) throws -> String {
    let p = try TestProject()
    do {
      try p.run(source)
    } catch {
      return "\(error)"
    }
    return "no error"
  }

  @Test func declarationErrorsAreExplainedAtTheirPlace() throws {
    let noPoints = try error("match score(m, v) {\n  \"speaks\" if true\n}")
    #expect(noPoints.contains("2:3"))
    #expect(noPoints.contains("expected the points a criterion gives"))

    let noReason = try error("match score(m, v) {\n  +3 if true\n}")
    #expect(noReason.contains("2:6"))
    #expect(noReason.contains("expected the reason in quotes"))

    let oneParameter = try error("match score(m) {\n  +3 \"x\"\n}")
    #expect(oneParameter.contains("a match score takes two parameters, the mother and the volunteer"))

    let noMessage = try error("match score(m, v) {\n  require v.capacity > 0\n  +1 \"x\"\n}")
    #expect(noMessage.contains("2:25"))
    #expect(noMessage.contains("\",\" and a message after the requirement"))

    let months = try error("match score(m, v) {\n  -1 \"waiting\" per 1 month in today - m.referral_date\n}")
    #expect(months.contains("2:3"))
    #expect(months.contains("\"per\" cannot count in months"))

    let zeroStep = try error("match score(m, v) {\n  -1 \"far\" per 0 km in distance(m, v)\n}")
    #expect(zeroStep.contains("the step after \"per\" must be more than zero"))

    let each = try error("match score(m, v) {\n  +1 \"x\" for tag in m.vulnerabilities\n}")
    #expect(each.contains("expected \"each\" after \"for\""))

    let empty = try error("match score(m, v) {\n  require true, \"x\"\n}")
    #expect(empty.contains("has no criteria"))

    let noScore = try error("refer({name: \"A\", status: \"waiting\"})\nsuggest(M-0001)")
    #expect(noScore.contains("no match score is declared yet"))
  }

  @Test func runTimeProblemsInAScoreNameTheCriterion() throws {
    let p = try project()
    try p.run("match bad(m, v) {\n  +1 \"x\" for each t in m.name\n}")
    do {
      try p.run("explain(M-0001, V-0001, bad)")
      Issue.record("expected an error")
    } catch let e as RuntimeError {
      #expect(e.description.contains("\"for each\" needs a list here"))
      #expect(e.position == SourcePosition(line: 2, column: 3))
    }
  }
}
