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

  @Option(
    name: .customLong("as"),
    help: ArgumentHelp(
      "Preview a role on a project in a file: what a person of ROLE would see and be refused (ROLE, ROLE:SITE,SITE or ROLE:V-0017; docs/people.md).",
      valueName: "ROLE[:SITES|V-0017]"))
  var previewAs: String?

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
      var store = try ProjectStore.open(project, user: userName, transactions: transactions)
      let preview = try previewAs.map { try Self.preview($0, of: store) }
      if let preview { store = preview }
      let session = Session(store: store, options: options)
      session.bridge?.transactions = transactions
      try ProjectOptions.actAsPerson(session, on: store)
      // Start-up has a step budget even at a terminal (where Ctrl-C is not yet listened for):
      // an endless loop in one scripts/*.peer must not hang every command.
      session.startupSteps = BudgetOptions.defaultSteps
      if loadScripts || preview != nil { try session.loadScripts(of: project) }
      if let preview {
        // The scripts load as the owner would; the role applies from the command on.
        guard let role = session.roles[preview.person.role] else {
          let names = session.roles.keys.sorted()
          throw ProjectError(
            "the project's scripts declare no role called \(preview.person.role)",
            hint: names.isEmpty
              ? "declare roles in scripts/roles.peer (docs/people.md)"
              : "the roles: " + names.joined(separator: ", "))
        }
        preview.role = role
        session.person = preview.person
      }
      return (session, store)
    } catch let e as StoreError {
      Console.writeError("peer: \(e.message)\n")
      throw ExitCode(1)
    } catch {
      Console.report(error)
      throw ExitCode(1)
    }
  }

  /// `--as ROLE[:SITE,SITE|V-0017]` on a project in a file: a person of the role, with those
  /// sites or that volunteer record. On a server each person has their own login instead.
  static func preview(_ text: String, of store: any RecordStore) throws -> RolePreview {
    if store is PostgresStore {
      throw ProjectError(
        "--as previews a role on a project in a file; on a server the database enforces roles",
        hint: "connect with the person's own login (peer people list shows them)")
    }
    func trimmed(_ s: Substring) -> String {
      String(String(s.drop { $0 == " " }.reversed()).drop { $0 == " " }.reversed())
    }
    let parts = text.split(separator: ":", maxSplits: 1).map(trimmed)
    var person = Person(login: "preview", name: "Preview", role: parts[0])
    for value in parts.count > 1 ? parts[1].split(separator: ",").map(trimmed) : [] {
      if let id = RecordKind.volunteer.id(fromCode: value), value.uppercased().hasPrefix("V-") {
        person.volunteer = id
      } else if !value.isEmpty {
        person.sites.append(value)
      }
    }
    person.name = "Preview of " + person.role
    return RolePreview(store, person: person)
  }

  /// On a server, one of the project's people works as themselves: `me` is them, and the
  /// audit trail names their login whatever --user says.
  static func actAsPerson(_ session: Session, on store: any RecordStore) throws {
    if let server = store as? PostgresStore, let person = try server.connectedPerson() {
      session.person = person
      server.user = person.login
      session.auditSensitiveReads = { codes in
        try server.auditEvent(
          kind: "read", action: "sensitive fields",
          detail: ["records": .list(codes), "count": .int(codes.count)])
      }
    }
  }

  func currentFolder() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    guard getcwd(&buffer, buffer.count) != nil else { return "." }
    return String(cString: buffer)
  }
}
