import PeerScript
import Testing

@testable import PeerCore

/// The standard reports' figures against independent SQL over the same demo database (the
/// `sqlite3` shell, so neither peer's store nor its pipelines are involved in the answer).
@Suite("Report figures", .serialized)
struct ReportFigureTests {
  let from = "2026-07-01"
  let to = "2026-09-30"
  var inQuarter: String { "BETWEEN '\(from)' AND '\(to)'" }

  @Test func quarterlyActivity() throws {
    let r = try ReportFixture.run("quarterly.run(quarter(2026-07-01))")
    #expect(r.title == "Quarterly activity, Q2 2026/27")

    let referrals = ReportFixture.sqlCounts(
      "SELECT referrer, count(*) FROM mothers WHERE referral_date \(inQuarter) GROUP BY referrer")
    #expect(!referrals.isEmpty)
    #expect(r.table("Referrals by source")?.figures("referrals") == referrals)

    let outcomes = ReportFixture.sqlCounts(
      """
      SELECT CASE WHEN status = 'declined' THEN 'declined'
        WHEN status IN ('referred', 'assessed') THEN 'not yet decided' ELSE 'accepted' END, count(*)
      FROM mothers WHERE referral_date \(inQuarter) GROUP BY 1
      """)
    let accepted = try #require(r.table("Referrals accepted and declined"))
    #expect(accepted.figures("referrals") == outcomes)
    #expect(accepted.total?[1].number == outcomes.values.reduce(0, +))

    let days = ReportFixture.sql(
      """
      SELECT julianday(m.started_on) - julianday(mo.referral_date) FROM matches m
      JOIN mothers mo ON mo.id = m.mother_id WHERE m.started_on \(inQuarter)
      """
    ).map { Double($0[0])! }
    let toMatch = try #require(r.table("Days from referral to match, matches begun this quarter"))
    #expect(toMatch.cell("matches")?.number == Double(days.count))
    #expect(toMatch.cell("median_days")?.number == median(days))
    #expect(abs((toMatch.cell("average_days")?.number ?? 0) - days.reduce(0, +) / Double(days.count)) < 1e-9)

    let firstContact = ReportFixture.sql(
      """
      SELECT julianday(min(v.date)) - julianday(m.started_on) FROM matches m
      JOIN visits v ON v.match_id = m.id WHERE m.started_on \(inQuarter) GROUP BY m.id
      """
    ).map { Double($0[0])! }
    let toContact = try #require(r.table("Days from match to first contact"))
    #expect(toContact.cell("matches")?.number == Double(firstContact.count))
    #expect(toContact.cell("median_days")?.number == median(firstContact))
    #expect(
      abs(
        (toContact.cell("average_days")?.number ?? 0) - firstContact.reduce(0, +) / Double(firstContact.count)
      )
        < 1e-9)

    let kinds = ReportFixture.sql(
      "SELECT kind, count(*), sum(minutes) FROM visits WHERE date \(inQuarter) GROUP BY kind")
    let contacts = try #require(r.table("Contacts by kind"))
    #expect(
      contacts.figures("contacts") == Dictionary(uniqueKeysWithValues: kinds.map { ($0[0], Double($0[1])!) }))
    #expect(
      contacts.figures("minutes") == Dictionary(uniqueKeysWithValues: kinds.map { ($0[0], Double($0[2])!) }))
    let totalContacts = kinds.map { Int($0[1])! }.reduce(0, +)
    #expect(contacts.total?[1] == .int(totalContacts))

    // The line chart runs from the start of the financial year to the end of the quarter.
    let months = ReportFixture.sql(
      "SELECT substr(date, 1, 7), count(*) FROM visits WHERE date BETWEEN '2026-04-01' AND '\(to)' GROUP BY 1 ORDER BY 1"
    ).map { Double($0[1])! }
    let byMonth = try #require(r.table("Contacts by month, this financial year so far"))
    #expect(
      byMonth.rows.map { $0[0].text } == [
        "April 2026", "May 2026", "June 2026", "July 2026", "August 2026", "September 2026",
      ])
    #expect(byMonth.rows.map { $0[1].number! } == months)

    let sites = ReportFixture.sql(
      """
      SELECT vo.site, count(*), sum(v.minutes) / 60.0 FROM visits v JOIN matches m ON m.id = v.match_id
      JOIN volunteers vo ON vo.id = m.volunteer_id WHERE v.date \(inQuarter) GROUP BY vo.site
      """)
    let hours = try #require(r.table("Volunteer hours by site"))
    for row in sites {
      let i = try #require(hours.rows.firstIndex { $0[0].text == row[0] })
      #expect(hours.rows[i][1].number == Double(row[1]))
      #expect(abs((hours.rows[i][2].number ?? 0) - Double(row[2])!) < 1e-9)
    }
    #expect(hours.rows.count == sites.count)
    // Shown to one place from the summed minutes, divided once and rounded once (7,755 minutes
    // are 129.25 hours, shown 129.3), as SQLite's round (half away from zero) gives them.
    let shown = ReportFixture.sqlCounts(
      """
      SELECT vo.site, round(sum(v.minutes) / 6.0) / 10.0 FROM visits v JOIN matches m ON m.id = v.match_id
      JOIN volunteers vo ON vo.id = m.volunteer_id WHERE v.date \(inQuarter) GROUP BY vo.site
      """)
    for row in hours.rows { #expect(row[2].text == String(shown[row[0].text] ?? -1), "\(row[0].text)") }

    let minutes = ReportFixture.sql("SELECT round(sum(minutes) / 60.0) FROM visits WHERE date \(inQuarter)")[
      0][0]
    guard case .text(let text)? = r.sections.first else {
      throw TestFailure("the report starts with its text")
    }
    #expect(text.hasPrefix("\(Int(referrals.values.reduce(0, +))) mothers were referred"))
    #expect(
      text.contains("volunteers gave \(Int(Double(minutes)!)) hours of support in \(totalContacts) contacts"))
  }

  /// The demo project carries the standard reports beside its starter script: no name clashes,
  /// and loading them only defines things (Project.scripts() loads them at every start).
  @Test func theReportsLoadBesideTheStarterScript() throws {
    final class Printed: @unchecked Sendable { var lines: [String] = [] }
    let printed = Printed()
    var options = ReportFixture.options()
    options.output = { printed.lines.append($0) }
    let session = Session(store: try makeStore(), options: options)
    try session.run(Starter.projectScript, file: "scripts/project.peer")
    for path in ReportFixture.exampleReports() { try session.run(try FileSystem.read(path), file: path) }
    #expect(printed.lines == [])
    for name in ["quarterly", "reach", "support_given", "endings_summary", "workforce", "caseloads"] {
      guard case .host(let h)? = session.interpreter.global(name) else {
        Issue.record("\(name) is not a report")
        continue
      }
      #expect(h is Report, "\(name)")
    }
  }

  @Test func reach() throws {
    let r = try ReportFixture.run("reach.run(financial_year(2025))")
    // Supported: a match that had begun by the end of the year and had not ended before it.
    let supported = """
      SELECT DISTINCT mo.id, mo.language, mo.area FROM matches m JOIN mothers mo ON mo.id = m.mother_id
      LEFT JOIN endings e ON e.match_id = m.id
      WHERE m.started_on <= '2026-03-31' AND (e.id IS NULL OR e.date >= '2025-04-01')
      """
    let languages = ReportFixture.sqlCounts("SELECT language, count(*) FROM (\(supported)) GROUP BY language")
    #expect(!languages.isEmpty)
    #expect(r.table("Mothers supported by first language")?.figures("mothers") == languages)
    let areas = ReportFixture.sqlCounts("SELECT area, count(*) FROM (\(supported)) GROUP BY area")
    #expect(r.table("Mothers supported by area")?.figures("mothers") == areas)
    let tags = ReportFixture.sqlCounts(
      """
      SELECT j.value, count(*) FROM mothers mo, json_each(mo.vulnerabilities) j
      WHERE mo.id IN (SELECT id FROM (\(supported))) GROUP BY j.value
      """)
    #expect(r.table("Mothers supported by vulnerability")?.figures("mothers") == tags)
  }

  @Test func supportGiven() throws {
    let r = try ReportFixture.run("support_given.run(quarter(2026-07-01))")
    let elements = ReportFixture.sqlCounts(
      "SELECT j.value, count(*) FROM visits v, json_each(v.support) j WHERE v.date \(inQuarter) GROUP BY j.value"
    )
    #expect(!elements.isEmpty)
    #expect(r.table("Contacts by element of support")?.figures("contacts") == elements)
    let categories = ReportFixture.sqlCounts(
      """
      SELECT coalesce(s.category, 'other'), count(*) FROM visits v, json_each(v.services) j
      LEFT JOIN services s ON s.name = j.value WHERE v.date \(inQuarter) GROUP BY 1
      """)
    #expect(!categories.isEmpty)
    #expect(r.table("Signposting by service category")?.figures("signposts") == categories)
  }

  @Test func endings() throws {
    let r = try ReportFixture.run("endings_summary.run(quarter(2026-07-01))")
    let reasons = ReportFixture.sqlCounts(
      "SELECT reason, count(*) FROM endings WHERE date \(inQuarter) GROUP BY reason")
    #expect(!reasons.isEmpty)
    #expect(r.table("Endings by reason")?.figures("endings") == reasons)
    let planned = ReportFixture.sqlCounts(
      """
      SELECT CASE WHEN planned THEN 'planned' ELSE 'unplanned' END, count(*) FROM endings
      WHERE date \(inQuarter) GROUP BY 1
      """)
    #expect(r.table("Planned and unplanned endings")?.figures("endings") == planned)
    let lengths = ReportFixture.sql(
      """
      SELECT (julianday(e.date) - julianday(m.started_on)) / 7, (SELECT count(*) FROM visits v WHERE v.match_id = e.match_id)
      FROM endings e JOIN matches m ON m.id = e.match_id WHERE e.date \(inQuarter)
      """)
    let weeks = lengths.map { Double(Int(Double($0[0])!)) }  // whole weeks
    let contacts = lengths.map { Double($0[1])! }
    let t = try #require(r.table("Length of support and contacts per match"))
    #expect(t.cell("matches")?.number == Double(lengths.count))
    #expect(t.cell("median_weeks")?.number == median(weeks))
    #expect(abs((t.cell("average_weeks")?.number ?? 0) - weeks.reduce(0, +) / Double(weeks.count)) < 1e-9)
    #expect(
      abs((t.cell("contacts_per_match")?.number ?? 0) - contacts.reduce(0, +) / Double(contacts.count)) < 1e-9
    )
    let share = Int((100 * (planned["planned"] ?? 0) / Double(lengths.count)).rounded())
    guard case .text(let text)? = r.sections.first else {
      throw TestFailure("the report starts with its text")
    }
    #expect(text == "\(lengths.count) matches ended; \(share)% of endings were planned.")
  }

  /// The quarter under way: undecided referrals apart, and the months of the financial year
  /// only up to today (the fixture's 2026-11-20), the title saying the last is counted so far.
  @Test func quarterlyUnderWay() throws {
    let r = try ReportFixture.run("quarterly.run(quarter(2026-10-01))")
    let outcomes = ReportFixture.sqlCounts(
      """
      SELECT CASE WHEN status = 'declined' THEN 'declined'
        WHEN status IN ('referred', 'assessed') THEN 'not yet decided' ELSE 'accepted' END, count(*)
      FROM mothers WHERE referral_date BETWEEN '2026-10-01' AND '2026-12-31' GROUP BY 1
      """)
    #expect(outcomes["not yet decided"] ?? 0 > 0)
    let accepted = try #require(r.table("Referrals accepted and declined"))
    for (outcome, n) in outcomes where n >= 5 {
      #expect(accepted.figures("referrals")[outcome] == n, "\(outcome)")
    }
    let months = try #require(r.charts.first { $0.title.hasPrefix("Contacts by month") })
    #expect(months.title == "Contacts by month, this financial year so far (to 2026-11-20)")
    #expect(months.categories.last == "November 2026")
    #expect(months.categories.count == 8)
  }

  @Test func endingsInAPeriodWithoutAny() throws {
    let r = try ReportFixture.run("endings_summary.run(financial_year(2020))")
    #expect(r.sections.first == .text("0 matches ended; no endings were planned."))
    #expect(!ReportFormat.md.render(r).contains("| ending |"))
  }

  /// `--on` applies to every figure: only volunteers who had joined by then, checks made by then.
  @Test func workforceOnAnEarlierDay() throws {
    let r = try ReportFixture.run("workforce.run(2025-06-01)")
    let joined = "(joined_on IS NULL OR joined_on <= '2025-06-01')"
    let statuses = ReportFixture.sqlCounts(
      "SELECT status, count(*) FROM volunteers WHERE \(joined) GROUP BY status")
    #expect(r.table("Volunteers by status")?.figures("volunteers") == statuses)
    let all = ReportFixture.sqlCounts("SELECT status, count(*) FROM volunteers GROUP BY status")
    #expect(statuses != all, "the day makes a difference in the demo")
    let active = ReportFixture.sql(
      """
      SELECT count(*), sum(dbs_checked_on IS NOT NULL AND dbs_checked_on <= '2025-06-01'
        AND date(dbs_checked_on, '+3 years') >= '2025-06-01')
      FROM volunteers WHERE status = 'active' AND \(joined)
      """)[0].map { Double($0)! }
    let t = try #require(r.table("Active volunteers"))
    #expect([t.cell("active")?.number, t.cell("dbs_in_date")?.number] == active)
  }

  @Test func workforce() throws {
    let r = try ReportFixture.run("workforce.run(2026-11-20)")
    let joined = "(joined_on IS NULL OR joined_on <= '2026-11-20')"
    let statuses = ReportFixture.sqlCounts(
      "SELECT status, count(*) FROM volunteers WHERE \(joined) GROUP BY status")
    #expect(r.table("Volunteers by status")?.figures("volunteers") == statuses)
    let active = ReportFixture.sql(
      """
      SELECT count(*), sum(trained_on IS NOT NULL AND trained_on <= '2026-11-20'),
        sum(dbs_checked_on IS NOT NULL AND dbs_checked_on <= '2026-11-20'
          AND date(dbs_checked_on, '+3 years') >= '2026-11-20')
      FROM volunteers WHERE status = 'active' AND \(joined)
      """)[0].map { Double($0)! }
    let t = try #require(r.table("Active volunteers"))
    #expect([t.cell("active")?.number, t.cell("trained")?.number, t.cell("dbs_in_date")?.number] == active)
    let expiring = ReportFixture.sql(
      """
      SELECT name FROM volunteers WHERE status = 'active' AND dbs_checked_on IS NOT NULL
      AND date(dbs_checked_on, '+3 years') <= date('2026-11-20', '+90 days')
      ORDER BY date(dbs_checked_on, '+3 years'), id
      """
    ).map { $0[0] }
    let list = try #require(r.table("DBS checks expired or expiring within 90 days"))
    #expect(Set(list.rows.map { $0[1].text }) == Set(expiring))
    #expect(list.rows.count == expiring.count)
  }

  @Test func caseloads() throws {
    let r = try ReportFixture.run("caseloads.run()")
    let perSite = ReportFixture.sqlCounts(
      """
      SELECT vo.site, count(*) FROM matches m JOIN volunteers vo ON vo.id = m.volunteer_id
      WHERE m.status = 'active' AND vo.status = 'active' GROUP BY vo.site
      """)
    #expect(!perSite.isEmpty)
    #expect(r.table("Caseload and free places by site")?.figures("mothers") == perSite)
    let bristol = try ReportFixture.run("caseloads.run(\"Bristol\")")
    #expect(bristol.title == "Caseload per volunteer, Bristol")
    let volunteers = ReportFixture.sql(
      "SELECT count(*) FROM volunteers WHERE status = 'active' AND site = 'Bristol'")
    let fullest = try #require(bristol.table("Active volunteers, fullest first"))
    #expect(fullest.rows.count == Int(volunteers[0][0]))
    // Fullest first: by share of capacity, not by number of mothers.
    let shares = fullest.rows.map { row -> Double in
      let mothers = row[fullest.columns.firstIndex(of: "mothers")!].number ?? 0
      let capacity = row[fullest.columns.firstIndex(of: "capacity")!].number ?? 0
      return capacity > 0 ? mothers / capacity : 0
    }
    #expect(shares == shares.sorted(by: >))
  }
}
