import PeerScript
import Testing

@testable import PeerCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reports over plain lists (no store needed): suppression in every format, the HTML's
/// structure, the declaration's errors, and `save`, `chart` and `count_by_month`.
@Suite("Report outputs")
struct ReportOutputTests {
  static let smallNumbers = """
    let rows = [
      {site: "Bristol", mothers: 12, median_days: 3},
      {site: "Leeds", mothers: 3, median_days: 4},
      {site: "York", mothers: 7, median_days: 2},
      {site: "Hull", mothers: 0, median_days: 1},
    ]
    report small(x = 1) {
      title "Small numbers"
      text "A note"
      table "By site" with total = rows
      chart bar "Chart by site" = rows | map {site: .site, mothers: .mothers}
      suppress under 5 except median_days
    }
    """

  func session() -> Session { Session(store: nil, options: ReportFixture.options()) }

  func run(_ source: String, _ call: String) throws -> ReportResult {
    let s = session()
    try s.run(source, file: "r.peer")
    guard case .host(let h)? = try s.run(call, file: "call"), let r = h as? ReportValue else {
      throw TestFailure("no report")
    }
    return r.result
  }

  func error(_ source: String) -> RuntimeError? {
    do {
      let s = session()
      try s.run(source, file: "r.peer")
    } catch let e as RuntimeError {
      return e
    } catch {
      Issue.record("unexpected \(error)")
    }
    return nil
  }

  @Test func smallCountsAreSuppressedInTheModel() throws {
    let r = try run(Self.smallNumbers, "small.run()")
    let t = try #require(r.table("By site"))
    // The total would give the 3 away; withholding York's 7 would not do, as the chart repeats
    // it, so the total is withheld.
    #expect(t.rows.map { $0[1] } == [.int(12), .suppressed(under: 5), .int(7), .int(0)])
    #expect(t.total?[1] == .withheld)
    // Not counts: left as they are, but for the median of fewer than 5 people.
    #expect(t.rows.map { $0[2] } == [.int(3), .tooFew, .int(2), .int(1)])
    let c = try #require(r.table("Chart by site"))
    #expect(c.rows.map { $0[1] } == [.int(12), .suppressed(under: 5), .int(7), .int(0)])
  }

  @Test func aSmallTotalIsSuppressedToo() throws {
    let r = try run(
      """
      report tiny {
        table "T" with total = [{k: "a", n: 2}, {k: "b", n: 1}, {k: "c", n: 0}]
        suppress under 5
      }
      """, "tiny.run()")
    let t = try #require(r.table("T"))
    // 2, 1 and 0 of a total of 3 run in order: whatever is hidden, a reader who knows the order
    // knows the second is at most 2, so the table is withdrawn.
    #expect(t.rows.isEmpty && t.total == nil && t.withdrawn)
    #expect(ReportFormat.table.render(r).contains("(too few to show)"))
    let shuffled = try run(
      """
      report tiny {
        table "T" with total = [{k: "a", n: 1}, {k: "b", n: 0}, {k: "c", n: 2}]
        suppress under 5
      }
      """, "tiny.run()")
    // Out of order, "<5" twice with a total "<5" would still tell the reader neither is 4:
    // fewer than 5 in all is shown as "[c]" (0 to 4).
    let u = try #require(shuffled.table("T"))
    #expect(u.rows.map { $0[1] } == [.tooFew, .int(0), .tooFew])
    #expect(u.total?[1] == .tooFew)
    #expect(ReportFormat.table.render(shuffled).contains("[c] marks a figure about fewer than 5 people"))
  }

  @Test(arguments: ReportFormat.allCases)
  func everyFormatShowsOnlyTheSuppressedFigures(format: ReportFormat) throws {
    let text = format.render(try run(Self.smallNumbers, "small.run()"))
    // In HTML, the table's cell and the chart's tooltip (the SVG's coordinates hold digits).
    let leeds = text.split(separator: "\n").filter {
      $0.contains("Leeds") && (format != .html || $0.contains("<td>Leeds") || $0.contains("<title>Leeds"))
    }
    if format == .json {
      #expect(text.contains("{\"site\": \"Leeds\", \"mothers\": \"<5\", \"median_days\": \"[c]\"}"))
      #expect(text.contains("{\"site\": \"York\", \"mothers\": 7, \"median_days\": 2}"))
      #expect(text.contains("{\"site\": \"York\", \"mothers\": 7}"))
      #expect(text.contains("\"total\": {\"site\": \"Total\", \"mothers\": \"*\", \"median_days\": null}"))
    } else {
      #expect(!leeds.isEmpty)
      for line in leeds {
        #expect(!line.contains("3"), "\(format): \(line)")
        #expect(
          line.contains(format == .html ? "&lt;5" : (format == .md ? "\\<5" : "<5")), "\(format): \(line)")
      }
      let total = text.split(separator: "\n").filter { $0.contains("Total") && !$0.contains("<title>") }
      #expect(total.contains { $0.contains("*") }, "\(format): the withheld total")
      #expect(total.allSatisfy { !$0.contains("22") }, "\(format): the total")
    }
  }

  @Test func theHTMLHasATablePerTableAndAnSVGPerChart() throws {
    let html = ReportFormat.html.render(try run(Self.smallNumbers, "small.run()"))
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(html.components("<table>") == 1)
    #expect(html.components("<svg ") == 1)
    #expect(html.components("</svg>") == 1)
    #expect(html.contains("<tfoot><tr class=\"total\">"))
    #expect(html.contains("<title>Leeds, mothers: &lt;5</title>"))
    // Self-contained: nothing to fetch, no scripts.
    #expect(
      !html.contains("http://")
        || html.components("http://") == html.components("xmlns=\"http://www.w3.org/2000/svg\""))
    #expect(!html.contains("https://"))
    #expect(!html.contains("<script"))
    #expect(!html.contains("<link"))
  }

  @Test func theHTMLSaysWhenAndIsReadableWithoutTheCharts() throws {
    let r = try run(
      """
      let sites = [{site: "Bristol", contacts: 12345, hours: 1234.5}, {site: "Leeds", contacts: 20, hours: 3.25}]
      report page(q = quarter(2026-07-01)) {
        table "Contacts" = sites
        chart bar "Contacts by site" = sites | map {site: .site, contacts: .contacts}
      }
      """, "page.run()")
    let html = ReportFormat.html.render(r)
    // The period's dates and the day it was produced (the session's today, 2026-11-20).
    #expect(
      html.contains(
        "<p class=\"meta\">Period: 1 July 2026 to 30 September 2026. Produced on 20 November 2026</p>"))
    // Captions, header scope, thousands separators.
    #expect(html.contains("<caption>Contacts</caption>"))
    #expect(html.contains("<th scope=\"col\">site</th>"))
    #expect(html.contains("<td class=\"n\">12,345</td>"))
    #expect(html.contains("<td class=\"n\">1,234.5</td>"))
    #expect(html.contains("<title>Bristol, contacts: 12,345</title>"))
    // Each chart's figures as a table under it, its text alternative besides the SVG's label.
    #expect(html.contains("<summary>The figures of this chart</summary>\n<table class=\"chart-data\">"))
    #expect(html.components("<caption>Contacts by site</caption>") == 1)
    // Figures for tools and spreadsheets keep no separators.
    #expect(ReportFormat.csv.render(r).contains("Bristol,12345,1234.5"))
  }

  @Test func smallFiguresInTextAreSuppressedToo() throws {
    let source = """
      let few = [1, 2, 3]
      report t(under) {
        text "{len(few)} mothers, {len(few) * 10} contacts, {str(len(few) - 1)} days, {1.5} hours"
        table "T" = few | map {n: it}
      }
      report s {
        text "{len(few)} mothers, {len(few) * 10} contacts, {str(len(few) - 1)} days, {1.5} hours"
        suppress under 5
      }
      """
    #expect(try run(source, "s.run()").sections.first == .text("<5 mothers, 30 contacts, 2 days, 1.5 hours"))
    // Without `suppress`, figures are shown as they are; and the rule ends with the report's run.
    #expect(try run(source, "t.run(1)").sections.first == .text("3 mothers, 30 contacts, 2 days, 1.5 hours"))
    let s = session()
    try s.run(source, file: "r.peer")
    try s.run("s.run()", file: "a")
    #expect(try s.run("\"{len(few)}\"", file: "b")?.repr == "\"3\"")
  }

  @Test func chartsOfEveryStyleDrawOneSVG() throws {
    let r = try run(
      """
      let months = [{month: "Apr", a: 3, b: 10}, {month: "May", a: 8, b: 0}, {month: "Jun", a: 13, b: 4}]
      report charts {
        chart bar "Bars" = months
        chart stacked bar "Stacked" = months
        chart line "Lines" = months
        suppress under 5
      }
      """, "charts.run()")
    #expect(r.charts.map(\.style) == [.bar, .stacked, .line])
    let html = ReportFormat.html.render(r)
    #expect(html.components("<svg ") == 3)
    // Two series: a legend in each chart.
    #expect(html.components(">a</text>") == 3)
    #expect(html.components("<polyline") >= 2)
    // A stacked bar holding a suppressed figure gives no total that would reveal it.
    #expect(html.contains("<title>Apr, a: &lt;5</title>"))
  }

  @Test func monthsAreShortUnderATimeAxisAndWholeInTheirTooltips() throws {
    let r = try run(
      """
      report by_month {
        chart line "By month" = [{month: month(2026-08-01), n: 7}, {month: month(2026-09-01), n: 9}]
      }
      """, "by_month.run()")
    let html = ReportFormat.html.render(r)
    #expect(html.contains(">Sep 2026</text>"))
    #expect(html.contains("<title>September 2026, n: 9</title>"))
    #expect(!html.contains(">September 2026</text>"))
  }

  @Test func emptyPeriodsShowAsZero() throws {
    let r = try run(
      """
      let items = [{on: 2026-04-03}, {on: 2026-04-20}, {on: 2026-07-01}, {on: 2027-05-01}]
      report by_month(p = financial_year(2026)) {
        chart line "By month" = count_by_month(items, between(p.start, p.start + 5 months - 1 day), fn(i) => i.on)
        table "Nothing" with total = items | where .on < 2020-01-01
      }
      """, "by_month.run()")
    let t = try #require(r.table("By month"))
    #expect(t.rows.map { $0[0].text } == ["Apr 2026", "May 2026", "Jun 2026", "Jul 2026", "Aug 2026"])
    #expect(t.rows.map { $0[1] } == [.int(2), .int(0), .int(0), .int(1), .int(0)])
    let empty = try #require(r.table("Nothing"))
    #expect(empty.rows.isEmpty)
    #expect(ReportFormat.html.render(r).contains("Nothing to show"))
    #expect(ReportFormat.table.render(r).contains("(nothing to show)"))
    // No Markdown table of a header alone, and every CSV block starts with a header line.
    #expect(ReportFormat.md.render(r).contains("## Nothing\n\nNothing to show.\n"))
    #expect(ReportFormat.csv.render(r).contains("Nothing\nnothing to show\n"))
    // An empty chart says so in its drawing.
    let chart = try run(
      "report nochart {\n  chart bar \"None\" = [1] | where it > 5\n}", "nochart.run()")
    #expect(ReportFormat.html.render(chart).contains(">Nothing to show</text>"))
  }

  @Test func parametersTakeTheirDefaultsWhenLeftOut() throws {
    let source = """
      report p(a, b = 2) {
        title "a={a} b={b}"
        text "{a + b}"
      }
      """
    #expect(try run(source, "p.run(1)").title == "a=1 b=2")
    #expect(try run(source, "p.run(1, 5)").sections == [.text("6")])
    let s = session()
    try s.run(source, file: "r.peer")
    #expect(throws: RuntimeError.self) { try s.run("p.run()", file: "call") }
    do {
      try s.run("p.run()", file: "call")
    } catch let e as RuntimeError {
      #expect(e.message == "the report p needs a value for a")
      #expect(e.hint == "give it as p.run(...) or with --a VALUE")
    }
  }

  @Test func aLetIsWorkedOutOncePerRunAndSharedByTheLinesAfterIt() throws {
    let s = session()
    try s.run(
      """
      var passes = 0
      fn load(n) {
        passes = passes + 1
        range(n)
      }
      report shared(n = 10) {
        let items = load(n)
        let evens = items | where it % 2 == 0
        text "{len(items)} items, {len(evens)} even"
        table "Evens" = evens | map {n: it} | take 2
      }
      """, file: "r.peer")
    guard case .host(let h)? = try s.run("shared.run(6)", file: "call"), let r = h as? ReportValue else {
      throw TestFailure("no report")
    }
    #expect(r.result.sections.first == .text("6 items, 3 even"))
    #expect(r.result.table("Evens")?.rows == [[.int(0)], [.int(2)]])
    #expect(try s.run("passes", file: "p")?.repr == "1")
    // Scripts can read the figures of a result.
    #expect(
      try s.run("shared.run(6).tables[0]", file: "t")?.repr == "{title: \"Evens\", rows: [{n: 0}, {n: 2}]}")
    do {
      try s.run("report clash(n) {\n  let n = 1\n  text \"x\"\n}", file: "c.peer")
      Issue.record("expected an error")
    } catch let e as CompileError {
      #expect(e.diagnostics.first?.message == "\"n\" is already a name in this report")
      #expect(e.diagnostics.first?.position == SourcePosition(line: 2, column: 7))
    }
  }

  @Test func declarationErrorsPointAtTheLine() throws {
    let twice = error("report r {\n  text \"x\"\n  suppress under 5\n  suppress under 10\n}")
    #expect(twice?.message == "the report says \"suppress\" twice")
    #expect(twice?.position == SourcePosition(line: 4, column: 3))
    let titles = error("report r {\n  title \"a\"\n  title \"b\"\n  text \"x\"\n}")
    #expect(titles?.message == "the report has two titles")
    #expect(titles?.position == SourcePosition(line: 3, column: 3))
    let nothing = error("report r {\n  title \"a\"\n}")
    #expect(nothing?.message == "the report r has nothing to show")
    #expect(nothing?.position == SourcePosition(line: 1, column: 1))
    #expect(nothing?.hint?.contains("add a table, chart or text line") == true)
  }

  @Test func saveWritesEveryFormatByItsName() throws {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    let s = session()
    // A script's names are relative to the session's folder for files (the current folder).
    s.files.folder = folder
    try s.run(Self.smallNumbers, file: "r.peer")
    for ext in ["csv", "json", "md", "html", "txt"] {
      try s.run("save(small.run(), \"r.\(ext)\")", file: "save")
      let written = try FileSystem.read("\(folder)/r.\(ext)")
      #expect(
        written == ReportFormat.from(fileName: "r.\(ext)")!.render(try run(Self.smallNumbers, "small.run()")))
    }
    try s.run("save(rows | where .mothers > 5, \"rows.csv\")", file: "save")
    #expect(
      try FileSystem.read("\(folder)/rows.csv") == "site,mothers,median_days\nBristol,12,3\nYork,7,2\n")
    // `save X to FILE` is the same call, and gives the path.
    let path = try s.run("save rows | where .mothers > 5 to \"rows2.csv\"", file: "save")
    #expect(path.map { "\($0)" } == "rows2.csv")
    #expect(try FileSystem.read("\(folder)/rows2.csv") == FileSystem.read("\(folder)/rows.csv"))
    #expect(FileSystem.list(folder).allSatisfy { !$0.contains(".part-") })
    do {
      try s.run("save(rows, \"rows.xlsx\")", file: "save")
      Issue.record("expected an error")
    } catch let e as RuntimeError {
      #expect(e.message == "save cannot tell which format \"rows.xlsx\" should be")
    }
  }

  @Test func csvCellsAreQuotedAndFormulasDisarmed() throws {
    let r = try run(
      "report c {\n  table \"T\" = [{name: \"Smith, Jo\", note: \"=1+1\", said: \"a \\\"b\\\"\"}]\n}",
      "c.run()")
    #expect(ReportFormat.csv.render(r) == "name,note,said\n\"Smith, Jo\",'=1+1,\"a \"\"b\"\"\"\n")
  }

  @Test func decimalsAreRoundedForPeopleButNotForTools() throws {
    let r = try run("report d {\n  table \"T\" = [{k: \"a\", avg: 157 / 3}]\n}", "d.run()")
    #expect(ReportFormat.table.render(r).contains("a  52.3"))
    #expect(ReportFormat.csv.render(r) == "k,avg\na,52.3\n")
    #expect(ReportFormat.json.render(r).contains("{\"k\": \"a\", \"avg\": 52.333333333333336}"))
  }

  @Test func chartDrawsAnyTable() throws {
    let s = session()
    let v = try s.run(
      "chart([{kind: \"home\", n: 4}, {kind: \"phone\", n: 2}], \"bar\", \"Kinds\")", file: "c")
    guard case .host(let h)? = v, let r = h as? ReportValue else { throw TestFailure("no chart") }
    #expect(r.result.charts.count == 1)
    let text = r.description
    #expect(text.contains("home   ████████████████████████████████████████ 4"))
    #expect(text.contains("phone  ████████████████████ 2"))
    do {
      try s.run("chart([1, 2], \"pie\")", file: "c")
      Issue.record("expected an error")
    } catch let e as RuntimeError {
      #expect(e.message == "there is no \"pie\" chart")
    }
  }
}

extension String {
  func components(_ s: String) -> Int {
    var n = 0
    var rest = self[...]
    while let r = rest.firstRange(of: s) {
      n += 1
      rest = rest[r.upperBound...]
    }
    return n
  }
}
