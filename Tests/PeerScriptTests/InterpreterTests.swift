import PeerCalendar
import PeerScript
import Testing

/// The public API around running scripts: budgets, persistence between runs, tests, help.
/// The runtime error `source` stops with on `interpreter`, or nil (any other error is recorded
/// as a failure): shared by the interpreter's and the budgets' tests.
func runtimeError(_ interpreter: Interpreter, _ source: String) -> RuntimeError? {
  do {
    try interpreter.run(source, file: "t.peer")
    return nil
  } catch let e as RuntimeError {
    return e
  } catch {
    Issue.record("expected a runtime error, got \(error)")
    return nil
  }
}

@Suite("Interpreter")
struct InterpreterTests {
  final class Output { var lines: [String] = [] }

  func make(_ configure: (inout InterpreterOptions) -> Void = { _ in }) -> (Interpreter, Output) {
    let out = Output()
    var options = InterpreterOptions()
    options.today = CivilDate(year: 2026, month: 11, day: 26)
    options.output = { out.lines.append($0) }
    configure(&options)
    return (Interpreter(options: options), out)
  }

  @Test func stepBudgetStopsEndlessLoops() throws {
    let (interpreter, _) = make { $0.maxSteps = 10_000 }
    let e = try #require(runtimeError(interpreter, "var i = 0\nwhile true { i += 1 }"))
    #expect(e.message == "step budget exhausted: the script ran more than 10000 steps")
    #expect(e.isFatal)
    #expect(e.position == SourcePosition(line: 2, column: 1))
  }

  @Test func depthBudgetStopsRecursion() throws {
    let (interpreter, out) = make { $0.maxDepth = 50 }
    let e = try #require(runtimeError(interpreter, "fn f(n) { f(n + 1) }\nf(0)"))
    #expect(e.message == "too much recursion: more than 50 calls deep")
    #expect(e.isFatal)
    #expect(e.trace.count > 40)
    #expect(e.description.contains("stack trace (most recent call first):"))
    #expect(e.description.contains("... "))
    // The interpreter carries on after the error.
    try interpreter.run("print(f)", file: "t.peer")
    #expect(out.lines == ["<fn f>"])
  }

  @Test func defaultDepthDoesNotCrash() throws {
    let (interpreter, _) = make()
    let e = try #require(runtimeError(interpreter, "fn f(n) { 1 + f(n + 1) }\nf(0)"))
    #expect(e.message == "too much recursion: more than 10000 calls deep")
  }

  @Test func recursionThroughBuiltinsDoesNotCrash() throws {
    let (interpreter, _) = make()
    let e = try #require(runtimeError(interpreter, "fn f(n) { sorted([n], fn(x) => f(x + 1)) }\nf(0)"))
    #expect(e.message == "too many nested calls through built-in functions (more than 200)")
  }

  @Test func memoryBudget() throws {
    let (interpreter, _) = make { $0.maxMemoryBytes = 1 << 20 }
    let e = try #require(runtimeError(interpreter, "let xs = [0] * 1000000"))
    #expect(e.message == "memory budget exhausted: this would use more than 1 MB")
    #expect(e.isFatal)
  }

  @Test func definitionsPersistBetweenRuns() throws {
    let (interpreter, _) = make()
    #expect(try interpreter.run("let x = 20\nfn double(n) { n * 2 }", file: "a") == nil)
    #expect(try interpreter.run("double(x) + 2", file: "b") == .int(42))
    #expect(try interpreter.run("var y = 1\ny += x", file: "c") == nil)
    #expect(interpreter.global("y") == .int(21))
    interpreter.setGlobal("z", .text("set from Swift"))
    #expect(try interpreter.run("z", file: "d") == .text("set from Swift"))
    #expect(interpreter.globalNames.contains("double"))
    #expect(!interpreter.globalNames.contains { $0.hasPrefix("|") })
  }

  @Test func compileErrorsCollectEveryProblem() {
    let (interpreter, _) = make()
    do {
      try interpreter.run("print(nme)\nlet a = 1\na = 2", file: "bad.peer")
      Issue.record("should not compile")
    } catch let e as CompileError {
      #expect(
        e.diagnostics.map(\.message) == [
          "unknown name \"nme\"", "cannot assign to \"a\": it was declared with let",
        ])
      #expect(e.diagnostics.allSatisfy { $0.file == "bad.peer" })
    } catch {
      Issue.record("unexpected \(error)")
    }
  }

  /// A script saved on Windows (lines ending "\r\n") runs as the same script saved anywhere
  /// else, and its messages name the same lines and columns and quote the line without "\r".
  @Test func windowsLineEndingsReadAsNewlines() throws {
    let (interpreter, out) = make()
    try interpreter.run(
      "let x = 1\r\n# a comment\r\nif x == 1 {\r\n  print(\"one\")\r\n}\r\nprint(x + 1)\r\n", file: "w.peer")
    #expect(out.lines == ["one", "2"])
    do {
      try interpreter.run("let y = 1\r\nprint(nme)\r\n", file: "w.peer")
      Issue.record("should not compile")
    } catch let e as CompileError {
      #expect(e.diagnostics.map(\.position) == [SourcePosition(line: 2, column: 7)])
      #expect(e.diagnostics.map(\.sourceLine) == ["print(nme)"])
    }
  }

  @Test func checkDefinesNothing() {
    let (interpreter, _) = make()
    #expect(interpreter.check("let fresh = 1\nprint(fresh)", file: "c").isEmpty)
    #expect(interpreter.global("fresh") == nil)
    #expect(interpreter.check("print(nope)", file: "c").map(\.message) == ["unknown name \"nope\""])
  }

  /// `declare` compiles a script without running it: its names are known to later checks.
  @Test func declareDefinesNamesWithoutRunning() {
    let (interpreter, out) = make()
    #expect(
      interpreter.declare("print(\"ran\")\nfn greet(x) { \"hi \" + x }\nlet answer = 42", file: "lib.peer")
        .isEmpty)
    #expect(out.lines.isEmpty)
    #expect(interpreter.check("print(greet(\"Ann\"), answer)", file: "c").isEmpty)
    #expect(interpreter.check("print(greet2)", file: "c").map(\.message) == ["unknown name \"greet2\""])
    // A script with problems reports them, and still defines its names.
    let problems = interpreter.declare("fn later() { nope }", file: "bad.peer")
    #expect(problems.map(\.message) == ["unknown name \"nope\""])
    #expect(interpreter.check("later()", file: "c").isEmpty)
  }

  @Test func runtimeErrorsQuoteTheLine() throws {
    let (interpreter, _) = make()
    let e = try #require(runtimeError(interpreter, "let xs = []\nprint(xs[0])"))
    #expect(e.file == "t.peer")
    #expect(e.sourceLine == "print(xs[0])")
    #expect(e.description.hasPrefix("t.peer:2:9: error: index 0 is out of range for a list of 0 items"))
  }

  @Test func testBlocks() throws {
    let (interpreter, _) = make()
    try interpreter.run(
      "test \"passes\" { assert(1 < 2) }\ntest \"fails\" { assert(1 > 2, \"nope\") }", file: "tests.peer")
    var results: [TestResult] = []
    let counts = interpreter.runTests { results.append($0) }
    #expect(counts.passed == 1 && counts.failed == 1)
    #expect(results.map(\.name) == ["passes", "fails"])
    #expect(results.map(\.file) == ["tests.peer", "tests.peer"])
    #expect(results.map(\.line) == [1, 2])
    #expect(results[1].message?.contains("nope") == true)
  }

  @Test func todayAndArguments() throws {
    let (interpreter, out) = make { $0.arguments = ["a", "b"] }
    try interpreter.run("print(today, this_quarter, args)", file: "t")
    #expect(out.lines == ["2026-11-26 Q3 2026/27 [\"a\", \"b\"]"])
  }

  @Test func help() {
    let (interpreter, _) = make()
    #expect(interpreter.help("len") == "len(x) - the number of items in a list or map, or characters in text")
    #expect(interpreter.help("for")?.hasPrefix("for x in LIST { ... }") == true)
    #expect(interpreter.help("where")?.hasPrefix("xs | where CONDITION") == true)
    #expect(interpreter.help(nil)?.contains("financial_year") == true)
    // A host's own words, and a word that is both: each meaning on its line.
    interpreter.addHelp("where", "where (in a form) - keeps the choices that fit")
    #expect(interpreter.help("where")?.split(separator: "\n").count == 2)
    #expect(interpreter.help(nil)?.contains("Keywords, stages and declarations") == true)
  }
}
