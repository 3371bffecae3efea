import PeerCalendar
import PeerScript
import PeerStore
import PeerTestSupport
import Testing

@testable import PeerCore

#if canImport(Glibc)
  import Glibc
#endif

/// The `where` stages the store runs (PushedFilter) must give exactly what the VM gives:
/// many generated conditions are run both ways over the demo project and compared,
/// errors included.
@Suite("Pipelines pushed into the store")
struct PushdownTests {
  /// The demo's deterministic generator, so a failure can be replayed.
  typealias Generator = SplitMix64

  static let kinds: [RecordKind] = [.mother, .volunteer, .match, .visit, .ending, .service]

  /// Constants worth comparing a field with: its choices, values from the data, nil, and
  /// values of the wrong type (which the store must refuse, leaving the VM's answer).
  static func constants(for spec: FieldSpec, samples: [StoredRecord]) -> [String] {
    var out = ["nil"]
    switch spec.type {
    case .text:
      out += spec.choices.prefix(4).map { "\"\($0)\"" } + ["\"\"", "3"]
      for r in samples.prefix(3) { if case .text(let t)? = r.fields[spec.name] { out.append("\"\(t)\"") } }
    case .int: out += ["0", "1", "2", "3", "30", "60", "2.5", "\"2\""]
    case .bool: out += ["true", "false", "1"]
    case .date:
      out += [
        "today", "today - 21 days", "2026-04-01", "this_quarter.start", "date(2025, 12, 31)",
        "\"2026-04-01\"",
      ]
      for r in samples.prefix(2) {
        if case .date(let d)? = r.fields[spec.name] { out.append(CivilDate(days: d).iso) }
      }
    default: break
    }
    return out
  }

  static func condition(
    _ g: inout Generator, _ kind: RecordKind, _ samples: [StoredRecord], depth: Int = 0
  ) -> String {
    let plain = kind.fields.filter { [.text, .int, .bool, .date].contains($0.type) }
    let roll = g.next() % 10
    if depth < 2 && roll < 3 {
      let a = condition(&g, kind, samples, depth: depth + 1)
      let b = condition(&g, kind, samples, depth: depth + 1)
      return "(\(a)) \(g.pick(["and", "or"])) (\(b))"
    }
    if depth < 2 && roll == 3 { return "not (\(condition(&g, kind, samples, depth: depth + 1)))" }
    let spec = g.pick(plain)
    let field = "." + spec.name
    if roll == 4 && spec.type == .date {
      return
        "\(field) in \(g.pick(["this_quarter", "last_month", "financial_year(2026)", "between(2026-01-01, 2026-06-30)"]))"
    }
    if roll == 5 {
      let values = constants(for: spec, samples: samples).filter { $0 != "nil" }
      return "\(field) in [\(g.pick(values)), \(g.pick(values))]"
    }
    let op = g.pick(["==", "!=", "<", "<=", ">", ">="])
    let value = g.pick(constants(for: spec, samples: samples))
    // Both orders: the shape flips `constant < .field`.
    return g.next() % 4 == 0 ? "\(value) \(op) \(field)" : "\(field) \(op) \(value)"
  }

  static func outcome(_ p: TestProject, _ source: String, pushdown: Bool) -> String {
    p.session.bridge!.pushdown = pushdown
    do { return try p.run(source).map { "\($0)" } ?? "nil" } catch { return "error: \(error)" }
  }

  /// The store worked out the aggregates of each of `pushed` and none of `inTheVM`, and every
  /// answer is the VM's (those pushed are not errors).
  static func expectAggregates(_ p: TestProject, pushed: [String], inTheVM: [String]) {
    for source in pushed {
      let before = p.session.bridge!.pushedAggregates
      let fast = outcome(p, source, pushdown: true)
      #expect(p.session.bridge!.pushedAggregates > before, "not pushed: \(source)")
      #expect(fast == outcome(p, source, pushdown: false), "\(source)")
      #expect(!fast.hasPrefix("error"), "\(source): \(fast)")
    }
    for source in inTheVM {
      let before = p.session.bridge!.pushedAggregates
      let fast = outcome(p, source, pushdown: true)
      #expect(p.session.bridge!.pushedAggregates == before, "pushed: \(source)")
      #expect(fast == outcome(p, source, pushdown: false), "\(source)")
    }
  }

  /// The store took the `where` stages of `source`, and the answer is the VM's (not an error).
  static func expectPushedAndTheSame(_ p: TestProject, _ source: String) {
    let before = p.session.bridge!.pushedFilters
    let fast = outcome(p, source, pushdown: true)
    #expect(p.session.bridge!.pushedFilters > before, "not pushed: \(source)")
    #expect(fast == outcome(p, source, pushdown: false), "\(source)")
    #expect(!fast.hasPrefix("error"), "\(source): \(fast)")
  }

  @Test(arguments: StoreUnderTest.allCases) func generatedConditionsGiveTheSameRecordsBothWays(
    _ backing: StoreUnderTest
  ) throws {
    let p = try TestProject.demo(on: backing, seed: 11)
    var g = Generator(seed: 2026)
    var pushed = 0
    for round in 0..<72 {
      let kind = Self.kinds[round % Self.kinds.count]
      let samples = try p.store.read { try Array($0.all(kind).prefix(5)) }
      let cond = Self.condition(&g, kind, samples)
      // `count` uses the store's count(*), `map .id` its select; a second `where` narrows.
      let tail = g.pick(["| count", "| map .id", "| where .id != nil | count", "| take 5 | map .id"])
      let source = "\(kind.plural) | where \(cond) \(tail)"
      let before = p.session.bridge!.pushedFilters
      let fast = Self.outcome(p, source, pushdown: true)
      if p.session.bridge!.pushedFilters > before { pushed += 1 }
      let slow = Self.outcome(p, source, pushdown: false)
      #expect(fast == slow, "\(source)")
    }
    // The comparison means something only if the store took a good share of them.
    #expect(pushed >= 18, "only \(pushed) of 72 conditions were run by the store")
  }

  @Test(arguments: StoreUnderTest.allCases) func periodsAndListsRunInTheStore(_ backing: StoreUnderTest)
    throws
  {
    let p = try TestProject.demo(on: backing, seed: 3)
    let sources = [
      "visits | where .date in this_quarter | count",
      "visits | where .date in financial_year(2026) and .kind == \"phone\" | count",
      "mothers | where .status in [\"active\", \"waiting\"] | count",
      "matches | where .status == \"active\" and not (.started_on < today - 90 days) | map .id",
      // Through references: the record referred to is asked the rest.
      "visits | where .match.started_on in this_quarter | count",
      "visits | where .mother.site == \"Hackney\" and not (.volunteer.status in [\"left\", \"paused\"]) | count",
      "endings | where .match.mother.referrer != \"GP\" | map .id",
      "matches | where .mother.due_date == nil | count",
      // An ordering on a field that may be empty, once the condition has made sure it is not.
      "mothers | where .birth_date != nil and .birth_date <= today - 8 weeks | count",
      "mothers | where .due_date == nil or .due_date > today | count",
      "mothers | where not (.birth_date != nil and (.birth_date < 2026-01-01 or .birth_date > today)) | count",
      // A date field moved by days or weeks and compared: the store compares the field itself.
      "mothers | where .status in [\"referred\", \"waiting\"] and today - .referral_date > 28 days | count",
      "mothers | where .birth_date != nil and today >= .birth_date + 8 weeks | count",
      "visits | where .date + 2 weeks >= today | count",
      "visits | where 2 weeks + .date < today and .date - 2026-01-01 < 30 days | count",
      "visits | where .date - 3 days != 2026-10-01 | count",
      "visits | where today - .match.started_on <= 14 days | count",
      // A yes/no field alone is its own condition.
      "endings | where .planned | count",
      "visits | where not .concern and .date in this_quarter | count",
      "endings | where .match.mother.consent | map .id",
    ]
    for source in sources { Self.expectPushedAndTheSame(p, source) }
  }

  @Test(arguments: StoreUnderTest.allCases) func conditionsTheStoreCannotRunStayInTheVM(
    _ backing: StoreUnderTest
  ) throws {
    let p = try TestProject.demo(on: backing, seed: 5)
    // The active match (worked out, not stored), a function call on the item, an ordering on
    // a field that may be empty.
    for source in [
      "mothers | where .match.status == \"active\" | count",
      "mothers | where len(.name) > 5 | count",
      "mothers | where .due_date < today | count",
      // Months move dates by different numbers of days; a due date may be empty.
      "visits | where .date + 1 month > today | count",
      "mothers | where today - .due_date > 0 days | count",
    ] {
      let before = p.session.bridge!.pushedFilters
      _ = Self.outcome(p, source, pushdown: true)
      #expect(p.session.bridge!.pushedFilters == before, "pushed: \(source)")
    }
  }

  /// `group ... | aggregates` and aggregates over stored records, worked out by one scan in
  /// the store (AggregateScan), against the VM's answer over the same records.
  @Test(arguments: StoreUnderTest.allCases) func groupsAndAggregatesGiveTheSameAnswersBothWays(
    _ backing: StoreUnderTest
  ) throws {
    let p = try TestProject.demo(on: backing, seed: 7)
    let sources = [
      "visits | group [.match.mother.site, month(.date)] | count, sum(.minutes)",
      "mothers | group [.status, .referrer] | count",
      "mothers | group .referrer | count as referrals | sort .referrals desc",
      "mothers | group .referrer as source | count, share",
      "mothers | where .referral_date in financial_year(2025) | group .language | count, share",
      "visits | where .date in this_quarter | sum(.minutes / 60)",
      "visits | where .date in this_quarter | count, sum(.minutes), avg(.minutes), min(.date), max(.date), median .minutes",
      "visits | group by month(.date) over financial_year(2026) | count, share",
      "visits | where .date in financial_year(2026) | group by quarter(.date) | count, sum(.minutes)",
      "visits | group .volunteer.site | count, sum(.minutes) / 60 as hours, median .minutes",
      "visits | group .kind | count, sum(.minutes), avg .minutes, first .date, last .minutes, count .concern",
      "visits | group [.kind, .concern] | count, max(.minutes)",
      "endings | group .reason | count, avg(.feedback), min(.mother.referral_date)",
      "endings | group [.planned, financial_year(.date)] | count",
      "matches | group .mother.referrer | count, median .started_on",
      "volunteers | group .status | count, sum(.capacity), sum(.capacity * 2 - 1)",
      "mothers | group .due_date | count",
      "mothers | group by month(.due_date) | count",
      "visits | where .date > today | group .kind | count, sum(.minutes)",
      "visits | group .notes | count",
      "mothers | group .name | median .name",
      "visits | group .kind | sum(.minutes // 7), sum(.minutes % 7)",
      "visits | where .match.started_on in this_quarter | group .match.id | min(.date), min(.match.started_on)",
      // A condition through a record the grouping joins anyway reads the joined row: negated,
      // two references deep, beside a plain field.
      "visits | where not (.match.started_on in this_quarter) | group .match.id | count, min(.match.started_on)",
      "visits | where .match.mother.site == \"Hackney\" | group .match.mother.site | count",
      "visits | where .match.status == \"active\" or .kind == \"phone\" | group [.match.status, .kind] | count",
      "endings | where not (.match.mother.referrer != \"GP\") | group [.match.mother.referrer, .planned] | count",
      "matches | where .mother.referrer != \"GP\" | group [.mother.referrer, .status] | count",
      "visits | group .volunteer.id | count",
      "matches | group .id | count",
      "visits | group .mother.id | count",
      "mothers | group each .vulnerabilities as vulnerability | count, share, min(.referral_date)",
      "visits | where .date in this_quarter | group each .support | count, sum(.minutes)",
      "volunteers | group each .languages | count",
      "volunteers | where .status == \"active\" | group .site | sum .open_matches, sum(.capacity - .open_matches)",
      "visits | group .kind | count, count distinct .match.id as matches, count distinct .volunteer.site",
      "endings | count, median(weeks_between(.match.started_on, .date)), avg(.match.visits | count)",
      "endings | group .reason | avg(len(.match.visits)), max(len(.match.endings))",
      "matches | group .status | avg(.visits | where .kind == \"home\" | count), max(.endings | count)",
      "mothers | where .due_date != nil | group .referrer | avg(weeks_pregnant(.due_date, .referral_date))",
      "endings | group .reason | sum(days_between(.match.started_on, .date)), min(age_in_weeks(.match.mother.birth_date, .date))",
      "matches | group .volunteer.site | sum(days_between(.started_on, 2026-11-26))",
    ]
    var pushed = 0
    for source in sources {
      let before = p.session.bridge!.pushedAggregates
      let fast = Self.outcome(p, source, pushdown: true)
      if p.session.bridge!.pushedAggregates > before { pushed += 1 }
      let slow = Self.outcome(p, source, pushdown: false)
      #expect(fast == slow, "\(source)")
    }
    // Medians of dates and texts, and an age before birth, are errors the VM reports;
    // `.volunteer.id` and `.mother.id` of a visit go through two references: these five stay
    // in the VM.
    #expect(pushed >= sources.count - 5, "only \(pushed) of \(sources.count) were run by the store")
    // On a server the plain groupings (field paths and periods; count, sum, avg, min, max,
    // count distinct of numbers and dates) are one GROUP BY; SQLite's scan reads rows instead.
    let grouped = p.session.bridge!.groupedInDatabase
    if backing == .postgres {
      #expect(grouped >= 12, "only \(grouped) of \(sources.count) were grouped by the server")
    } else {
      #expect(grouped == 0)
    }
  }

  /// Texts the language sees as one but the database tells apart (a precomposed "é" and an
  /// "e" with a combining accent) are one group, as in the VM; a distinct count over such
  /// groups is left to the scan.
  @Test(arguments: StoreUnderTest.allCases) func textsTheSameButForTheirNormalFormAreOneGroup(
    _ backing: StoreUnderTest
  ) throws {
    let p = try TestProject.demo(on: backing, seed: 3)
    _ = try p.run(
      """
      M-0001.language = "Fran\u{E7}ais"
      M-0002.language = "Franc\u{0327}ais"
      M-0003.language = "Franc\u{0327}ais"
      """)
    for source in [
      "mothers | group .language | count, min(.referral_date), max(.referral_date)",
      "mothers | group [.language, .status] | count",
      "mothers | group .language | count distinct .referral_date",
    ] {
      let fast = Self.outcome(p, source, pushdown: true)
      #expect(fast == Self.outcome(p, source, pushdown: false), "\(source)")
      #expect(fast.contains("Fran\u{E7}ais"), "\(source): \(fast)")
    }
  }

  /// Counting related records in a condition (`(.visits | where ... | count) == 0`) runs in
  /// the store as a subquery, for every comparison.
  @Test(arguments: StoreUnderTest.allCases) func relatedCountsRunInTheStore(_ backing: StoreUnderTest) throws
  {
    let p = try TestProject.demo(on: backing, seed: 9)
    let forms: [(String, Int) -> String] = [
      { op, n in
        "matches | where .status == \"active\" | where (.visits | where .date > today - 21 days | count) \(op) \(n) | count"
      },
      { op, n in "matches | where (.visits | count) \(op) \(n) | map .id" },
      { op, n in "mothers | where (.matches | where .status == \"ended\" | count) \(op) \(n) | count" },
      { op, n in "volunteers | where not ((.matches | count) \(op) \(n)) | count" },
      { op, n in "matches | where (.endings | where .date < 2026-04-01 | count) \(op) \(n) | count" },
      { op, n in "matches | where .status == \"active\" and len(.visits) \(op) \(n) | count" },
    ]
    var round = 0
    for op in ["==", "!=", "<", "<=", ">", ">="] {
      for n in [0, 1, 3] {
        // Each comparison once, the forms in turn (the VM's side of some is slow).
        round += 1
        Self.expectPushedAndTheSame(p, forms[round % forms.count](op, n))
      }
    }
  }

  /// Data another program wrote (a date that is not a date, text in a number field): the
  /// store's scan gives the question back and the VM answers as it always did, error and all.
  /// (SQLite only: the odd data is written with the sqlite3 shell, behind peer's back.)
  @Test func oddDataGivesTheVMsAnswer() throws {
    let p = try TestProject.demo(seed: 6)
    guard let shell = popen("sqlite3 '\(p.path)'", "w") else { throw TestFailure("cannot start sqlite3") }
    fputs(
      "UPDATE visits SET date = '26/11/2026' WHERE id = 5; UPDATE visits SET minutes = 'lots' WHERE id = 7;\n",
      shell)
    #expect(pclose(shell) == 0)
    for source in [
      "visits | group by month(.date) | count",
      "visits | group .kind | min(.date)",
      "visits | group .kind | sum(.minutes)",
      "visits | where .id != nil | count",
    ] {
      let fast = Self.outcome(p, source, pushdown: true)
      #expect(fast == Self.outcome(p, source, pushdown: false), "\(source)")
    }
    // What the odd rows do not touch is still worked out by the store.
    let before = p.session.bridge!.pushedAggregates
    let kinds = Self.outcome(p, "visits | group .kind | count", pushdown: true)
    #expect(p.session.bridge!.pushedAggregates > before)
    #expect(kinds == Self.outcome(p, "visits | group .kind | count", pushdown: false))
  }

  /// A `map` whose entries the store can read, before an aggregate (or a group and an
  /// aggregate), is worked out with them by the store; anything else about the map (an entry
  /// nothing reads, one the store cannot read, a map after a list) leaves it to the VM.
  @Test(arguments: StoreUnderTest.allCases) func aMapBeforeAnAggregateGivesTheSameAnswersBothWays(
    _ backing: StoreUnderTest
  ) throws {
    let p = try TestProject.demo(on: backing, seed: 5)
    let pushed = [
      "matches | where .started_on in financial_year(2026) | map {days: days_between(.mother.referral_date, .started_on)} | count as matches, median .days, avg .days",
      "visits | map {hours: .minutes / 60, site: .volunteer.site} | group .site | count, sum .hours",
      "visits | map {month: month(.date), m: .minutes} | group .month | count, sum(.m * 2), max .m",
      "mothers | map {referrer: .referrer, status: .status} | group [.referrer, .status] | count",
      "endings | map {weeks: weeks_between(.match.started_on, .date)} | median .weeks",
      "matches | map {n: len(.visits)} | group .n | count",
      "mothers | map {outcome: (if .status == \"declined\" { \"no\" } else { \"yes\" })} | group .outcome | count",
      "matches | map {n: (.visits | where .kind == \"home\" | count)} | sum .n",
    ]
    let inTheVM = [
      // `.minutes // 0` is never read: the VM stops on it.
      "visits | map {hours: .minutes / 60, never: .minutes // 0} | sum .hours",
      "visits | map {m: .minutes} | group .kind | count",
      "[{a: 1}, {a: 2}] | map {b: .a} | sum .b",
      "fn days_between(a, b) { 0 }\nmatches | map {d: days_between(.started_on, .started_on)} | sum .d",
    ]
    Self.expectAggregates(p, pushed: pushed, inTheVM: inTheVM)
  }

  /// A function of the script's own whose body is an `if` over its one parameter's fields and
  /// literals (FunctionShape.swift) is worked out by the store where it is called in a `map`
  /// entry, a `group` key or an aggregate: the referral outcome of the quarterly report reads
  /// one column, not every mother. Anything else in the body leaves it to the VM.
  @Test(arguments: StoreUnderTest.allCases) func aScriptsOwnSimpleFunctionIsWorkedOutByTheStore(
    _ backing: StoreUnderTest
  ) throws {
    let p = try TestProject.demo(on: backing, seed: 6)
    let outcome = """
      fn outcome(m) {
        if m.status == "declined" {
          "declined"
        } else if m.status == "referred" or m.status == "assessed" {
          "not yet decided"
        } else {
          "accepted"
        }
      }
      """
    let pushed = [
      outcome
        + "\nmothers | where .referral_date in financial_year(2026) | map {outcome: outcome(it)} | group .outcome | count",
      outcome + "\nmothers | map {outcome: outcome(it), s: .site} | group [.outcome, .s] | count",
      "fn band(v) { if v.minutes < 30 { \"short\" } else if v.minutes < 60 { \"medium\" } else { \"long\" } }\nvisits | group band(it) | count, sum(.minutes)",
      "fn site_of(m) { m.site }\nmatches | group site_of(.mother) | count",
      "fn north(m) { if m.mother.site in [\"Bradford\", \"Sheffield\"] { true } else { false } }\nmatches | group north(it) | count",
      "fn since(v) { if v.date >= 2026-04-01 { 2026-04-01 } else { nil } }\nvisits | group since(it) | count",
      "fn late(v) { if v.date > 2026-06-30 { 1 } else { 0 } }\nvisits | sum late(it)",
      // No `else`: nil when the condition fails, as the VM gives.
      "fn declined(m) { if m.status == \"declined\" { \"no\" } }\nmothers | group declined(it) | count",
      "fn open(m) { if m.status in [\"referred\", \"assessed\"] { \"open\" } else { \"other\" } }\nmothers | group open(it) | count",
      "fn worry(v) { if not v.concern { \"fine\" } else { -1 } }\nvisits | group worry(it) | count",
      "fn negative(v) { if v.minutes > 45 and v.kind != \"phone\" { 0 - v.minutes } else { v.minutes * 2 } }\nvisits | group .kind | sum negative(it)",
    ]
    let inTheVM = [
      // A name other than the parameter would be looked up where the stage runs.
      "let cut = 30\nfn short(v) { if v.minutes < cut { \"short\" } else { \"long\" } }\nvisits | group short(it) | count",
      // A call, two statements, two parameters.
      "fn m2(v) { month(v.date) }\nvisits | group m2(it) | count",
      "fn two(v) {\n  let x = v.minutes\n  x * 2\n}\nvisits | sum two(it)",
      "fn both(v, w) { v.minutes }\nvisits | sum both(it, 1)",
    ]
    // An ordering of an empty date of birth stops the VM; the store gives the same error.
    let stops =
      "fn early(m) { if m.birth_date < 1990-01-01 { \"early\" } else { \"late\" } }\nmothers | group early(it) | count"
    Self.expectAggregates(p, pushed: pushed, inTheVM: inTheVM)
    // On a server, a grouping by such an `if` with constant values is one GROUP BY of a CASE.
    let grouped = p.session.bridge!.groupedInDatabase
    #expect(Self.outcome(p, pushed[0], pushdown: true) == Self.outcome(p, pushed[0], pushdown: false))
    #expect(p.session.bridge!.groupedInDatabase == grouped + (backing == .postgres ? 1 : 0))
    let stopped = Self.outcome(p, stops, pushdown: true)
    #expect(stopped.hasPrefix("error"), "\(stopped)")
    #expect(stopped == Self.outcome(p, stops, pushdown: false))
  }

  /// A script's own `month` (or `len`) is not the built-in: the VM runs it.
  @Test(arguments: StoreUnderTest.allCases) func aRedefinedPeriodFunctionStaysInTheVM(
    _ backing: StoreUnderTest
  ) throws {
    let p = try TestProject.demo(on: backing, seed: 4)
    let source = "fn month(d) { d.year }\nvisits | group month(.date) | count"
    let before = p.session.bridge!.pushedAggregates
    let fast = Self.outcome(p, source, pushdown: true)
    #expect(p.session.bridge!.pushedAggregates == before)
    #expect(fast == Self.outcome(p, source, pushdown: false))
    // Nor is a script's own `len` a count of related records.
    let own = "fn len(x) { 0 }\nmatches | where len(.visits) == 0 | count"
    let filtersBefore = p.session.bridge!.pushedFilters
    let answer = Self.outcome(p, own, pushdown: true)
    #expect(p.session.bridge!.pushedFilters == filtersBefore)
    #expect(answer == Self.outcome(p, own, pushdown: false))
  }
}
