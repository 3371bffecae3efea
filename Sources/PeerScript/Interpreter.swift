import PeerCalendar

/// Options for one interpreter: budgets, today's date, arguments and where output goes.
public struct InterpreterOptions {
  public var maxSteps: Int?
  public var maxDepth: Int = 10_000
  public var maxMemoryBytes: Int = 4 << 30
  /// Overrides today's date (tests, `--today`, replaying a past day).
  public var today: CivilDate?
  /// Visible to scripts as `args`.
  public var arguments: [String] = []
  public var output: (String) -> Void = { print($0) }
  /// How wide `show(x)` draws tables (the terminal's width at the command line).
  public var tableWidth = 100

  public init() {}
}

public struct TestResult {
  public var name: String
  public var file: String
  public var line: Int
  public var passed: Bool
  public var message: String?
}

/// The front door of the language: compile and run scripts against one set of globals.
/// The REPL keeps one Interpreter for its whole session, so definitions persist.
public final class Interpreter {
  let globals: Globals
  public let vm: VM
  /// The session's day: `--today`/`--as-of`, or the machine's date when the session started.
  /// Everything that asks what day it is (forms, lifecycle, workflows, reports) asks this.
  public let today: CivilDate
  let library: Library
  var recordTypes: [String: RecordType] = [:]
  var sources: [String: Source] = [:]
  var tests: [(name: String, file: String, line: Int, body: Value)] = []
  /// How many `test` blocks each file's source holds, as last compiled.
  var declaredTests: [String: Int] = [:]
  /// Whether a `where` on a host value named in a script has its texts checked against the
  /// values the host allows before the script runs (the stage checks again as it runs). A host
  /// turns it off while its own scripts load: a declaration loaded later may add values.
  public var checksAllowedValues = true

  public static let keywords = Array(Lexer.keywords).sorted()
  /// The words the host adds to the syntax (record ids, command statements).
  public var hostSyntax = HostSyntax()
  /// What `help` says about the host's own words (a declaration and its clauses), by word.
  private var topics: [String: [String]] = [:]

  /// Adds what `:help WORD` says about a word the host gives meaning to (`report`, `suppress`).
  public func addHelp(_ word: String, _ text: String) { topics[word, default: []].append(text) }

  /// Every word `help` has something to say about, besides built-ins.
  public var helpTopics: [String] {
    Array(Set(KeywordHelp.keywords.keys).union(KeywordHelp.stages.keys).union(topics.keys)).sorted()
  }
  /// Words that mean something after `|`.
  public static let stageNames =
    ["where", "sort", "take", "skip", "map", "each", "distinct", "group"]
    + AggregateKind.allCases.filter { $0 != .countDistinct }.map(\.rawValue)  // written `count distinct`

  public init(options: InterpreterOptions = .init()) {
    globals = Globals()
    today = Clock.today(given: options.today)
    vm = VM(
      globals: globals,
      budgets: Budgets(
        maxSteps: options.maxSteps, maxDepth: options.maxDepth, maxMemoryBytes: options.maxMemoryBytes),
      output: options.output)
    library = Library(globals: globals)
    library.registerCore(tableWidth: options.tableWidth)
    library.registerLists()
    library.registerText()
    library.registerMaths()
    library.registerDates(today: today)
    Stages.register(in: library)
    library.constant(
      "args", .list(options.arguments.map { Value.text($0) }),
      "args - the arguments given after the script's name")
    library.internal("|register_test", 3) { [unowned self] args in
      self.tests.append((try args.string(0), "", try args.int(2), args[1]))
      return .null
    }
  }

  /// Adds (or replaces) a built-in: how a host such as PeerCore gives scripts its own
  /// functions. A name starting with "|" is internal (`|record` looks up `M-0042`).
  public func define(
    _ name: String, arity: ClosedRange<Int>, doc: String, _ body: @escaping (Arguments) throws -> Value
  ) {
    if name.hasPrefix("|") {
      library.internal(name, arity, body)
    } else {
      library.define(name, arity, doc, body)
    }
  }

  /// Adds (or replaces) a global value with its `:help` text (`mothers`, say).
  public func define(_ name: String, value: Value, doc: String) {
    library.constant(name, value, doc)
  }

  /// Compiles and runs `source`. Returns the value of the last statement when it is a bare
  /// expression (what the REPL prints), else nil.
  @discardableResult
  public func run(_ source: String, file: String) throws -> Value? {
    let (proto, lastValue) = try compile(source, file: file)
    let firstNewTest = tests.count
    defer {
      for i in firstNewTest..<tests.count { tests[i].file = file }
    }
    let result = try execute(proto)
    return lastValue ? result : nil
  }

  /// Compiles without running: every problem in the script.
  public func check(_ source: String, file: String) -> [Diagnostic] {
    // A scratch copy of the globals' names, so checking defines nothing.
    let scratch = Globals()
    for name in globals.names {
      _ = scratch.define(name, mutable: globals.mutable[globals.index[name]!], user: false)
    }
    let src = Source(name: file, text: source)
    let (main, parseErrors) = Parser.parse(src, host: hostSyntax)
    if !parseErrors.isEmpty { return parseErrors }
    let compiler = Compiler(source: src, globals: scratch, recordTypes: recordTypes)
    compiler.recordPrefixes = hostSyntax.recordIDPrefixes
    _ = compiler.compileScript(main)
    return compiler.diagnostics
  }

  /// Compiles `source` without running it, so that the names it defines (functions, variables,
  /// record kinds) are known to later checks and scripts, as nil until something runs them: how
  /// `peer check` learns a project's own names without running its scripts. Returns the
  /// problems found (the names of a script with problems are defined all the same).
  @discardableResult
  public func declare(_ source: String, file: String) -> [Diagnostic] {
    do {
      _ = try compile(source, file: file)
      return []
    } catch let e as CompileError {
      return e.diagnostics
    } catch {
      // compile throws only CompileError; should that change, the problem is still shown.
      return [Diagnostic(file: file, position: SourcePosition(line: 1, column: 1), message: "\(error)")]
    }
  }

  /// Runs only the statements at the top of `source` that declare something: `let` and `var`
  /// (declarations such as `form referral { }` among them), `fn` and `record`. Expressions,
  /// assignments, loops, `if`, `save` and tests are left out: how `peer check` makes a script's
  /// forms, workflows and reports run their load-time checks without doing the script's work.
  /// A script without such a declaration is only compiled. Returns whether anything ran.
  @discardableResult
  public func runDeclaringPart(_ source: String, file: String) throws -> Bool {
    var declares = false
    let (proto, _) = try compile(source, file: file) { main in
      main.body = main.body.filter { stmt in
        switch stmt.kind {
        case .declare(_, _, let value?):
          if case .call(let callee, _) = value.kind, case .name(let name) = callee.kind,
            name.hasPrefix("|declare_")
          {
            declares = true
          }
          return true
        case .declare, .function, .record: return true
        default: return false
        }
      }
    }
    guard declares else { return false }
    _ = try execute(proto)
    return true
  }

  func compile(_ source: String, file: String, keeping: (FunctionDecl) -> Void = { _ in }) throws -> (
    FunctionProto, Bool
  ) {
    let src = Source(name: file, text: source)
    sources[file] = src
    let (main, parseErrors) = Parser.parse(src, host: hostSyntax)
    if !parseErrors.isEmpty { throw CompileError(parseErrors) }
    keeping(main)
    let before = globals.names.count
    let compiler = Compiler(source: src, globals: globals, recordTypes: recordTypes)
    compiler.recordPrefixes = hostSyntax.recordIDPrefixes
    // A script that declares something (a workflow naming statuses of its own) may allow
    // values its host does not know yet.
    compiler.checksAllowedValues = checksAllowedValues && !Compiler.declaresAnything(main)
    guard let (proto, lastValue) = compiler.compileScript(main) else {
      // Names hoisted by a script that did not compile stay defined (as nil); harmless.
      _ = before
      throw CompileError(compiler.diagnostics)
    }
    recordTypes = compiler.recordTypes
    declaredTests[file] = compiler.testsDeclared
    proto.seal()
    return (proto, lastValue)
  }

  func execute(_ proto: FunctionProto) throws -> Value {
    let closure = Closure(proto: proto, cells: [])
    do {
      let result = try vm.call(.closure(closure), [])
      vm.clearStack()
      return result
    } catch var error as RuntimeError {
      vm.reset()
      if let file = error.file, let pos = error.position, let src = sources[file] {
        error.sourceLine = src.line(pos.line)
      }
      throw error
    }
  }

  /// How many `test "name" { }` blocks the source of `file` holds, wherever they stand.
  public func testsDeclared(in file: String) -> Int { declaredTests[file] ?? 0 }

  /// How many `test` blocks running `file` has registered.
  public func testsRegistered(in file: String) -> Int { tests.reduce(0) { $0 + ($1.file == file ? 1 : 0) } }

  /// Runs every `test "name" { }` block registered so far, in order.
  public func runTests(report: (TestResult) -> Void) -> (passed: Int, failed: Int) {
    var passed = 0
    var failed = 0
    for t in tests {
      do {
        _ = try vm.call(t.body, [])
        passed += 1
        report(TestResult(name: t.name, file: t.file, line: t.line, passed: true, message: nil))
      } catch var error as RuntimeError {
        vm.reset()
        if let file = error.file, let pos = error.position, let src = sources[file] {
          error.sourceLine = src.line(pos.line)
        }
        failed += 1
        report(
          TestResult(name: t.name, file: t.file, line: t.line, passed: false, message: error.description))
      } catch {
        failed += 1
        report(TestResult(name: t.name, file: t.file, line: t.line, passed: false, message: "\(error)"))
      }
    }
    return (passed, failed)
  }

  public var globalNames: [String] { globals.names.filter { !$0.hasPrefix("|") } }

  public func global(_ name: String) -> Value? { globals[name] }

  public func setGlobal(_ name: String, _ value: Value) {
    globals.set(name, value, mutable: true, user: true)
  }

  /// Names that can follow `value.` (for completion).
  public func fieldNames(of value: Value) -> [String] {
    switch value {
    case .record(let r): return r.type.fields + (r.type.host?.extraFieldNames(of: r) ?? [])
    case .host(let h): return h.fieldNames
    case .map(let m): return m.textKeys
    case .date: return ["year", "month", "day", "weekday"]
    case .duration: return ["days", "weeks", "months", "years"]
    case .range: return ["start", "end", "label"]
    default: return []
    }
  }

  /// `:help` with no name lists the built-ins; with a name, that one's doc.
  public func help(_ name: String?) -> String? {
    guard let name else {
      let names = library.docs.keys.sorted()
      let words = helpTopics.filter { library.docs[$0] == nil }
      return "Built-in functions and values (:help NAME for one):\n" + names.joined(separator: "  ")
        + "\n\nKeywords, stages and declarations (:help WORD for one):\n" + words.joined(separator: "  ")
    }
    // A word may be several things (`count` is a stage and a host's field, `text` a form's
    // question type and a report's line): each says what it is.
    var parts: [String] = []
    if let doc = library.docs[name] { parts.append(doc) }
    if let doc = KeywordHelp.keywords[name] { parts.append(doc) }
    if let doc = KeywordHelp.stages[name] { parts.append(doc) }
    parts += topics[name] ?? []
    if !parts.isEmpty { return parts.joined(separator: "\n") }
    if let v = globals[name] {
      switch v {
      case .closure(let c):
        return "\(name)(\(c.proto.parameterNames.joined(separator: ", "))) - defined in \(c.proto.file)"
      case .native(let n): return n.doc.isEmpty ? nil : n.doc
      default: return "\(name) = \(v.shortDescription)"
      }
    }
    return nil
  }

  /// Whether the text is an unfinished statement, so the REPL should read another line.
  public static func needsMoreInput(_ source: String) -> Bool {
    let tokens = Lexer.tokenize(source)
    var depth = 0
    var last: Token.Kind?
    for t in tokens {
      switch t.kind {
      case .symbol("("), .symbol("["), .symbol("{"): depth += 1
      case .symbol(")"), .symbol("]"), .symbol("}"): depth -= 1
      case .error(let m) where m.contains("no closing quote") || m.contains("not closed"):
        return !source.hasSuffix("\n\n")
      default: break
      }
      if case .end = t.kind { continue }
      if case .newline = t.kind { continue }
      last = t.kind
    }
    if depth > 0 { return true }
    if case .symbol(let s)? = last,
      [
        "+", "-", "*", "/", "//", "%", "=", "==", "!=", "<", "<=", ">", ">=", "|", ",", ".", "..", "+=", "-=",
        "*=", "/=",
      ].contains(s)
    {
      return true
    }
    if case .keyword(let k)? = last, ["and", "or", "not", "in", "else"].contains(k) { return true }
    return false
  }

  /// Asks a running script to stop; safe to call from a signal handler.
  public static func requestInterrupt() {
    interruptRequested = 1
  }
}
