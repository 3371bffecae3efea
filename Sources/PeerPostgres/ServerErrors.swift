import PeerStore
import PostgresNIO

/// One sentence for each way the server can fail, naming the server (never a record's data:
/// the server's own message is left out where it may quote a value).
enum ServerErrors {
  /// The SQLSTATE of a server error, if it is one.
  static func state(_ error: Error) -> String? {
    (error as? PSQLError)?.serverInfo?[.sqlState]
  }

  static func explain(_ error: Error, address: ServerAddress, connecting: Bool) -> Error {
    if error is StoreError || error is StoreConflict || error is AccessRefused { return error }
    guard let e = error as? PSQLError else {
      return StoreError("cannot reach the PostgreSQL server at \(address): \(reason(error))")
    }
    if let info = e.serverInfo, let state = info[.sqlState] {
      let message = info[.message] ?? state
      switch state {
      case "40001", "40P01": return StoreConflict()
      case "55P03":
        return StoreError(
          "the server at \(address) is busy: another peer has been writing for more than \(Int(PostgresStore.busyTimeout)) seconds; try again"
        )
      case "25006":
        return StoreError("this command only reads the records; it cannot change them (\(address))")
      case "23503": return StoreError("a record refers to another that does not exist")
      case "23505":
        return StoreError("a change breaks a rule of the database (a value that must be unique is not)")
      case "P0001": return StoreError(message)
      case "42501":
        // "permission denied for table visits", "new row violates row-level security policy
        // for table \"visits\"": the table's name, never a value.
        let table = message.split(separator: " ").last.map { String($0.filter { $0 != "\"" }) } ?? "?"
        return AccessRefused(
          login: address.user, table: table, byPolicy: message.contains("row-level security"))
      case "3D000":
        return StoreError("the server at \(address) has no database \(address.database)")
      case "28P01", "28000":
        return StoreError(
          "the server at \(address) refused \(address.user): check the password in PGPASSWORD or ~/.pgpass")
      case "57P01", "57P02", "57P03":
        return StoreError(
          "the server at \(address) shut down during the command: nothing of it was saved; run it again")
      case "53100": return StoreError("the disk of the server at \(address) is full")
      default:
        if state.hasPrefix("23") { return StoreError("a change breaks a rule of the database (\(state))") }
        return StoreError("database error on the server at \(address): \(message)")
      }
    }
    switch e.code {
    case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
      return StoreError(
        "the connection to the server at \(address) was lost: nothing of the command was saved; run it again")
    case .connectionError where !connecting:
      // The socket failed under a query (a restart can end it this way too).
      return StoreError(
        "the connection to the server at \(address) was lost: nothing of the command was saved; run it again")
    case .authMechanismRequiresPassword:
      return StoreError(
        "the server at \(address) wants a password for \(address.user): give it in PGPASSWORD or ~/.pgpass")
    case .sslUnsupported:
      return StoreError("the server at \(address) does not offer TLS, which the URL asks for (sslmode)")
    default:
      if connecting {
        return StoreError("cannot reach the PostgreSQL server at \(address): \(reason(e.underlying ?? e))")
      }
      return StoreError("the server at \(address) failed: \(e.code)")
    }
  }

  /// Why a connection could not be made, in words (NIO's own description lists every address
  /// tried with its error).
  static func reason(_ error: Error) -> String {
    let text = "\(error)"
    if text.contains("Connection refused") { return "nothing is listening there (is the server running?)" }
    if text.contains("timed out") || text.contains("Timeout") || text.contains("connectTimeout") {
      return "no answer within 10 seconds"
    }
    if text.contains("No such file") { return "no server socket in that folder (is the server running?)" }
    if text.contains("resolve") || text.contains("DNS") || text.contains("ailed to look up") {
      return "the host name is not known"
    }
    return text
  }
}
