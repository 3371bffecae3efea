import ArgumentParser
import PeerCore
import PeerPostgres
import PeerScript
import PeerStore

/// `peer people add|list|change|remove|apply`: the project's people and the roles its scripts
/// declare, enforced by the PostgreSQL server (docs/people.md).
struct People: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "people",
    abstract: "Add, list, change and remove the people who use a project on a server, each with a role.",
    discussion: """
      Each person has their own login on the server, a member of their role's group; the \
      server's row-level security and column privileges, made from the project's role \
      declarations, decide what that login sees and changes, through peer or any other \
      client. Run these as the project's owner (the login that made it, which may create \
      roles). Every change is audited and is in force for the person's next command.
      """,
    subcommands: [Add.self, List.self, Change.self, Remove.self, Apply.self])

  /// The project's server store and its declared roles, or one sentence on why not.
  static func open(_ options: ProjectOptions, budget: BudgetOptions) throws
    -> (store: PostgresStore, roles: [String: AccessRole])
  {
    let (session, store) = try options.sessionAndStore(options: budget.interpreterOptions(attended: false))
    guard let server = store as? PostgresStore else {
      throw ProjectError(
        "people and their roles are enforced by a PostgreSQL server, and this project is in a file",
        hint: "move it to a server with peer move --to postgresql://USER@HOST:PORT/DBNAME")
    }
    if session.person != nil {
      throw ProjectError(
        "only the project's owner adds and changes people, and \(server.user) is one of its people",
        hint: "connect with the owner's login (the one that made the project)")
    }
    return (server, session.roles)
  }

  static func role(_ name: String, in roles: [String: AccessRole]) throws -> AccessRole {
    if let role = roles[name] { return role }
    let names = roles.keys.sorted()
    throw ProjectError(
      "the project's scripts declare no role called \(name)",
      hint: names.isEmpty
        ? "declare roles in scripts/roles.peer (docs/people.md)"
        : "the roles: " + names.joined(separator: ", "))
  }

  /// `V-0017` (or 17) as a volunteer's id.
  static func volunteerID(_ text: String?) throws -> Int64? {
    guard let text else { return nil }
    guard let id = RecordKind.volunteer.id(fromCode: text) else {
      throw ProjectError("\(text) is not a volunteer's id (write V-0017)")
    }
    return id
  }

  /// A login made from a name: `Amina Shah` is `amina_shah`.
  static func login(from name: String) -> String {
    var out = ""
    for c in name.lowercased() {
      if c.isASCII && (c.isLetter || c.isNumber) {
        out.append(c)
      } else if !out.isEmpty && out.last != "_" {
        out.append("_")
      }
    }
    while out.last == "_" { out.removeLast() }
    return out
  }

  struct Add: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Add a person with a role (and their login on the server).")

    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var budget: BudgetOptions
    @Argument(help: "Their name, as people know them.") var name: String
    @Option(help: "Their role, as the project's scripts declare it.") var role: String
    @Option(help: ArgumentHelp("A site they work for (repeatable).", valueName: "SITE")) var site: [String] =
      []
    @Option(help: ArgumentHelp("Their own volunteer record.", valueName: "V-0017")) var volunteer: String?
    @Option(help: ArgumentHelp("Their login (default: made from the name).", valueName: "LOGIN")) var login:
      String?

    func run() throws {
      try inOneSentence {
        let (store, roles) = try People.open(projectOptions, budget: budget)
        _ = try People.role(role, in: roles)
        let person = Person(
          login: login ?? People.login(from: name), name: name, role: role, sites: site,
          volunteer: try People.volunteerID(volunteer))
        try store.applyRoles(Array(roles.values))
        try store.add(person)
        // A name is what someone typed: shown with any control characters escaped.
        Console.write(
          TerminalText.safe("added \(person.name) (\(person.role)), login \(person.login)") + "\n"
            + "  they connect with: postgresql://\(person.login)@\(store.address.host.hasPrefix("/") ? "" : store.address.host):\(store.address.port)/\(store.address.database)\n"
        )
      }
    }
  }

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List the project's people and their roles.")

    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var budget: BudgetOptions

    func run() throws {
      try inOneSentence {
        let (store, _) = try People.open(projectOptions, budget: budget)
        let people = try store.people()
        if people.isEmpty {
          Console.write("no people yet: add one with peer people add NAME --role ROLE\n")
          return
        }
        for p in people {
          var line = "\(p.login)  \(p.name)  \(p.role)"
          if !p.sites.isEmpty { line += "  sites: " + p.sites.joined(separator: ", ") }
          if let v = p.volunteer { line += "  volunteer: " + RecordKind.volunteer.code(for: v) }
          Console.write(TerminalText.safe(line) + "\n")
        }
      }
    }
  }

  struct Change: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "change",
      abstract: "Change a person's name, role, sites or volunteer record.")

    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var budget: BudgetOptions
    @Argument(help: "Their login.") var login: String
    @Option(help: "Their new name.") var name: String?
    @Option(help: "Their new role.") var role: String?
    @Option(help: ArgumentHelp("Their sites, replacing the old ones (repeatable).", valueName: "SITE"))
    var site: [String] = []
    @Option(help: ArgumentHelp("Their own volunteer record.", valueName: "V-0017")) var volunteer: String?

    func run() throws {
      try inOneSentence {
        let (store, roles) = try People.open(projectOptions, budget: budget)
        guard var person = try store.people().first(where: { $0.login == login }) else {
          throw ProjectError(
            "there is no person with the login \(login)", hint: "see them with peer people list")
        }
        if let role {
          _ = try People.role(role, in: roles)
          person.role = role
        }
        if let name { person.name = name }
        if !site.isEmpty { person.sites = site }
        if let volunteer { person.volunteer = try People.volunteerID(volunteer) }
        try store.applyRoles(Array(roles.values))
        try store.change(person)
        Console.write(TerminalText.safe("changed \(person.login): \(person.name) (\(person.role))") + "\n")
      }
    }
  }

  struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "remove", abstract: "Remove a person and their login.")

    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var budget: BudgetOptions
    @Argument(help: "Their login.") var login: String

    func run() throws {
      try inOneSentence {
        let (store, _) = try People.open(projectOptions, budget: budget)
        try store.remove(login: login)
        Console.write("removed \(login)\n")
      }
    }
  }

  struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "apply",
      abstract: "Make the server enforce the roles as the project's scripts now declare them.")

    @OptionGroup var projectOptions: ProjectOptions
    @OptionGroup var budget: BudgetOptions

    func run() throws {
      try inOneSentence {
        let (store, roles) = try People.open(projectOptions, budget: budget)
        try store.applyRoles(Array(roles.values))
        Console.write(
          "the server enforces \(roles.count) role\(roles.count == 1 ? "" : "s"): \(roles.keys.sorted().joined(separator: ", "))\n"
        )
      }
    }
  }
}
