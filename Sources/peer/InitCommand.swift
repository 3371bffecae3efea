import ArgumentParser
import PeerCore
import PeerScript
import PeerStore

/// `peer init [DIR]`: a new, empty project (database and starter scripts).
struct Init: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Make a new project: its database and starter scripts.")

  @Argument(help: "The project folder (made if missing).")
  var folder: String = "."

  @Option(name: .customLong("user"), help: ArgumentHelp("Record changes as made by NAME.", valueName: "NAME"))
  var user: String?

  func run() throws {
    let project = try Init.create(folder, user: user ?? ProjectOptions.loginName())
    Console.writeLine(
      "made a new project in \(project.folder): \(Project.databaseName) and scripts/project.peer")
  }

  /// Makes the folder, the database and the starter scripts; one sentence and exit 1 if it can't.
  static func create(_ folder: String, user: String) throws -> Project {
    let project = Project(folder: folder)
    do {
      if FileSystem.exists(project.databasePath) {
        throw ProjectError("\(folder) already holds a project (\(Project.databaseName))")
      }
      try FileSystem.makeDirectory(project.scriptsFolder)
      _ = try SQLiteStore(path: project.databasePath, user: user, create: true)
      let script = project.scriptsFolder + "/project.peer"
      if !FileSystem.exists(script) { try FileSystem.write(Starter.projectScript + "\n", to: script) }
      return project
    } catch let e as ProjectError {
      Console.writeError("peer: \(e.message)\n")
      throw ExitCode(1)
    } catch let e as StoreError {
      Console.writeError("peer: \(e.message)\n")
      throw ExitCode(1)
    } catch let e as ProjectError {
      Console.writeError("peer: \(e.message)\n")
      throw ExitCode(1)
    }
  }
}

/// `peer demo [DIR]`: a project full of realistic synthetic data.
struct Demo: ParsableCommand {
  static let configuration = CommandConfiguration(
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
    let project = try Init.create(folder, user: user)
    do {
      let store = try SQLiteStore(path: project.databasePath, user: "demo")
      let day = Clock.today(given: today.flatMap(CivilDate.parseISO))
      let summary = try DemoProject.generate(into: store, scale: scale, today: day)
      try DemoScripts.install(in: project)
      Console.writeLine(
        "made a demo project in \(project.folder): \(summary.volunteers) volunteers, \(summary.mothers) mothers, "
          + "\(summary.matches) matches, \(summary.visits) visits, \(summary.endings) endings, \(summary.services) services"
      )
      Console.writeLine("start it with: cd \(project.folder) && peer")
    } catch let e as StoreError {
      Console.writeError("peer: \(e.message)\n")
      throw ExitCode(1)
    } catch let e as ProjectError {
      Console.writeError("peer: \(e.message)\n")
      throw ExitCode(1)
    }
  }
}
