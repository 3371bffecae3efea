import PeerCalendar

/// date + duration: months first, then days (as PostgreSQL does); nil when the result falls
/// outside the years 1 to 9999.
public func addDuration(_ date: Int32, _ d: Duration, sign: Int = 1) -> Int32? {
  var result = Int(date)
  if d.months != 0 {
    guard let c = CivilDate(days: date).addingMonthsChecked(Int(d.months) * sign) else { return nil }
    result = Int(c.days)
  }
  result += Int(d.days) * sign
  guard result >= CivilDate.minDays, result <= CivilDate.maxDays else { return nil }
  return Int32(result)
}
