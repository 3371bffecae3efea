import PeerCalendar
import PeerScript

/// Runs an annotated Peer script and compares what happened with its annotations. Shared by the
/// conformance runner (Tests/Scripts/**/*.peer) and the documentation examples (docs/language.md).
///
/// Annotations are comments, anywhere on a line (alone or after code):
///
///     print(1 + 2)            # expect: 3
///     print(1 + 2)            # => 3            (same as expect:, reads better in the docs)
///     # error: 4:7 unknown name "nme"          (compile error or runtime error)
///     # hint: did you mean "name"?            (the hint of the error just above)
///     # runtime-error: 2:9 division by zero: 1 / 0
///     # expect-test-fail: NAME                (a `test "NAME" {}` block that must fail)
///     # max-steps: 100000   # max-depth: 50   (budgets for this script)
///     # today: 2026-11-30                     (the day this script runs on; else 2026-11-26)
///
/// `# expect:` lines, in order, must equal the printed output lines exactly. `# error:` lines
/// list every compile diagnostic in order (position and message, compared exactly), or the one
/// runtime error; the output printed before a runtime error must still match the expect lines.
/// After a successful run, every `test` block runs and must pass unless named by
/// `# expect-test-fail:`.
public struct ScriptExpectations: Sendable {
  public struct ExpectedError: Sendable, CustomStringConvertible {
    var line: Int
    var column: Int
    var message: String
    var hint: String?
    /// Declared with `# runtime-error:`: a compile error does not satisfy it.
    var runtimeOnly: Bool
    /// Line of the annotation itself, for failure messages.
    var annotationLine: Int

    public var description: String {
      "\(line):\(column) \(message)" + (hint.map { " (hint: \($0))" } ?? "")
    }
  }

  public var output: [String] = []
  public var errors: [ExpectedError] = []
  var failingTests: Set<String> = []
  var maxSteps: Int?
  var maxDepth: Int?
  var today: CivilDate?
  /// Annotations that could not be read (a typo in a test should fail loudly, not pass).
  var problems: [String] = []

  public init(parsing text: String) {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    for (i, raw) in lines.enumerated() {
      let lineNumber = i + 1
      guard let hash = Self.commentStart(raw) else { continue }
      let comment = raw[raw.index(after: hash)...].drop { $0 == " " }
      func value(after tag: String) -> String? {
        guard comment.hasPrefix(tag) else { return nil }
        var rest = comment.dropFirst(tag.count)
        if rest.first == " " { rest = rest.dropFirst() }
        var s = String(rest)
        while s.hasSuffix("\r") { s.removeLast() }
        return s
      }
      if let v = value(after: "expect:") ?? value(after: "=>") {
        output.append(v)
      } else if let v = value(after: "error:") {
        addError(v, runtimeOnly: false, line: lineNumber)
      } else if let v = value(after: "runtime-error:") {
        addError(v, runtimeOnly: true, line: lineNumber)
      } else if let v = value(after: "hint:") {
        if let last = errors.indices.last, errors[last].annotationLine == lineNumber - 1,
          errors[last].hint == nil
        {
          errors[last].hint = v
        } else {
          problems.append("line \(lineNumber): \"# hint:\" must come on the line right after \"# error:\"")
        }
      } else if let v = value(after: "expect-test-fail:") {
        failingTests.insert(v)
      } else if let v = value(after: "max-steps:") {
        if let n = Int(v.trimmed) {
          maxSteps = n
        } else {
          problems.append("line \(lineNumber): bad max-steps")
        }
      } else if let v = value(after: "max-depth:") {
        if let n = Int(v.trimmed) {
          maxDepth = n
        } else {
          problems.append("line \(lineNumber): bad max-depth")
        }
      } else if let v = value(after: "today:") {
        if let d = CivilDate.parseISO(v.trimmed) {
          today = d
        } else {
          problems.append("line \(lineNumber): bad today")
        }
      }
    }
  }

  private mutating func addError(_ v: String, runtimeOnly: Bool, line: Int) {
    let parts = v.split(separator: " ", maxSplits: 1)
    let place = parts.first.map { $0.split(separator: ":") } ?? []
    guard parts.count == 2, place.count == 2, let l = Int(place[0]), let c = Int(place[1]) else {
      problems.append("line \(line): expected \"# error: LINE:COL MESSAGE\", got \"\(v)\"")
      return
    }
    errors.append(
      ExpectedError(
        line: l, column: c, message: String(parts[1]), hint: nil, runtimeOnly: runtimeOnly,
        annotationLine: line))
  }

  /// Where the comment of a line starts: the first `#` outside a text literal.
  static func commentStart(_ line: Substring) -> Substring.Index? {
    var inText = false
    var depth = 0  // `{...}` inside text is code, where quotes open nested text
    var i = line.startIndex
    while i < line.endIndex {
      let c = line[i]
      if inText {
        if c == "\\" {
          i = line.index(after: i)
          if i == line.endIndex { break }
        } else if c == "\"" && depth == 0 {
          inText = false
        } else if c == "{" {
          depth += 1
        } else if c == "}" && depth > 0 {
          depth -= 1
        }
      } else if c == "\"" {
        inText = true
        depth = 0
      } else if c == "#" {
        return i
      }
      i = line.index(after: i)
    }
    return nil
  }
}

extension String {
  var trimmed: String {
    var s = Substring(self)
    while let f = s.first, f.isWhitespace { s.removeFirst() }
    while let l = s.last, l.isWhitespace { s.removeLast() }
    return String(s)
  }
}

/// What runs a checked script: the language alone, or (in PeerCoreTests) a session on a store.
public struct ScriptHost {
  public var run: (String, String) throws -> Void
  public var runTests: ((TestResult) -> Void) throws -> (passed: Int, failed: Int)

  public init(
    run: @escaping (String, String) throws -> Void,
    runTests: @escaping ((TestResult) -> Void) throws -> (passed: Int, failed: Int)
  ) {
    self.run = run
    self.runTests = runTests
  }

  public static func language(_ options: InterpreterOptions) -> ScriptHost {
    let interpreter = Interpreter(options: options)
    return ScriptHost(
      run: { source, file in try interpreter.run(source, file: file) },
      runTests: { interpreter.runTests(report: $0) })
  }
}

/// The outcome of checking one script: every mismatch, described for a person.
public struct ScriptCheck {
  public var failures: [String] = []
  public var output: [String] = []
  public var testsRun = 0

  /// Runs `source` (named `file` in messages) and compares the result with its annotations.
  public init(
    source: String, file: String, today: CivilDate = CivilDate(year: 2026, month: 11, day: 26),
    host makeHost: (InterpreterOptions) -> ScriptHost = ScriptHost.language
  ) {
    let expected = ScriptExpectations(parsing: source)
    failures += expected.problems
    final class Buffer { var lines: [String] = [] }
    let buffer = Buffer()
    var options = InterpreterOptions()
    options.today = expected.today ?? today
    options.output = { text in
      buffer.lines += text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
    if let n = expected.maxSteps { options.maxSteps = n }
    if let n = expected.maxDepth { options.maxDepth = n }
    let host = makeHost(options)

    var compileDiagnostics: [Diagnostic]?
    var runtimeError: RuntimeError?
    do {
      try host.run(source, file)
    } catch let error as CompileError {
      compileDiagnostics = error.diagnostics
    } catch let error as RuntimeError {
      runtimeError = error
    } catch {
      failures.append("unexpected Swift error: \(error)")
    }
    output = buffer.lines

    // Output, up to the error if there was one.
    if output != expected.output {
      failures.append(
        "output differs\n--- expected\n\(expected.output.joined(separator: "\n"))\n--- got\n\(output.joined(separator: "\n"))\n---"
          + Self.firstDifference(expected.output, output))
    }

    if let diagnostics = compileDiagnostics {
      if expected.errors.isEmpty {
        failures.append("did not compile:\n" + diagnostics.map(\.description).joined(separator: "\n"))
      } else {
        if diagnostics.count != expected.errors.count {
          failures.append(
            "expected \(expected.errors.count) error(s), got \(diagnostics.count):\n"
              + diagnostics.map { "  \($0.position) \($0.message)" }.joined(separator: "\n"))
        }
        for (e, d) in zip(expected.errors, diagnostics) {
          if e.runtimeOnly {
            failures.append("expected a runtime error \(e), got the compile error \(d.position) \(d.message)")
          }
          Self.compare(e, position: d.position, message: d.message, hint: d.hint, into: &failures)
        }
      }
    } else if let error = runtimeError {
      if expected.errors.count != 1 {
        failures.append(
          expected.errors.isEmpty
            ? "unexpected runtime error:\n\(error.description)"
            : "expected \(expected.errors.count) errors, got one runtime error:\n\(error.description)")
      }
      if let e = expected.errors.first, let position = error.position {
        Self.compare(e, position: position, message: error.message, hint: error.hint, into: &failures)
      } else if error.position == nil {
        failures.append("the runtime error has no position: \(error.message)")
      }
    } else {
      if !expected.errors.isEmpty {
        failures.append(
          "expected error(s) did not happen: " + expected.errors.map(\.description).joined(separator: "; "))
      }
      var failed: [String: String] = [:]
      var passed: Set<String> = []
      do {
        _ = try host.runTests { result in
          if result.passed { passed.insert(result.name) } else { failed[result.name] = result.message ?? "" }
        }
      } catch {
        failures.append("the tests could not run: \(error)")
      }
      testsRun = passed.count + failed.count
      for (name, message) in failed.sorted(by: { $0.key < $1.key })
      where !expected.failingTests.contains(name) {
        failures.append("test \"\(name)\" failed: \(message)")
      }
      for name in expected.failingTests.sorted() where failed[name] == nil {
        failures.append(
          passed.contains(name) ? "test \"\(name)\" passed but should fail" : "no test named \"\(name)\"")
      }
    }
  }

  static func compare(
    _ e: ScriptExpectations.ExpectedError, position: SourcePosition, message: String, hint: String?,
    into failures: inout [String]
  ) {
    if position.line != e.line || position.column != e.column || message != e.message {
      failures.append(
        "expected error \(e.line):\(e.column) \(e.message)\n           got \(position) \(message)")
    }
    if let expectedHint = e.hint, expectedHint != hint {
      failures.append("expected hint \"\(expectedHint)\", got \(hint.map { "\"\($0)\"" } ?? "no hint")")
    }
  }

  static func firstDifference(_ a: [String], _ b: [String]) -> String {
    for i in 0..<max(a.count, b.count) {
      let x = i < a.count ? a[i] : "<nothing>"
      let y = i < b.count ? b[i] : "<nothing>"
      if x != y { return "\nfirst difference at output line \(i + 1):\n  expected: \(x)\n  got:      \(y)" }
    }
    return ""
  }
}

/// One fenced example of a docs page, named in test output by its page and line.
/// One script file a test runs: its name as shown (relative to Tests/Scripts, say
/// "closures/counter.peer") and its path.
/// (CustomStringConvertible, not Testing's protocol: this target is built in release builds
/// too, where the Testing module is not there; tests show the description all the same.)
public struct ScriptFile: Sendable, CustomStringConvertible {
  public let name: String
  public let path: String
  public var description: String { name }

  public init(name: String, path: String) {
    self.name = name
    self.path = path
  }
}

public struct DocBlock: Sendable, CustomStringConvertible {
  public let page: String
  /// Line of the opening fence.
  public let line: Int
  public let source: String
  public var description: String { "\(page):\(line)" }

  /// The ```peer blocks of `text`, the contents of `page`.
  public static func all(of page: String, text: String) -> [DocBlock] {
    markdownBlocks(text).map { DocBlock(page: page, line: $0.line, source: $0.source) }
  }
}

/// The fenced blocks of a Markdown text whose info string is `info` (```peer), each with the line
/// its code starts on: how every page of docs/ has its examples run.
public func markdownBlocks(_ text: String, info: String = "peer") -> [(line: Int, source: String)] {
  var found: [(line: Int, source: String)] = []
  var current: [Substring]?
  var start = 0
  for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
    let bare = line.drop(while: { $0 == " " })
    if current == nil {
      if bare == "```" + info {
        current = []
        start = i + 1
      }
    } else if bare == "```" {
      found.append((start, current!.joined(separator: "\n") + "\n"))
      current = nil
    } else {
      current!.append(line)
    }
  }
  return found
}
