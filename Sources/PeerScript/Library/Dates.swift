import PeerCalendar

/// Dates, durations and the periods funders report by (UK financial year: 1 April - 31 March).
extension Library {
  func registerDates(today: CivilDate) {
    let todayDays = today.days
    constant("today", .date(todayDays), "today - today's date (set with --today for tests and replays)")
    constant(
      "this_month", Library.month(containing: todayDays), "this_month - the period of the current month")
    constant(
      "this_quarter", Library.quarter(containing: todayDays),
      "this_quarter - the current UK financial quarter (Q1 is April-June)")
    constant(
      "this_year", Library.financialYear(startingIn: Library.financialYearStart(todayDays)),
      "this_year - the current UK financial year (1 April - 31 March)")
    constant(
      "last_month", Library.month(containing: CivilDate(days: todayDays).addingMonths(-1).days),
      "last_month - the period of the previous month")
    constant(
      "last_quarter", Library.quarter(containing: CivilDate(days: todayDays).addingMonths(-3).days),
      "last_quarter - the previous UK financial quarter")
    // Weeks start on Monday, as UK rotas and the weekday field (Monday is 1) do.
    constant(
      "this_week", Library.week(containing: todayDays), "this_week - the current week, Monday to Sunday")
    constant(
      "last_week", Library.week(containing: todayDays - 7), "last_week - the previous week, Monday to Sunday")
    constant(
      "next_week", Library.week(containing: todayDays + 7), "next_week - the coming week, Monday to Sunday")
    define(
      "now", 0, "now() - a clock in milliseconds for timing a script: now() - start is the time taken"
    ) { _ in
      .float(Clock.milliseconds())
    }

    define("date", 1...3, "date(y, m, d) - a date; date(\"2026-04-01\") reads ISO or UK dd/mm/yyyy text") {
      args in
      if args.count == 1 {
        let s = try args.string(0)
        guard let d = Library.parseDate(s) else {
          throw RuntimeError(
            "cannot read \(quote(s)) as a date", hint: "write dates as 2026-04-01 or 01/04/2026")
        }
        return .date(d)
      }
      guard args.count == 3 else {
        throw RuntimeError("date takes a year, a month and a day: date(2026, 4, 1)")
      }
      let c = CivilDate(year: try args.int(0), month: try args.int(1), day: try args.int(2))
      guard c.isValid else { throw RuntimeError("\(args[0])-\(args[1])-\(args[2]) is not a real date") }
      return .date(c.days)
    }
    define("parse_date", 1, "parse_date(text) - the date in ISO (2026-04-01) or UK (01/04/2026) form, or nil")
    { args in
      Library.parseDate(try args.string(0)).map { .date($0) } ?? .null
    }
    define(
      "format_date", 1...2,
      "format_date(date, style) - \"iso\" (2026-04-01), \"uk\" (01/04/2026) or \"long\" (1 April 2026)"
    ) { args in
      let c = CivilDate(days: try args.date(0))
      let style = args.count > 1 ? try args.string(1) : "iso"
      func pad(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
      switch style {
      case "iso": return .text(c.iso)
      case "uk": return .text("\(pad(c.day))/\(pad(c.month))/\(c.year)")
      case "long": return .text("\(c.day) \(Library.monthNames[c.month - 1]) \(c.year)")
      default:
        throw RuntimeError("unknown date style \(quote(style))", hint: "use \"iso\", \"uk\" or \"long\"")
      }
    }
    for (name, unit, per) in [("days", 0, 1), ("weeks", 1, 7)] {
      define(
        name, 1, "\(name)(d) - a duration as a whole number of \(name); \(name)(n) - n \(name) as a duration"
      ) { args in
        switch args[0] {
        case .duration(let d):
          let days = Int(d.days) + Int((Double(d.months) * 30.436875).rounded(.towardZero))
          return .int(days / per)
        case .int: return try Operations.makeDuration(args[0], unit: unit)
        default: throw args.typeError(0, expected: "a duration or a whole number")
        }
      }
    }
    define("months", 1, "months(n) - n months as a duration; months(d) - a duration in whole months") {
      args in
      if case .duration(let d) = args[0] { return .int(Int(d.months) + Int(d.days) / 30) }
      return try Operations.makeDuration(.int(try args.int(0)), unit: 2)
    }
    define("years", 1, "years(n) - n years as a duration; years(d) - a duration in whole years") { args in
      if case .duration(let d) = args[0] { return .int((Int(d.months) + Int(d.days) / 365 * 12) / 12) }
      return try Operations.makeDuration(.int(try args.int(0)), unit: 3)
    }
    define("weeks_between", 2, "weeks_between(a, b) - whole weeks from date a to date b") { args in
      Library.weeksBetween(try args.date(0), try args.date(1))
    }
    // Age-like durations for funders' questions. Both take nil (an unknown date) and give nil,
    // so a pipeline over mothers with no due date recorded does not stop.
    define(
      "weeks_pregnant", 2,
      "weeks_pregnant(due_date, on) - whole weeks of pregnancy on a date, counted from the due date (40 weeks)"
    ) { args in
      if args[0].isNull || args[1].isNull { return .null }
      return Library.weeksPregnant(try args.date(0), try args.date(1))
    }
    define(
      "age_in_weeks", 2,
      "age_in_weeks(birth_date, on) - a baby's age in whole weeks on a date (nil if unknown)"
    ) { args in
      if args[0].isNull || args[1].isNull { return .null }
      return try Library.ageInWeeks(try args.date(0), try args.date(1))
    }
    define("days_between", 2, "days_between(a, b) - days from date a to date b") { args in
      Library.daysBetween(try args.date(0), try args.date(1))
    }
    define("add_months", 2, "add_months(date, n) - the same day n months later (clamped to the month's end)")
    { args in
      let n = try args.int(1)
      guard let c = CivilDate(days: try args.date(0)).addingMonthsChecked(n) else {
        throw RuntimeError("add_months(\(args[0]), \(n)) is not a date: dates run from the year 1 to 9999")
      }
      return .date(c.days)
    }
    define(
      "financial_year", 1,
      "financial_year(date or year) - the UK financial year (1 April - 31 March) containing the date, or starting in April of the year"
    ) { args in
      switch args[0] {
      case .int(let y):
        guard (1...9998).contains(y) else {
          throw RuntimeError("financial_year(\(y)): the year must be between 1 and 9998")
        }
        return Library.financialYear(startingIn: y)
      case .date(let d): return Library.financialYear(startingIn: Library.financialYearStart(d))
      default: throw args.typeError(0, expected: "a date or a year")
      }
    }
    define("quarter", 1, "quarter(date) - the UK financial quarter containing the date (Q1 = April-June)") {
      args in
      Library.quarter(containing: try args.date(0))
    }
    define("month", 1, "month(date) - the calendar month containing the date, as a period") { args in
      Library.month(containing: try args.date(0))
    }
    define("between", 2, "between(a, b) - the period from date a to date b, both included") { args in
      let a = try args.date(0)
      let b = try args.date(1)
      return .range(
        RangeObject(
          lower: .date(a), upper: .date(b), label: "\(CivilDate(days: a).iso) to \(CivilDate(days: b).iso)"))
    }
  }

  static let monthNames = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
  ]

  static func parseDate(_ s: String) -> Int32? {
    let t = s.trimmingSpaces()
    if let c = CivilDate.parseISO(t) { return c.days }
    let parts = t.split(separator: "/", omittingEmptySubsequences: false)
    if parts.count == 3, let d = Int(parts[0]), let m = Int(parts[1]), let y = Int(parts[2]),
      parts[2].count == 4
    {
      let c = CivilDate(year: y, month: m, day: d)
      if c.isValid { return c.days }
    }
    return nil
  }

  static func financialYearStart(_ d: Int32) -> Int {
    let c = CivilDate(days: d)
    return c.month >= 4 ? c.year : c.year - 1
  }

  static func financialYear(startingIn y: Int) -> Value {
    let lo = CivilDate(year: y, month: 4, day: 1).days
    let hi = CivilDate(year: y + 1, month: 3, day: 31).days
    let short = String((y + 1) % 100)
    return .range(
      RangeObject(
        lower: .date(lo), upper: .date(hi), label: "FY \(y)/\(short.count == 1 ? "0" + short : short)"))
  }

  static func quarter(containing d: Int32) -> Value {
    let c = CivilDate(days: d)
    let fy = financialYearStart(d)
    let q = ((c.month + 8) % 12) / 3 + 1  // April-June = 1
    let startMonth = (q - 1) * 3 + 4
    let start = CivilDate(year: startMonth > 12 ? fy + 1 : fy, month: (startMonth - 1) % 12 + 1, day: 1)
    let end = start.addingMonths(3).days - 1
    let short = String((fy + 1) % 100)
    return .range(
      RangeObject(
        lower: .date(start.days), upper: .date(end),
        label: "Q\(q) \(fy)/\(short.count == 1 ? "0" + short : short)"))
  }

  /// The week (Monday to Sunday) holding the date, labelled by its Monday.
  static func week(containing d: Int32) -> Value {
    let monday = d - Int32(CivilDate(days: d).weekday - 1)
    return .range(
      RangeObject(
        lower: .date(monday), upper: .date(monday + 6), label: "week of \(CivilDate(days: monday).iso)"))
  }

  static func month(containing d: Int32) -> Value {
    let c = CivilDate(days: d)
    let start = CivilDate(year: c.year, month: c.month, day: 1)
    return .range(
      RangeObject(
        lower: .date(start.days), upper: .date(start.addingMonths(1).days - 1),
        label: "\(monthNames[c.month - 1]) \(c.year)"))
  }
}

// The date functions a host may work out per item itself (they read nothing but their
// arguments): the built-ins above and `dateFunction` share these.
extension Library {
  static func daysBetween(_ a: Int32, _ b: Int32) -> Value { .int(Int(b - a)) }
  static func weeksBetween(_ a: Int32, _ b: Int32) -> Value { .int(Int(b - a) / 7) }
  static func weeksPregnant(_ due: Int32, _ on: Int32) -> Value { .int((280 - Int(due - on)) / 7) }

  static func ageInWeeks(_ birth: Int32, _ on: Int32) throws -> Value {
    let days = Int(on - birth)
    guard days >= 0 else {
      throw RuntimeError(
        "age_in_weeks: the date \(Value.date(on)) is before the birth date \(Value.date(birth))",
        hint: "give the birth date first: age_in_weeks(.birth_date, .date)")
    }
    return .int(days / 7)
  }

  /// The functions `dateFunction` knows.
  public static let dateFunctions: Set<String> = [
    "days_between", "weeks_between", "weeks_pregnant", "age_in_weeks",
  ]

  /// `name(a, b)` for one of `dateFunctions`, as the built-in gives it; it throws where the
  /// built-in would stop (then the VM says so, with its own message).
  public static func dateFunction(_ name: String, _ a: Value, _ b: Value) throws -> Value {
    if name == "weeks_pregnant" || name == "age_in_weeks", a.isNull || b.isNull { return .null }
    guard case .date(let x) = a, case .date(let y) = b else {
      throw RuntimeError("\(name) needs two dates")
    }
    switch name {
    case "days_between": return daysBetween(x, y)
    case "weeks_between": return weeksBetween(x, y)
    case "weeks_pregnant": return weeksPregnant(x, y)
    case "age_in_weeks": return try ageInWeeks(x, y)
    default: throw RuntimeError("unknown date function \(name)")
    }
  }
}
