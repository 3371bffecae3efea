import PeerScript
import PeerStore

/// One interpreter joined to one project's store: what the REPL, `peer run` and batch jobs
/// use. Every `run` is one transaction: a script that fails leaves the records as they were.
public final class Session {
  public let interpreter: Interpreter
  public let bridge: RecordBridge?
  /// Whether scripts may write files now (`save`), and where: the one file rule.
  public let files = ScriptFiles()
  /// The steps a project script may take while it loads, when no step budget is set: an
  /// endless loop at the top of a `scripts/*.peer` file would otherwise hang every command.
  public var startupSteps = Budgets.unattendedSteps

  /// A session on a store, or on the language alone when `store` is nil.
  public init(store: RecordStore?, options: InterpreterOptions) {
    interpreter = Interpreter(options: options)
    // `M-0042` is a record id in peer's scripts, project or not (without one, it says so), and
    // two REPL commands read as calls: `save _ to "f.csv"`, `suggest M-0042` / `suggest all`.
    interpreter.hostSyntax.recordIDPrefixes = Set(RecordKind.allCases.compactMap(\.idPrefix.first))
    interpreter.hostSyntax.commands = [
      "save": CommandForm(joiners: [.init("to", then: "a file name")], example: "save _ to \"visits.csv\""),
      "suggest": CommandForm(alone: ["all": "suggest_all"], example: "suggest M-0042"),
    ]
    let reports = ReportLibrary.register(in: interpreter, files: files)
    DeclarationHelp.register(in: interpreter)
    if let store {
      let bridge = RecordBridge(store: store)
      Lifecycle.register(in: interpreter, bridge: bridge)
      FormLoader.register(in: interpreter, bridge: bridge)
      Matching.register(in: interpreter, bridge: bridge)
      Workflows.register(in: interpreter, bridge: bridge)
      Roles.register(in: interpreter, bridge: bridge)
      Retention.register(in: interpreter, bridge: bridge)
      ErasureWords.register(in: interpreter, bridge: bridge)
      Restriction.register(in: interpreter, bridge: bridge)
      bridge.reports = reports
      self.bridge = bridge
    } else {
      bridge = nil
      interpreter.define("|record", arity: 1...1, doc: "") { args in
        throw RuntimeError(
          "\(try args.string(0)) names a record, but no project is open",
          hint: "run peer in a project folder, or give --project DIR")
      }
    }
  }

  /// The statuses the project's workflow for `kind` allows, if its scripts declare one: what an
  /// import must check each new record against.
  public func workflowStatuses(for kind: RecordKind) -> WorkflowStatuses? {
    guard let workflow = bridge?.workflows[kind] else { return nil }
    return WorkflowStatuses(
      workflow: workflow.name, names: workflow.statuses,
      guarded: Set(workflow.guards.filter { !$0.value.isEmpty }.keys))
  }

  /// The roles the project's scripts declare, by name, as the stores enforce them.
  public var roles: [String: AccessRole] { bridge?.roles.mapValues(\.access) ?? [:] }

  /// Writes down that one of the project's people was sent these records' sensitive fields
  /// (SensitiveReads); set by the command line for a person on a server.
  public var auditSensitiveReads: (([String]) throws -> Void)?

  /// The person this session's commands run as (nil: the owner, or a project without people).
  public var person: Person? {
    get { bridge?.me.person }
    set { bridge?.me.person = newValue }
  }

  /// Compiles and runs a script in one transaction; returns its last expression's value.
  @discardableResult
  public func run(_ source: String, file: String) throws -> Value? {
    guard let bridge else { return try interpreter.run(source, file: file) }
    defer { try? flushSensitiveReads() }
    do {
      let value = try bridge.inTransaction { try interpreter.run(source, file: file) }
      try flushSensitiveReads()
      return value
    } catch { throw explain(error) }
  }

  /// Runs a script and hands its value to `show` in the same transaction, so what is shown
  /// (a collection's count, a table of records) is read while the records can be reached.
  public func run<T>(_ source: String, file: String, show: (Value?) throws -> T) throws -> T {
    guard let bridge else { return try show(try interpreter.run(source, file: file)) }
    defer { try? flushSensitiveReads() }
    do {
      let shown = try bridge.inTransaction { try show(try interpreter.run(source, file: file)) }
      try flushSensitiveReads()
      return shown
    } catch { throw explain(error) }
  }

  /// Runs every `scripts/*.peer` of the project, so its functions and settings are defined.
  public func loadScripts(of project: Project, except skipped: (String) -> Bool = { _ in false }) throws {
    // A workflow in a later file may add statuses an earlier one's `where` names: the stages
    // check allowed values as they run instead.
    interpreter.checksAllowedValues = false
    defer { interpreter.checksAllowedValues = true }
    // All in one transaction: on a server, one per file was two round trips each before the
    // command could begin. A script that fails to load ends the command; what the scripts
    // before it changed (scripts seldom change records as they load) is undone with it.
    func load() throws {
      for path in project.scripts() where !skipped(path) {
        try files.refusing("scripts write no files while they load at start-up") {
          try interpreter.vm.withStepAllowance(startupSteps) {
            try run(try FileSystem.read(path), file: path)
          }
        }
      }
    }
    if let bridge { try bridge.inTransaction(load) } else { try load() }
  }

  /// Compiles, without running, every `scripts/*.peer` of the project, so the names they define
  /// are known to checks.
  public func declareScripts(of project: Project) throws {
    for path in project.scripts() {
      interpreter.declare(try FileSystem.read(path), file: path)
    }
  }

  /// What `peer check` runs: each of the project's scripts as loading runs it, then the
  /// declaring part of each other file (`Interpreter.runDeclaringPart`), all in one transaction
  /// that is always rolled back, so forms, workflows, reports and match scores make their
  /// load-time checks with the words loading uses, and no record is changed. `problem` gets each
  /// file's error (a `CompileError` or a `RuntimeError`); a script that fails does not stop the
  /// others. Output goes where the interpreter's options send it (`peer check` drops it).
  public func checkLoading(
    projectScripts: [(path: String, source: String)], files: [(path: String, source: String)],
    problem: (String, Error) -> Void
  ) {
    func body() {
      interpreter.checksAllowedValues = false
      defer { interpreter.checksAllowedValues = true }
      for script in projectScripts {
        do { try interpreter.run(script.source, file: script.path) } catch { problem(script.path, error) }
      }
      for file in files {
        do { try interpreter.runDeclaringPart(file.source, file: file.path) } catch {
          problem(file.path, error)
        }
      }
    }
    guard let bridge else { return body() }
    _ = try? bridge.inTransaction {
      body()
      throw RollBack()
    }
  }

  /// Runs the registered `test` blocks, each in its own transaction that is always rolled back,
  /// so tests can change records freely.
  /// A store that cannot be opened or written stops the run with its error: "0 passed" would
  /// say the tests passed when none could run.
  public func runTests(report: (TestResult) -> Void) throws -> (passed: Int, failed: Int) {
    var result = (passed: 0, failed: 0)
    try files.refusing(Self.testsWriteNoFiles) {
      if let bridge {
        try rolledBack(bridge) { result = interpreter.runTests(report: report) }
      } else {
        result = interpreter.runTests(report: report)
      }
    }
    return result
  }

  /// Runs test files and then every registered `test` block, all in one transaction that is
  /// always rolled back: a project's tests may create and change records without leaving any
  /// behind. A file that fails to compile or run is reported through `fileFailed` and counts as
  /// one failure; so does a file that declares `test` blocks some of which never ran (a block
  /// inside an `if` or a function nobody called). A store that cannot be used stops the run.
  public func runTestFiles(
    _ files: [(path: String, source: String)], fileFailed: (String, Error) -> Void,
    report: (TestResult) -> Void
  ) throws -> (passed: Int, failed: Int) {
    var result = (passed: 0, failed: 0)
    func body() {
      var stopped: Set<String> = []
      for file in files {
        do {
          try interpreter.run(file.source, file: file.path)
        } catch {
          fileFailed(file.path, error)
          stopped.insert(file.path)
          result.failed += 1
        }
      }
      for file in files where !stopped.contains(file.path) {
        let declared = interpreter.testsDeclared(in: file.path)
        let registered = interpreter.testsRegistered(in: file.path)
        if registered < declared {
          fileFailed(file.path, TestsNotRun(declared: declared, ran: registered))
          result.failed += 1
        }
      }
      let counts = interpreter.runTests(report: report)
      result.passed += counts.passed
      result.failed += counts.failed
    }
    try self.files.refusing(Self.testsWriteNoFiles) {
      if let bridge { try rolledBack(bridge, body) } else { body() }
    }
    return result
  }

  static let testsWriteNoFiles = "tests write no files (they run in a transaction that is rolled back)"

  /// Runs `body` in a transaction that is always rolled back. Only the roll-back marker is
  /// caught: any other error (the database is locked, the disk is full) reaches the caller.
  private func rolledBack(_ bridge: RecordBridge, _ body: () throws -> Void) throws {
    do {
      try bridge.inTransaction {
        try body()
        throw RollBack()
      }
    } catch is RollBack {}
  }

  struct RollBack: Error {}
}

/// A test file whose `test` blocks did not all register: they sit where the file never got to.
public struct TestsNotRun: Error, CustomStringConvertible {
  public let declared: Int
  public let ran: Int
  public var description: String {
    "it declares \(declared) test\(declared == 1 ? "" : "s") but \(ran == 0 ? "none" : "only \(ran)") ran "
      + "(a test block inside an if, a loop or a function runs only when that code does)"
  }
}
