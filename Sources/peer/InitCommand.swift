import ArgumentParser
import PeerCalendar
import PeerCore
import PeerPostgres
import PeerScript
import PeerStore

/// `peer init [DIR]`: a new, empty project (database and starter scripts).
struct Init: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "init",
    abstract: "Make a new project: its database and starter scripts.")

  @Argument(help: "The project folder (made if missing).")
  var folder: String = "."

  @Option(name: .customLong("user"), help: ArgumentHelp("Record changes as made by NAME.", valueName: "NAME"))
  var user: String?

  @Option(help: Init.databaseHelp)
  var database: String?

  static let databaseHelp = ArgumentHelp(
    "Keep the records on a PostgreSQL server instead of in the folder's own SQLite file. No password in the URL: it comes from PGPASSWORD or ~/.pgpass; add ?sslmode=require for TLS.",
    valueName: "postgresql://USER@HOST:PORT/DBNAME")

  func run() throws {
    let (project, joined) = try Init.make(
      folder, user: user ?? ProjectOptions.loginName(), database: database)
    if joined {
      Console.writeLine(
        "made a project folder in \(project.folder) for the records already on the server (\(Project.serverFileName)), scripts/project.peer and scripts/retention.peer"
      )
      return
    }
    let home = database == nil ? Project.databaseName : "\(Project.serverFileName) (records on the server)"
    Console.writeLine(
      "made a new project in \(project.folder): \(home), scripts/project.peer and scripts/retention.peer")
  }

  /// `make`, for a project that must be new (the demo).
  static func create(_ folder: String, user: String, database: String? = nil) throws -> Project {
    try make(folder, user: user, database: database, mustBeNew: true).0
  }

  /// Makes the folder, the database (a SQLite file, or the tables on the server `database`
  /// names) and the starter scripts; one sentence and exit 1 if it can't. `joined`: the server
  /// already held a project, which the new folder now uses.
  static func make(_ folder: String, user: String, database: String? = nil, mustBeNew: Bool = false) throws
    -> (
      Project, joined: Bool
    )
  {
    let project = Project(folder: folder)
    var joined = false
    return try inOneSentence {
      if project.exists {
        throw ProjectError(
          "\(folder) already holds a project (\(FileSystem.exists(project.databasePath) ? Project.databaseName : Project.serverFileName))"
        )
      }
      if let database {
        let address = try ServerAddress(url: database)
        joined = !(try PostgresStore(address: address, user: user, create: true).madeTables)
        if joined && mustBeNew {
          throw ProjectError(
            "the database \(address.database) on the server already holds a project: give the demo an empty one"
          )
        }
        try FileSystem.makeDirectory(project.scriptsFolder)
        try project.useServer(address.description)
      } else {
        try FileSystem.makeDirectory(project.scriptsFolder)
        _ = try SQLiteStore(path: project.databasePath, user: user, create: true)
      }
      let script = project.scriptsFolder + "/project.peer"
      if !FileSystem.exists(script) { try FileSystem.write(Starter.projectScript + "\n", to: script) }
      let retention = project.scriptsFolder + "/retention.peer"
      if !FileSystem.exists(retention) && !mustBeNew {
        try FileSystem.write(Starter.retentionScript + "\n", to: retention)
      }
      return (project, joined)
    }
  }
}

/// `peer demo [DIR]`: a project full of realistic synthetic data.
struct Demo: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "demo",
    abstract: "Make a demo project full of realistic synthetic data.",
    discussion:
      "Nine sites over two years: about 410 volunteers, 3,300 mothers and 33,000 visits; --scale multiplies it."
  )

  @Argument(help: "The project folder (made if missing).")
  var folder: String = "peer-demo"

  @Option(help: "Multiply the amount of data (30 gives about 100,000 mothers and 1,000,000 visits).")
  var scale: Int = 1

  @Option(help: ArgumentHelp("The day the data ends (default: today).", valueName: "YYYY-MM-DD"))
  var today: String?

  @Option(help: Init.databaseHelp)
  var database: String?

  func validate() throws {
    if scale < 1 || scale > 1000 {
      throw ValidationError("--scale must be between 1 and 1000, not \(scale).")
    }
    if let today, CivilDate.parseISO(today) == nil {
      throw ValidationError("--today wants a real date written YYYY-MM-DD, not '\(today)'.")
    }
  }

  func run() throws {
    let user = ProjectOptions.loginName()
    let project = try Init.create(folder, user: user, database: database)
    try inOneSentence {
      let store = try ProjectStore.open(project, user: "demo")
      let day = Clock.today(given: today.flatMap(CivilDate.parseISO))
      let summary = try DemoProject.generate(into: store, scale: scale, today: day)
      try DemoScripts.install(in: project)
      Console.writeLine(
        "made a demo project in \(project.folder): \(summary.volunteers) volunteers, \(summary.mothers) mothers, "
          + "\(summary.matches) matches, \(summary.visits) visits, \(summary.endings) endings, \(summary.services) services"
      )
      if let server = store as? PostgresStore {
        // Its people, one for each role the demo's scripts declare, enforced by the server.
        let session = Session(store: server, options: InterpreterOptions())
        try session.loadScripts(of: project)
        try server.applyRoles(Array(session.roles.values))
        for person in try DemoPeople.people(database: server.address.database, in: server) {
          try server.add(person)
          Console.writeLine("  \(person.role): \(person.name), login \(person.login)")
        }
      }
      Console.writeLine("start it with: cd \(project.folder) && peer")
    }
  }
}
