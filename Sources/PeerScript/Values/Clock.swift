import PeerCalendar

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The one clock. Every notion of "today" in peer is a session's `today` (`Interpreter.today`):
/// the day given with `--today` or `--as-of`, or else the machine's date read here, once, when
/// the session starts. Nothing else reads the wall clock for a date, so a test that fixes its
/// day is not tied to the day it was written (CI runs the suite at a shifted date to prove it).
public enum Clock {
  /// The machine's date in its local time zone.
  public static func systemToday() -> CivilDate {
    var t = time(nil)
    var parts = tm()
    localtime_r(&t, &parts)
    return CivilDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
  }

  /// The given day, or the machine's.
  public static func today(given: CivilDate?) -> CivilDate { given ?? systemToday() }

  /// Milliseconds on a monotonic clock (it never goes back, and has nothing to do with the
  /// date), for scripts that time themselves with `now()`: only differences mean anything, so
  /// `--today` has nothing to change and a test can rely on nothing but `later >= earlier`.
  public static func milliseconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_MONOTONIC, &t)
    return Double(t.tv_sec) * 1000 + Double(t.tv_nsec) / 1_000_000
  }
}
