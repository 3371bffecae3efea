import ArgumentParser
import PeerCore
import PeerPostgres
import PeerScript
import PeerStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Which project a command works on, and who its changes are recorded as.
struct ProjectOptions: ParsableArguments {
  @Option(
    name: .customLong("project"),
    help: ArgumentHelp(
      "The project folder (default: the current folder, if it holds a project).", valueName: "DIR"))
  var project: String?

  @Option(
    name: .customLong("user"),
    help: ArgumentHelp("Record changes as made by NAME (default: your login).", valueName: "NAME"))
  var user: String?

  /// The project in use, or nil to work with the language alone. A `--project` that is not a
  /// project is an error (exit 1).
  func findProject() throws -> Project? {
    do {
      return try Project.find(explicit: project, currentFolder: currentFolder())
    } catch let e as ProjectError {
      Console.writeError("peer: \(e.message)\n" + (e.hint.map { "  hint: \($0)\n" } ?? ""))
      throw ExitCode(1)
    }
  }

  var userName: String {
    if let user, !user.isEmpty { return user }
    return ProjectOptions.loginName()
  }

  /// The operating system's name for whoever runs peer.
  static func loginName() -> String {
    if let name = getenv("USER") ?? getenv("LOGNAME") { return String(cString: name) }
    if let pw = getpwuid(getuid()) { return String(cString: pw.pointee.pw_name) }
    return "unknown"
  }

  /// A session on the project (its database open and its scripts loaded), or on the language
  /// alone when there is no project. Problems are one sentence on stderr and exit status 1.
  /// `transactions`: `.readingOnly` for a command that only reads records (a report, a
  /// printed form), so it never waits behind another peer's write.
  func session(
    options: InterpreterOptions, loadScripts: Bool = true, transactions: TransactionKind = .writing
  )
    throws
    -> Session
  {
    try sessionAndStore(options: options, loadScripts: loadScripts, transactions: transactions).session
  }

  /// `session(...)` with the store it works on (nil without a project).
  func sessionAndStore(
    options: InterpreterOptions, loadScripts: Bool = true, transactions: TransactionKind = .writing
  ) throws -> (session: Session, store: (any RecordStore)?) {
    guard let project = try findProject() else { return (Session(store: nil, options: options), nil) }
    do {
      let store = try ProjectStore.open(project, user: userName, transactions: transactions)
      let session = Session(store: store, options: options)
      session.bridge?.transactions = transactions
      try ProjectOptions.actAsPerson(session, on: store)
      // Start-up has a step budget even at a terminal (where Ctrl-C is not yet listened for):
      // an endless loop in one scripts/*.peer must not hang every command.
      session.startupSteps = BudgetOptions.defaultSteps
      if loadScripts { try session.loadScripts(of: project) }
      return (session, store)
    } catch let e as StoreError {
      Console.writeError("peer: \(e.message)\n")
      throw ExitCode(1)
    } catch {
      Console.report(error)
      throw ExitCode(1)
    }
  }

  /// On a server, one of the project's people works as themselves: `me` is them, and the
  /// audit trail names their login whatever --user says.
  static func actAsPerson(_ session: Session, on store: any RecordStore) throws {
    if let server = store as? PostgresStore, let person = try server.connectedPerson() {
      session.person = person
      server.user = person.login
    }
  }

  func currentFolder() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return String(cString: buffer)
  }
}
