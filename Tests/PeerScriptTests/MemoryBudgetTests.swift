import PeerScript
import Testing

/// Built-ins whose result grows with their input charge the memory budget before making it:
/// a result far past the budget is refused at once, not made (nor a trap on a size that
/// overflows). The budget is on the whole process, so each case asks for gigabytes.
@Suite("Memory budget of built-ins")
struct MemoryBudgetTests {
  static let message = "memory budget exhausted: this would use more than 1024 MB"

  func error(_ source: String) -> RuntimeError? {
    var options = InterpreterOptions()
    options.maxMemoryBytes = 1 << 30
    options.output = { _ in }
    return runtimeError(Interpreter(options: options), source)
  }

  @Test(
    arguments: [
      "let x = [1] * 1000000000000000000",  // its size in bytes overflows
      "let x = list(1..99999999)",
      "let x = 1..99999999 | map it",
      "let x = list(range(0, 149999999, 2))",
      "var s = \"abcdefgh\"\nfor i in 1..22 { s = s + s }\nlet x = split(s, \"\")",
      "var s = \"abcdefgh\"\nfor i in 1..22 { s = s + s }\nlet x = list(s)",
    ])
  func refusedBeforeItIsMade(_ source: String) throws {
    let e = try #require(error(source))
    #expect(e.message == Self.message)
    #expect(e.isFatal)
  }

  /// Counting a range does not make it into a list.
  @Test func lenOfALongRange() throws {
    var options = InterpreterOptions()
    options.maxMemoryBytes = 1 << 30
    #expect(try Interpreter(options: options).run("len(1..99999999)", file: "t.peer") == .int(99_999_999))
  }
}
