import PeerScript
import PeerStore
import Testing

@testable import PeerCore

/// Disclosure control (docs/disclosure.md) against an independent attacker: for generated
/// tables with known values and for the standard reports over many periods of the demo project,
/// no hidden count can be narrowed below the protection interval from what one run publishes.
@Suite("Disclosure", .serialized)
struct DisclosureTests {
  /// The demo's deterministic generator, so a failure can be run again.
  typealias Generator = SplitMix64

  /// A count as the generated tables have them: many small ones, some zeros, some large.
  static func count(_ g: inout Generator, under: Int) -> Int {
    if g.chance(0.15) { return 0 }
    if g.chance(0.45) { return g.int(1...(under - 1)) }
    return g.int(under...(under * 12))
  }

  struct Generated {
    var source: String
    var rows: [[Int]]  // a, b (and all = a + b when `rowTotal`)
    var rowTotal: Bool
    var under: Int
  }

  /// A report over a literal table: two columns of counts (and sometimes their row total), a
  /// Total row, the first column's total in the text, and a chart repeating the first column.
  static func generate(_ i: Int, _ g: inout Generator) -> Generated {
    let under = [5, 5, 5, 3, 10][g.int(0...4)]
    let rowTotal = g.chance(0.3)
    let rows = (0..<g.int(2...6)).map { _ in [count(&g, under: under), count(&g, under: under)] }
    let items = rows.enumerated().map { r, row in
      "{k: \"r\(r)\", a: \(row[0]), b: \(row[1])\(rowTotal ? ", all: \(row[0] + row[1])" : "")}"
    }
    let source = """
      let data\(i) = [\(items.joined(separator: ", "))]
      report generated\(i) {
        text "{data\(i) | sum .a} in all."
        table "T" with total = data\(i)
        chart bar "C" = data\(i) | map {k: .k, a: .a}
        suppress under \(under)
      }

      """
    return Generated(source: source, rows: rows, rowTotal: rowTotal, under: under)
  }

  @Test func generatedTablesKeepEveryHiddenCountWithinItsProtectionInterval() throws {
    var g = Generator(seed: 2026)
    let tables = (0..<150).map { Self.generate($0, &g) }
    let session = Session(store: nil, options: ReportFixture.options())
    try session.run(tables.map(\.source).joined(), file: "generated.peer")
    var views: [AttackerView] = []
    var truths: [[String: Int]] = []
    for (i, table) in tables.enumerated() {
      guard case .host(let h)? = try session.run("generated\(i).run()", file: "run"),
        let r = h as? ReportValue
      else { throw TestFailure("no report") }
      var view = AttackerView(under: table.under)
      view.read(r.result, notCounts: [])
      // What the reader knows of the construction: the text is the first column's total, the
      // chart repeats the first column, and `all` is the row's total.
      // A table or chart withdrawn as too few to show publishes nothing.
      let t = try #require(r.result.table("T"))
      let c = try #require(r.result.table("C"))
      func known(_ names: [String]...) -> Bool { names.joined().allSatisfy { view.figures[$0] != nil } }
      if known([view.textFigures[0], AttackerView.name(t, nil, "a")]) {
        view.relations.append(([view.textFigures[0]], [AttackerView.name(t, nil, "a")]))
      }
      var truth: [String: Int] = [:]
      for (row, values) in table.rows.enumerated() {
        let a = AttackerView.name(t, row, "a")
        let b = AttackerView.name(t, row, "b")
        if known([a, AttackerView.name(c, row, "a")]) {
          view.relations.append(([a], [AttackerView.name(c, row, "a")]))
        }
        if table.rowTotal && known([a, b, AttackerView.name(t, row, "all")]) {
          view.relations.append(([a, b], [AttackerView.name(t, row, "all")]))
        }
        truth[a] = values[0]
        truth[b] = values[1]
      }
      let totals = ["a", "b", "all"].map { AttackerView.name(t, nil, $0) }
      if table.rowTotal && known(totals) { view.relations.append((Array(totals.prefix(2)), [totals[2]])) }
      views.append(view)
      truths.append(truth)
    }
    let answers = try AttackerView.solve(views)
    var hidden = 0
    for (i, (view, answer)) in zip(views, answers).enumerated() {
      #expect(view.leaks(answer) == [], "generated\(i): \(tables[i].source)")
      for (name, range) in answer {
        hidden += 1
        // The true value is always among those the reader is left with.
        if let value = truths[i][name] {
          #expect(range.0 <= value && range.1.map { value <= $0 } ?? true, "generated\(i) \(name)")
        }
      }
    }
    // The tables were small enough to need hiding.
    #expect(hidden > 300)
  }

  /// The attacker finds a leak when there is one: the old rule (one extra cell per column)
  /// left 1, 1 and 20 with a total of 22, which pins both small counts.
  @Test func theAttackerSeesALeak() throws {
    var view = AttackerView(under: 5)
    view.figures = ["a": .hidden("<5"), "b": .hidden("<5"), "c": .shown(20), "t": .shown(22)]
    view.relations = [(["a", "b", "c"], ["t"])]
    let answer = try AttackerView.solve([view])[0]
    #expect(view.leaks(answer) == ["a in 1...1", "b in 1...1"])
  }

  @Test func aTotalOfSmallCountsLeavesThemUnpinned() throws {
    let session = Session(store: nil, options: ReportFixture.options())
    try session.run(
      """
      report ones {
        table "T" with total = [{k: "a", n: 1}, {k: "b", n: 20}, {k: "c", n: 1}]
        suppress under 5
      }
      report few {
        table "U" with total = [{k: "a", n: 1}, {k: "b", n: 0}, {k: "c", n: 1}]
        suppress under 5
      }
      """, file: "ones.peer")
    var results: [ReportResult] = []
    for call in ["ones.run()", "few.run()"] {
      guard case .host(let h)? = try session.run(call, file: "run"), let r = h as? ReportValue else {
        throw TestFailure("no report")
      }
      results.append(r.result)
    }
    let t = try #require(results[0].table("T"))
    // The 20 is withheld as well, and the total is then no help.
    #expect(t.rows.map { $0[1] } == [.suppressed(under: 5), .withheld, .suppressed(under: 5)])
    #expect(t.total?[1] == .int(22))
    // Fewer than 5 in all: "<5" would say 1 to 4 and the total would narrow them, so "[c]".
    let u = try #require(results[1].table("U"))
    #expect(u.rows.map { $0[1] } == [.tooFew, .int(0), .tooFew])
    #expect(u.total?[1] == .tooFew)
    var views: [AttackerView] = []
    for r in results {
      var view = AttackerView(under: 5)
      view.read(r, notCounts: [])
      views.append(view)
    }
    let answers = try AttackerView.solve(views)
    #expect(views[0].leaks(answers[0]) == [])
    #expect(views[1].leaks(answers[1]) == [])
  }

  /// The standard reports that leave the project, each over every month, quarter and financial
  /// year of the demo project,
  /// with the relations a reader knows from their declarations (Examples/reports).
  @Test func theStandardReportsKeepEveryHiddenCountWithinItsProtectionInterval() throws {
    var views: [(String, AttackerView)] = []
    var quarters: [String] = []
    var months: [String] = []
    // Every month and quarter the demo (two years to 2026-11-20) has records in.
    for year in 2024...2026 {
      for month in 1...12 where (year > 2024 || month >= 10) && (year < 2026 || month <= 11) {
        let m = "\(year)-\(month < 10 ? "0" : "")\(month)-01"
        months.append("month(\(m))")
        if month % 3 == 1 { quarters.append("quarter(\(m))") }
      }
    }
    for q in quarters {
      let r = try ReportFixture.run("quarterly.run(\(q))")
      var v = AttackerView(under: 5)
      v.read(
        r, notCounts: ["median_days", "average_days", "minutes", "hours"],
        grouped: [
          "Referrals by source", "Referrals accepted and declined", "Contacts by kind",
          "Volunteer hours by site",
        ])
      let referred = v.textFigures[0]
      v.relations.append((v.column("Referrals by source", "referrals", in: r), [referred]))
      v.relations.append(([referred], ["Referrals accepted and declined|Total|referrals"]))
      v.relations.append(
        ([v.textFigures[1]], ["Days from referral to match, matches begun this quarter|0|matches"]))
      // Matches with a first contact are among the matches begun.
      v.ranges.append(
        (["Days from match to first contact|0|matches": 1, v.textFigures[1]: -1], nil, 0))
      let contacts = v.textFigures[3]
      v.relations.append(([contacts], ["Contacts by kind|Total|contacts"]))
      v.relations.append(([contacts], ["Volunteer hours by site|Total|contacts"]))
      // The quarter's months that have begun by the fixture's today (2026-11-20) end the chart.
      let chart = try #require(r.charts.first { $0.title.hasPrefix("Contacts by month") })
      let months = v.column(chart.title, "contacts", in: r)
      let begun = q == "quarter(2026-10-01)" ? 2 : 3
      v.relations.append((Array(months.suffix(begun)), [contacts]))
      v.sortedDescending(v.column("Referrals by source", "referrals", in: r))
      v.sortedDescending(v.column("Contacts by kind", "contacts", in: r))
      views.append(("quarterly \(q)", v))
    }
    // Every financial year the demo touches.
    let years = ["financial_year(2024-04-01)", "financial_year(2025-04-01)", "financial_year(2026-04-01)"]
    for period in quarters + months + years {
      let reach = try ReportFixture.run("reach.run(\(period))")
      var v = AttackerView(under: 5)
      v.read(
        reach, notCounts: [],
        grouped: [
          "Mothers supported by first language", "Mothers supported by vulnerability",
          "Mothers supported by area",
        ])
      v.relations.append(([v.textFigures[0]], ["Mothers supported by first language|Total|mothers"]))
      v.relations.append(([v.textFigures[0]], ["Mothers supported by area|Total|mothers"]))
      v.sortedDescending(v.column("Mothers supported by first language", "mothers", in: reach))
      let tags = v.column("Mothers supported by vulnerability", "mothers", in: reach)
      v.sortedDescending(tags)
      for tag in tags { v.ranges.append(([tag: 1, v.textFigures[0]: -1], nil, 0)) }
      views.append(("reach \(period)", v))

      let support = try ReportFixture.run("support_given.run(\(period))")
      var s = AttackerView(under: 5)
      s.read(
        support, notCounts: [],
        grouped: ["Contacts by element of support", "Signposting by service category"])
      let elements = s.column("Contacts by element of support", "contacts", in: support)
      s.sortedDescending(elements)
      for e in elements { s.ranges.append(([e: 1, s.textFigures[0]: -1], nil, 0)) }
      s.sortedDescending(s.column("Signposting by service category", "signposts", in: support))
      views.append(("support_given \(period)", s))

      let endings = try ReportFixture.run("endings_summary.run(\(period))")
      var e = AttackerView(under: 5)
      e.read(
        endings, notCounts: ["median_weeks", "average_weeks", "contacts_per_match"],
        grouped: ["Endings by reason", "Planned and unplanned endings"])
      let ended = e.textFigures[0]
      let reasons = e.column("Endings by reason", "endings", in: endings)
      if !reasons.isEmpty { e.relations.append((reasons, [ended])) }
      e.sortedDescending(reasons)
      e.relations.append(([ended], ["Planned and unplanned endings|Total|endings"]))
      e.relations.append(([ended], ["Length of support and contacts per match|0|matches"]))
      if e.textFigures.count > 1 {
        let planned = try #require(endings.table("Planned and unplanned endings")).rows.firstIndex {
          $0[0].text == "planned"
        }
        e.percent(
          e.textFigures[1], part: planned.map { "Planned and unplanned endings|\($0)|endings" }, whole: ended)
      }
      views.append(("endings_summary \(period)", e))
    }
    let answers = try AttackerView.solve(views.map(\.1))
    var hidden = 0
    for ((name, view), answer) in zip(views, answers) {
      #expect(view.leaks(answer) == [], "\(name)")
      hidden += answer.count
    }
    // Monthly figures are small: plenty was hidden, so the check had work to do.
    #expect(hidden > 100)
  }
}

extension DisclosureTests {
  @Test func roundingToFiveFollowsNHSDigital() throws {
    let session = Session(store: nil, options: ReportFixture.options())
    try session.run(
      """
      let rows = [
        {k: "a", n: 3, average_days: 4.5}, {k: "b", n: 7, average_days: 2.0},
        {k: "c", n: 12, average_days: 3.0}, {k: "d", n: 0, average_days: nil},
      ]
      report rounded {
        text "{rows | sum .n} referrals; {percent(12, rows | sum .n)} from midwives."
        table "T" with total = rows
        suppress under 5 except average_days round to 5
      }
      """, file: "rounded.peer")
    guard case .host(let h)? = try session.run("rounded.run()", file: "run"), let r = h as? ReportValue else {
      throw TestFailure("no report")
    }
    let t = try #require(r.result.table("T"))
    #expect(t.rows.map { $0[1] } == [.belowThreshold, .rounded(5), .rounded(10), .rounded(0)])
    // The total is rounded from its own true value (22), not summed from the rounded rows.
    #expect(t.total?[1] == .rounded(20))
    // Averages of fewer than 8 people are not shown.
    #expect(t.rows.map { $0[2] } == [.tooFew, .tooFew, .number(3.0), .empty])
    // Percentages from the rounded figures: 10 of 20.
    #expect(r.result.sections.first == .text("20 referrals; 50% from midwives."))
    let text = ReportFormat.table.render(r.result)
    #expect(text.contains("Counts are rounded to the nearest 5; * marks a count under 5."))
    #expect(text.contains("[c] marks an average, median or share of fewer than 8 people."))
    // Rounded figures are numbers for tools; the legend says how they were rounded.
    let json = ReportFormat.json.render(r.result)
    #expect(json.contains("{\"k\": \"b\", \"n\": 5, \"average_days\": \"[c]\"}"))
    #expect(json.contains("\"legend\": [\"Counts are rounded to the nearest 5; * marks a count under 5.\""))
  }

  /// The first column counts too when it holds counts; `keep` names figures not about people.
  @Test func whatCountsPeopleIsDeclared() throws {
    let session = Session(store: nil, options: ReportFixture.options())
    try session.run(
      """
      report declared {
        table "Matches" = [{matches: 3, median_weeks: 12, services: 2}]
        table "Volunteers" = [{name: "Ann", capacity: 3, mothers: 2}, {name: "Bea", capacity: 4, mothers: 4}]
        suppress under 5 except median_weeks keep services, capacity
      }
      """, file: "declared.peer")
    guard case .host(let h)? = try session.run("declared.run()", file: "run"), let r = h as? ReportValue
    else {
      throw TestFailure("no report")
    }
    #expect(r.result.table("Matches")?.rows == [[.suppressed(under: 5), .tooFew, .int(2)]])
    #expect(r.result.table("Volunteers")?.rows.map { $0[1] } == [.int(3), .int(4)])
    #expect(
      r.result.table("Volunteers")?.rows.map { $0[2] } == [.suppressed(under: 5), .suppressed(under: 5)])
  }

  @Test func aShareIsHiddenWhenItsPartOrTheRestIsSmall() throws {
    let session = Session(store: nil, options: ReportFixture.options())
    try session.run(
      """
      report shares {
        text "{percent(7, 12)} planned; {percent(11, 12)} by midwives; {percent(1, 2)} of two."
        suppress under 5
      }
      """, file: "shares.peer")
    guard case .host(let h)? = try session.run("shares.run()", file: "run"), let r = h as? ReportValue else {
      throw TestFailure("no report")
    }
    // 7 and 5 of 12 give nothing away; 11 of 12 gives the 1 other away, 1 of 2 the 1.
    #expect(r.result.sections.first == .text("58% planned; [c]% by midwives; [c]% of two."))
    #expect(ReportFormat.table.render(r.result).contains("[c] marks a figure about fewer than 5 people"))
  }

  /// The audit's bounds are over whole numbers: x + y = 1, y + z = 1, x + z = 1 + w has real
  /// solutions for every w from 0 to 1, but whole ones only for w = 1.
  @Test func theAuditBoundsAreWholeNumbers() {
    var lp = LinearBounds(lower: [0, 0, 0, 0], upper: [nil, nil, nil, 1])
    lp.constraints = [
      .init(coefficients: [0: 1, 1: 1], relation: .equal, rhs: 1),
      .init(coefficients: [1: 1, 2: 1], relation: .equal, rhs: 1),
      .init(coefficients: [0: 1, 2: 1, 3: -1], relation: .equal, rhs: 1),
    ]
    guard case .optimal(let relaxed, _) = lp.relaxed(minimising: 3, sign: 1) else {
      Issue.record("the relaxation has a solution")
      return
    }
    #expect(relaxed == 0)
    #expect(lp.range(of: 3).map { [$0.lower, $0.upper] } == [1, 1])
    #expect(lp.range(of: 0).map { [$0.lower, $0.upper] } == [1, 1])
    // Unbounded above, and no solution at all.
    var open = LinearBounds(lower: [0, 5], upper: [4, nil])
    open.constraints = [.init(coefficients: [0: 1, 1: -1], relation: .atMost, rhs: 0)]
    #expect(open.range(of: 1).map { [$0.lower, $0.upper] } == [5, nil])
    open.constraints.append(.init(coefficients: [1: 1], relation: .equal, rhs: 2))
    #expect(open.range(of: 0) == nil)
  }

  /// The suppression and its audit, timed beside the quarterly report that needs them.
  @Test func theAuditCostsLittleBesideTheReport() throws {
    let clock = ContinuousClock()
    let call = "quarterly.run(quarter(2026-07-01))"
    var runs: [Swift.Duration] = []
    for _ in 0..<3 { runs.append(try clock.measure { _ = try ReportFixture.run(call) }) }
    // The same report without its `suppress` line gives the true figures to protect.
    let source = try FileSystem.read(ReportFixture.repository + "/Examples/reports/quarterly.peer")
    let block = source[source.range(of: "report quarterly(")!.lowerBound...]
    let open = String(block).replacing("report quarterly(", with: "report quarterly_open(")
      .split(separator: "\n").filter { !$0.contains("suppress under") }.joined(separator: "\n")
    _ = try ReportFixture.lock.locked { try ReportFixture.made.session.run(open, file: "open.peer") }
    let truth = try ReportFixture.run("quarterly_open.run(quarter(2026-07-01))")
    let texts = truth.sections.flatMap { section -> [TextFigure] in
      guard case .text(let s) = section else { return [] }
      return s.split(separator: " ").compactMap { Int($0) }.map { .count($0) }
    }
    let suppression = Suppression(under: 5, except: ["median_days", "average_days", "minutes", "hours"])
    var audits: [Swift.Duration] = []
    for _ in 0..<3 {
      var copy = truth
      audits.append(clock.measure { suppression.apply(to: &copy, texts: texts) })
    }
    func seconds(_ d: Swift.Duration) -> Double {
      Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
    let audit = audits.map(seconds).min()!
    let whole = runs.map(seconds).min()!
    print("disclosure audit: \(audit) s of a \(whole) s quarterly run (\(audit / whole * 100)%)")
    #expect(audit < whole / 10)
  }
}

/// Every format shows the cells of the one result model: the same figures, the same hidden ones.
@Suite("Disclosure in every format", .serialized)
struct DisclosureFormatTests {
  /// Each table's (and chart's) rows, Total row included, as the model says they read.
  static func modelRows(_ r: ReportResult, readable: Bool = false) -> [[String]] {
    r.sections.flatMap { section -> [[String]] in
      let t: ReportTable
      switch section {
      case .table(let x): t = x
      case .chart(let c): t = c.table
      case .text: return []
      }
      return (t.rows + (t.total.map { [$0] } ?? [])).map { row in row.map { readable ? $0.readable : $0.text }
      }
    }
  }

  static func csvRows(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    for line in text.split(separator: "\n") {
      var cells: [String] = []
      var cell = ""
      var quoted = false
      var chars = Array(line)
      var i = 0
      while i < chars.count {
        let c = chars[i]
        if quoted {
          if c == "\"" {
            if i + 1 < chars.count && chars[i + 1] == "\"" {
              cell.append("\"")
              i += 1
            } else {
              quoted = false
            }
          } else {
            cell.append(c)
          }
        } else if c == "\"" {
          quoted = true
        } else if c == "," {
          cells.append(cell)
          cell = ""
        } else {
          cell.append(c)
        }
        i += 1
      }
      chars = []
      cells.append(cell)
      rows.append(cells)
    }
    return rows
  }

  static func markdownRows(_ text: String) -> [[String]] {
    text.split(separator: "\n").filter { $0.hasPrefix("| ") }.map { line in
      line.dropFirst(2).dropLast(2).components(separatedBy: " | ").map { cell in
        var s = cell.replacing("**", with: "")
        var out = ""
        var escaped = false
        for c in s {
          if c == "\\" && !escaped {
            escaped = true
            continue
          }
          escaped = false
          out.append(c)
        }
        s = out
        return s
      }
    }
  }

  static func htmlRows(_ text: String) -> [[String]] {
    var rows: [[String]] = []
    for line in text.split(separator: "\n") where line.hasPrefix("<tr") || line.hasPrefix("<tfoot><tr") {
      guard line.contains("<td") else { continue }
      var cells: [String] = []
      var rest = line[...]
      while let open = rest.firstRange(of: "<td") {
        let afterTag = rest[open.upperBound...].firstIndex(of: ">")!
        let close = rest[afterTag...].firstRange(of: "</td>")!
        cells.append(
          String(rest[rest.index(after: afterTag)..<close.lowerBound]).replacing("&lt;", with: "<")
            .replacing("&gt;", with: ">").replacing("&quot;", with: "\"").replacing("&#39;", with: "'")
            .replacing("&amp;", with: "&"))
        rest = rest[close.upperBound...]
      }
      rows.append(cells)
    }
    return rows
  }

  @Test(arguments: [
    "endings_summary.run(month(2026-02-01))", "reach.run(month(2025-06-01))",
    "quarterly.run(month(2024-12-01))",
  ])
  func everyFormatHidesTheSameCells(call: String) throws {
    let r = try ReportFixture.run(call)
    let model = Self.modelRows(r)
    #expect(model.joined().contains { ["<5", "*", "[c]"].contains($0) }, "something is hidden")
    // CSV: each block's title line and header line, then its rows (every table here has two
    // columns or more, so a one-field line is a title).
    let headers = r.sections.compactMap { s -> [String]? in
      switch s {
      case .table(let t): return t.columns
      case .chart(let c): return c.table.columns
      case .text: return nil
      }
    }
    let csv = Self.csvRows(ReportFormat.csv.render(r)).filter { $0.count > 1 && !headers.contains($0) }
    #expect(csv == model)
    // Markdown: the pipe tables, headings dropped.
    let md = Self.markdownRows(ReportFormat.md.render(r)).filter { row in
      !headers.contains { $0.map(ReportTable.heading) == row }
    }
    #expect(md == model)
    // HTML: the tables' cells (with thousands separators); charts' figures are tables too.
    let html = ReportFormat.html.render(r)
    #expect(Self.htmlRows(html) == Self.modelRows(r, readable: true))
    // SVG: each bar's or point's tooltip says what the chart's table says.
    for chart in r.charts {
      for (i, category) in chart.categories.enumerated() {
        for series in chart.series {
          let title = "<title>\(category), \(series.name): \(series.values[i].readable)</title>"
          #expect(
            html.contains(title.replacing("<5", with: "&lt;5").replacing("'", with: "&#39;")), "\(title)")
        }
      }
    }
    // The terminal: each table row's cells in order on one line.
    let terminal = ReportFormat.table.render(r).split(separator: "\n")
    for case .table(let t) in r.sections {
      for row in t.rows {
        #expect(
          terminal.contains { line in
            var rest = line[...]
            for cell in row.map(\.text) {
              guard let found = rest.firstRange(of: cell) else { return false }
              rest = rest[found.upperBound...]
            }
            return true
          }, "\(t.title): \(row.map(\.text))")
      }
    }
    // JSON: hidden figures as their symbols, the others as numbers.
    let json = ReportFormat.json.render(r)
    for row in model {
      for cell in row where ["<5", "*", "[c]"].contains(cell) { #expect(json.contains("\"\(cell)\"")) }
    }
    // The texts read the same in every format.
    for case .text(let s) in r.sections {
      #expect(ReportFormat.table.render(r).contains(s))
      #expect(json.contains(JSONText.quote(s)))
    }
  }
}
