import PeerScript
import PeerStore

/// One interpreter joined to one project's store: what the REPL, `peer run` and batch jobs
/// use. Every `run` is one transaction: a script that fails leaves the records as they were.
public final class Session {
  public let interpreter: Interpreter
  public let bridge: RecordBridge?

  /// A session on a store, or on the language alone when `store` is nil.
  public init(store: RecordStore?, options: InterpreterOptions) {
    interpreter = Interpreter(options: options)
    ReportLibrary.register(in: interpreter)
    if let store {
      let bridge = RecordBridge(store: store)
      Lifecycle.register(in: interpreter, bridge: bridge)
      FormLoader.register(in: interpreter)
      Matching.register(in: interpreter, bridge: bridge)
      Workflows.register(in: interpreter, bridge: bridge)
      self.bridge = bridge
    } else {
      bridge = nil
    }
  }

  /// The statuses the project's workflow for `kind` allows, if its scripts declare one: what an
  /// import must check each new record against.
  public func workflowStatuses(for kind: RecordKind) -> WorkflowStatuses? {
    guard let workflow = bridge?.workflows[kind] else { return nil }
    return WorkflowStatuses(workflow: workflow.name, names: workflow.statuses)
  }

  /// Compiles and runs a script in one transaction; returns its last expression's value.
  @discardableResult
  public func run(_ source: String, file: String) throws -> Value? {
    guard let bridge else { return try interpreter.run(source, file: file) }
    return try bridge.inTransaction { try interpreter.run(source, file: file) }
  }

  /// Runs every `scripts/*.peer` of the project, so its functions and settings are defined.
  public func loadScripts(of project: Project) throws {
    for path in project.scripts() {
      try run(try FileSystem.read(path), file: path)
    }
  }

  /// Compiles, without running, every `scripts/*.peer` of the project, so the names they define
  /// are known to checks.
  public func declareScripts(of project: Project) {
    for path in project.scripts() {
      guard let source = try? FileSystem.read(path) else { continue }
      interpreter.declare(source, file: path)
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
  public func runTests(report: (TestResult) -> Void) -> (passed: Int, failed: Int) {
    guard let bridge else { return interpreter.runTests(report: report) }
    var result = (passed: 0, failed: 0)
    do {
      try bridge.inTransaction {
        result = interpreter.runTests(report: report)
        throw RollBack()
      }
    } catch {}
    return result
  }

  /// Runs test files and then every registered `test` block, all in one transaction that is
  /// always rolled back: a project's tests may create and change records without leaving any
  /// behind. A file that fails to compile or run is reported through `fileFailed` and skipped.
  public func runTestFiles(
    _ files: [(path: String, source: String)], fileFailed: (String, Error) -> Void,
    report: (TestResult) -> Void
  ) -> (passed: Int, failed: Int) {
    var result = (passed: 0, failed: 0)
    func body() {
      for file in files {
        do {
          try interpreter.run(file.source, file: file.path)
        } catch {
          fileFailed(file.path, error)
          result.failed += 1
        }
      }
      let counts = interpreter.runTests(report: report)
      result.passed += counts.passed
      result.failed += counts.failed
    }
    guard let bridge else {
      body()
      return result
    }
    _ = try? bridge.inTransaction {
      body()
      throw RollBack()
    }
    return result
  }

  struct RollBack: Error {}
}
