import PeerScript
import Testing

/// The REPL reads another line while the input is an unfinished statement.
@Suite("Interpreter.needsMoreInput")
struct NeedsMoreInputTests {
  @Test(arguments: [
    "1 +", "let x =", "fn f() {", "if x {\n  print(1)", "[1, 2,", "f(1,", "{a: 1,", "xs |",
    "xs\n  | where .a > 1 |",
    "a and", "a or", "not", "x in", "if a { } else", "x ==", "\"abc", "\"abc {", "x.", "1..", "x +=",
    "record P(", "test \"t\" {",
  ])
  func unfinished(_ text: String) {
    #expect(Interpreter.needsMoreInput(text), "should wait for more after: \(text)")
  }

  @Test(arguments: [
    "", "1 + 2", "let x = 1", "fn f() { 1 }", "print(1)", "xs | count", "# just a comment", "}", "x)",
    "\"abc\"", "if a { 1 } else { 2 }", "let s = \"{1 + 1}\"", "\"abc\n\n",
  ])
  func finished(_ text: String) {
    #expect(!Interpreter.needsMoreInput(text), "should run now: \(text)")
  }
}
