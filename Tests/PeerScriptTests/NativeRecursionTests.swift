import PeerScript
import Testing

/// Sources and values deep enough to overflow the native stack end with an error instead.
@Suite("Native recursion")
struct NativeRecursionTests {
  static let sources: [(String, String)] = [
    ("print(" + Array(repeating: "1", count: 20_000).joined(separator: "+") + ")", "nested too deeply"),
    (
      "print(" + Array(repeating: "true", count: 20_000).joined(separator: " and ") + ")", "nested too deeply"
    ),
    (
      "print(" + String(repeating: "[", count: 20_000) + String(repeating: "]", count: 20_000) + ")",
      "nested too deeply"
    ),
    (
      "print(" + String(repeating: "(", count: 20_000) + "1" + String(repeating: ")", count: 20_000) + ")",
      "nested too deeply"
    ),
    ("let a = [1]\nprint(a" + String(repeating: "[0]", count: 20_000) + ")", "nested too deeply"),
    (
      "var x = 1\n" + String(repeating: "if x == 0 { 1 } else ", count: 20_000) + "{ 2 }", "nested too deeply"
    ),
  ]

  @Test(arguments: sources) func deepSourceIsAnError(_ source: String, _ message: String) throws {
    var options = InterpreterOptions()
    options.output = { _ in }
    let interpreter = Interpreter(options: options)
    do {
      try interpreter.run(source, file: "t.peer")
      Issue.record("ran without an error")
    } catch {
      #expect("\(error)".contains(message), "\(error)")
    }
  }

  @Test func longButReasonableChainsCompile() throws {
    var out: [String] = []
    var options = InterpreterOptions()
    options.output = { out.append($0) }
    let interpreter = Interpreter(options: options)
    let sum = Array(repeating: "1", count: 499).joined(separator: "+")
    try interpreter.run(
      "print(" + String(repeating: "(", count: 190) + sum + String(repeating: ")", count: 190) + ")",
      file: "t.peer")
    #expect(out == ["499"])
  }
}
