import GRDB

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One sentence for each way SQLite can fail, naming the file: the command line prints it and
/// exits with status 1, never a crash or a raw SQLite code.
enum SQLiteErrors {
  static func explain(_ e: DatabaseError, path: String) -> StoreError {
    let detail = e.message ?? "\(e.resultCode)"
    switch e.resultCode {
    case .SQLITE_NOTADB, .SQLITE_CORRUPT:
      return StoreError("\(path) is not a peer database, or it is damaged (\(detail))")
    case .SQLITE_READONLY:
      return StoreError("cannot write to \(path): \(readOnlyPart(path)) is read-only")
    case .SQLITE_CANTOPEN:
      return StoreError(
        "cannot open \(path): peer needs to write to the file and to its folder "
          + "(\(DatabaseFile.folder(of: path))), for its -wal and -shm files; check neither is read-only")
    case .SQLITE_PERM, .SQLITE_AUTH:
      return StoreError("cannot open \(path): permission denied")
    case .SQLITE_BUSY, .SQLITE_LOCKED:
      return StoreError(
        "\(path) is busy: another peer has been writing to it for more than "
          + "\(Int(SQLiteStore.busyTimeout)) seconds; try again")
    case .SQLITE_FULL:
      return StoreError("the disk holding \(path) is full")
    case .SQLITE_IOERR:
      return StoreError("cannot read or write \(path): the disk reported an error (\(detail))")
    case .SQLITE_CONSTRAINT:
      if e.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY {
        return StoreError("a record refers to another that does not exist (\(detail))")
      }
      return StoreError("a change breaks a rule of the database (\(detail))")
    default:
      return StoreError("database error in \(path): \(detail)")
    }
  }

  /// Which of the file and its folder stops the write, as far as this process can tell.
  static func readOnlyPart(_ path: String) -> String {
    let folder = DatabaseFile.folder(of: path)
    if !DatabaseFile.canAccess(path, W_OK) { return "the file" }
    if !DatabaseFile.canAccess(folder, W_OK) { return "its folder \(folder)" }
    return "the file or its folder"
  }
}
