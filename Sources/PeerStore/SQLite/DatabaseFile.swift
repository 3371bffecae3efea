#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The database file itself, before SQLite sees it: present or not, made readable by its owner
/// only (these are health and social-care data), and one sentence for each way that can fail.
enum DatabaseFile {
  /// Checks the file is there (or makes it, empty, with `create`); returns whether it was made.
  static func prepare(_ path: String, create: Bool) throws -> Bool {
    var st = stat()
    if stat(path, &st) == 0 {
      if st.st_mode & S_IFMT == S_IFDIR { throw StoreError("\(path) is a folder, not a peer database") }
      if !canAccess(path, R_OK) { throw StoreError("cannot read \(path): permission denied") }
      return false
    }
    guard create else { throw StoreError("no project database at \(path)") }
    // O_EXCL: if another peer makes it at the same moment, use theirs.
    let fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
    if fd < 0 {
      if errno == EEXIST { return false }
      throw StoreError("cannot create \(path): \(reason(errno, folder: folder(of: path)))")
    }
    fchmod(fd, 0o600)  // whatever the umask
    close(fd)
    return true
  }

  /// SQLite gives the -wal and -shm files the database's mode; this makes sure of it.
  static func restrictCompanions(of path: String) {
    for suffix in ["-wal", "-shm"] { chmod(path + suffix, 0o600) }
  }

  static func folder(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return slash == path.startIndex ? "/" : String(path[..<slash])
  }

  /// Whether this process may access the file, as the kernel decides it (its effective and
  /// file-system ids, not the real ones that plain `access` checks).
  static func canAccess(_ path: String, _ mode: Int32) -> Bool {
    faccessat(AT_FDCWD, path, mode, AT_EACCESS) == 0
  }

  static func reason(_ code: Int32, folder: String) -> String {
    switch code {
    case ENOENT: return "the folder \(folder) does not exist"
    case EACCES, EPERM: return "the folder \(folder) cannot be written (permission denied)"
    case EROFS: return "the folder \(folder) is on a read-only disk"
    case ENOSPC: return "the disk is full"
    default: return String(cString: strerror(code))
    }
  }
}
