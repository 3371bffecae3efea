/// Calendar arithmetic on days since 1970-01-01, without Foundation (whose Calendar is slow
/// and whose import costs start-up time). Algorithms from Howard Hinnant's "chrono-compatible
/// low-level date algorithms".
public struct CivilDate: Hashable, Sendable {
  public var year: Int
  public var month: Int
  public var day: Int

  public init(year: Int, month: Int, day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  public init(days: Int32) {
    let z = Int(days) + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    day = doy - (153 * mp + 2) / 5 + 1
    month = mp < 10 ? mp + 3 : mp - 9
    year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  }

  /// Days since 1970-01-01; the date must be valid (see `isValid`).
  public var days: Int32 {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = month > 2 ? month - 3 : month + 9
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return Int32(era * 146_097 + doe - 719_468)
  }

  public static func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  public var isValid: Bool {
    (1...9999).contains(year) && (1...12).contains(month)
      && (1...CivilDate.daysInMonth(year: year, month: month)).contains(day)
  }

  public var iso: String {
    func pad(_ n: Int, _ w: Int) -> String {
      let s = String(n)
      return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
    }
    return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
  }

  /// Parses `YYYY-MM-DD`; nil unless it is a real calendar date.
  public static func parseISO(_ s: String) -> CivilDate? {
    let parts = s.split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
      let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
    else { return nil }
    let c = CivilDate(year: y, month: m, day: d)
    return c.isValid ? c : nil
  }

  /// Adds calendar months, clamping the day to the end of a shorter month (Jan 31 + 1 month =
  /// Feb 28/29).
  public func addingMonths(_ n: Int) -> CivilDate {
    let total = year * 12 + (month - 1) + n
    let y = total >= 0 ? total / 12 : (total - 11) / 12
    let m = total - y * 12 + 1
    return CivilDate(year: y, month: m, day: min(day, CivilDate.daysInMonth(year: y, month: m)))
  }

  /// `addingMonths`, or nil when the result falls outside the years 1 to 9999.
  public func addingMonthsChecked(_ n: Int) -> CivilDate? {
    let (total, o) = (year * 12 + (month - 1)).addingReportingOverflow(n)
    guard !o, total >= 12, total < 10_000 * 12 else { return nil }
    return addingMonths(n)
  }

  /// The first and last days a date can be (0001-01-01 and 9999-12-31), as days since 1970.
  public static let minDays = Int(CivilDate(year: 1, month: 1, day: 1).days)
  public static let maxDays = Int(CivilDate(year: 9999, month: 12, day: 31).days)

  /// Monday = 1 ... Sunday = 7 (ISO 8601).
  public var weekday: Int {
    let d = Int(days)
    let w = (d + 3) % 7  // 1970-01-01 was a Thursday
    return (w < 0 ? w + 7 : w) + 1
  }

}
