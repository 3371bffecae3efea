import ArgumentParser
import PeerCore
import PeerPostgres
import PeerStore

#if canImport(Glibc)
  import Glibc
#endif

/// `peer move --to URL|FILE.db`: the project's records copied whole to another store.
struct Move: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "move",
    abstract: "Copy the whole project to a PostgreSQL server, or to a SQLite file.",
    discussion: """
      --to postgresql://USER@HOST:PORT/DBNAME copies a project kept in the folder's peer.db to an \
      empty database on the server; the folder then uses the server (peer.server), and its old \
      file is kept beside it as peer.db.moved until you delete it. --to FILE.db copies the \
      project, wherever it is, into a new SQLite file (an offline copy); the folder is unchanged. \
      Every record, own field, task, flag and audit entry is copied with its id, in one \
      transaction, and compared with the project (counts and a checksum) before it is kept.
      """)

  @OptionGroup var projectOptions: ProjectOptions

  @Option(help: ArgumentHelp("Where to copy the project.", valueName: "URL or FILE.db"))
  var to: String

  func run() throws {
    guard let project = try projectOptions.findProject() else {
      Console.writeError("peer: there is no project here; give --project DIR\n")
      throw ExitCode(1)
    }
    let toServer = to.hasPrefix("postgresql://") || to.hasPrefix("postgres://")
    try inOneSentence {
      if toServer, try project.serverURL() != nil {
        throw ProjectError("\(project.folder) is already on a server: copy it to a file first (--to FILE.db)")
      }
      if !toServer, FileSystem.exists(to) {
        throw ProjectError("\(to) already exists: peer move writes a new file")
      }
      let source = try ProjectStore.open(project, user: projectOptions.userName)
      let target: any RecordStore
      if toServer {
        target = try PostgresStore(
          address: try ServerAddress(url: to), user: projectOptions.userName, create: true)
      } else {
        target = try SQLiteStore(path: to, user: projectOptions.userName, create: true)
      }
      let summary: ProjectMove.Summary
      do {
        summary = try ProjectMove.copy(from: source, to: target)
      } catch {
        if !toServer { Move.removeDatabaseFile(to) }
        throw error
      }
      if toServer {
        let address = try ServerAddress(url: to)
        try project.useServer(address.description)
        if rename(project.databasePath, project.databasePath + ".moved") != 0 {
          throw ProjectError(
            "copied, but \(project.databasePath) could not be renamed: remove it to use the server")
        }
        Console.writeLine("moved \(summary.described) to \(address)")
        Console.writeLine(
          "this folder now uses the server; the old file is \(project.databasePath).moved: delete it once you are sure"
        )
      } else {
        Console.writeLine("copied \(summary.described) to \(to)")
      }
    }
  }

  /// A half-made copy is removed: nothing of it is kept.
  static func removeDatabaseFile(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
  }
}
