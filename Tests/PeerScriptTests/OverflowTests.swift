import PeerScript
import Testing

/// Whole-number, duration and date arithmetic at the edges ends with a script error, never a
/// trap of the process.
@Suite("Overflow")
struct OverflowTests {
  static let small = "(-9223372036854775807 - 1)"
  static let cases: [(String, String)] = [
    ("print(len(list(-9223372036854775807..9223372036854775807)))", "is too long to make into a list"),
    ("print(len(list(\(small)..9223372036854775807)))", "is too long to make into a list"),
    ("print(list(range(\(small), 9223372036854775807, 2)))", "is too long to make into a list"),
    ("print(0..<\(small))", "ends below the smallest whole number"),
    ("print(abs(\(small)))", "is too large for a whole number"),
    ("print(-\(small))", "is too large for a whole number"),
    ("print(\(small) * -1)", "is too large for a whole number"),
    ("print(\(small) // -1)", "is too large for a whole number"),
    ("print(9223372036854775807 + 1)", "is too large for a whole number"),
    ("print(9223372036854775807 days)", "too long for a duration"),
    ("print(days(9223372036854775807))", "too long for a duration"),
    ("print(weeks(1000000000))", "too long for a duration"),
    ("print(2147483647 days + 1 days)", "too long for a duration"),
    ("print((-2147483647 days - 1 days) - 1 days)", "too long for a duration"),
    ("print(-(-2147483647 days - 1 days))", "too long for a duration"),
    ("print(abs(-2147483647 days - 1 days))", "too long for a duration"),
    ("print((-2147483647 days - 1 days) / -1)", "too long for a duration"),
    ("print(1000000000 weeks)", "too long for a duration"),
    ("print(1000000000 years)", "too long for a duration"),
    ("print(2147483647 days * 2)", "too long for a duration"),
    ("print(1 days * 9223372036854775807)", "too long for a duration"),
    ("print(2026-01-01 + 2000000000 days)", "dates run from the year 1 to 9999"),
    ("print(2026-01-01 + 2000000000 months)", "dates run from the year 1 to 9999"),
    ("print(2026-01-01 - 2000000000 months)", "dates run from the year 1 to 9999"),
    ("print(9999-12-31 + 1 days)", "dates run from the year 1 to 9999"),
    ("print(add_months(2026-01-01, 9223372036854775807))", "dates run from the year 1 to 9999"),
    ("print(financial_year(9223372036854775807))", "the year must be between 1 and 9998"),
  ]

  @Test(arguments: cases) func endsWithAnError(_ source: String, _ message: String) throws {
    var options = InterpreterOptions()
    options.output = { _ in }
    let interpreter = Interpreter(options: options)
    do {
      try interpreter.run(source, file: "t.peer")
      Issue.record("\(source) ran without an error")
    } catch {
      #expect("\(error)".contains(message), "\(source): \(error)")
    }
  }

  @Test func hugeDepthIsClamped() throws {
    var options = InterpreterOptions()
    options.maxDepth = Int.max
    options.output = { _ in }
    let interpreter = Interpreter(options: options)
    try interpreter.run("fn f(n) { if n == 0 { 0 } else { f(n - 1) } }\nf(100)", file: "t.peer")
  }
}
