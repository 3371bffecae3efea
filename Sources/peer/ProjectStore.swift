import PeerCore
import PeerPostgres
import PeerStore

/// The one place a command opens a project's records: the folder's SQLite file, or the
/// PostgreSQL server its `peer.server` names.
enum ProjectStore {
  static func open(
    _ project: Project, user: String, transactions: TransactionKind = .writing, create: Bool = false
  ) throws -> any RecordStore {
    if let url = try project.serverURL() {
      return try PostgresStore(address: try ServerAddress(url: url), user: user, create: create)
    }
    return try SQLiteStore(path: project.databasePath, user: user, create: create, transactions: transactions)
  }
}
