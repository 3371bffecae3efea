#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A project is a folder: its scripts (`scripts/*.peer`, loaded when the REPL or a job starts)
/// and its records, either in the folder's own database (`peer.db`, SQLite) or on a
/// PostgreSQL server whose URL, without any password, the folder keeps in `peer.server`.
public struct Project: Sendable {
  public let folder: String

  public static let databaseName = "peer.db"
  public static let serverFileName = "peer.server"

  public init(folder: String) {
    self.folder = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
  }

  public var databasePath: String { folder + "/" + Project.databaseName }
  public var serverFilePath: String { folder + "/" + Project.serverFileName }
  public var scriptsFolder: String { folder + "/scripts" }

  /// Whether the folder holds a project (either kind).
  public var exists: Bool { FileSystem.exists(databasePath) || FileSystem.exists(serverFilePath) }

  /// The server's URL when the project's records are on a server; nil for a SQLite project.
  public func serverURL() throws -> String? {
    guard FileSystem.exists(serverFilePath) else { return nil }
    let text = try FileSystem.read(serverFilePath)
    guard
      let line = text.split(whereSeparator: \.isNewline).first(where: { !$0.hasPrefix("#") && !$0.isEmpty })
    else {
      throw ProjectError(
        "\(serverFilePath) names no server",
        hint: "write the URL on one line: postgresql://USER@HOST:PORT/DBNAME")
    }
    return String(line).trimmingSpaces
  }

  /// Makes the folder keep its records on the server at `url` (written without a password).
  public func useServer(_ url: String) throws {
    try FileSystem.write(
      "# The PostgreSQL server holding this project's records (no password: see PGPASSWORD, ~/.pgpass).\n\(url)\n",
      to: serverFilePath)
  }

  /// The project named by `--project DIR`, or the one in the current folder; nil when the
  /// folder holds no project (the REPL then starts with the language alone).
  public static func find(explicit: String?, currentFolder: String) throws -> Project? {
    if let explicit {
      let p = Project(folder: explicit)
      guard p.exists else {
        throw ProjectError(
          "there is no peer project in \(explicit) (no \(databaseName) or \(serverFileName))",
          hint: "make one with: peer init \(explicit)")
      }
      return p
    }
    let p = Project(folder: currentFolder)
    return p.exists ? p : nil
  }

  /// The project's scripts, in name order.
  public func scripts() -> [String] {
    FileSystem.list(scriptsFolder).filter { $0.hasSuffix(".peer") }.sorted().map { scriptsFolder + "/" + $0 }
  }
}

public struct ProjectError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var hint: String?
  public init(_ message: String, hint: String? = nil) {
    self.message = message
    self.hint = hint
  }
  public var description: String { hint.map { "\(message)\n  hint: \($0)" } ?? message }
}

/// The few file operations PeerCore needs, on the C library (no Foundation at start-up).
public enum FileSystem {
  public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

  public static func isDirectory(_ path: String) -> Bool {
    var st = stat()
    return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
  }

  public static func list(_ folder: String) -> [String] {
    guard let dir = opendir(folder) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  public static func makeDirectory(_ path: String) throws {
    if isDirectory(path) { return }
    var built = path.hasPrefix("/") ? "" : "."
    for part in path.split(separator: "/") {
      built += "/" + part
      if !isDirectory(built), mkdir(built, 0o755) != 0 {
        throw ProjectError("cannot create the folder \(path): \(String(cString: strerror(errno)))")
      }
    }
  }

  public static func read(_ path: String) throws -> String {
    guard let f = fopen(path, "rb") else {
      throw ProjectError("cannot read \(path): \(String(cString: strerror(errno)))")
    }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = fread(&buffer, 1, buffer.count, f)
      if n <= 0 { break }
      bytes.append(contentsOf: buffer[0..<n])
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  public static func write(_ text: String, to path: String) throws {
    guard let f = fopen(path, "wb") else {
      throw ProjectError("cannot write \(path): \(String(cString: strerror(errno)))")
    }
    defer { fclose(f) }
    let bytes = Array(text.utf8)
    if fwrite(bytes, 1, bytes.count, f) != bytes.count {
      throw ProjectError("cannot write \(path): \(String(cString: strerror(errno)))")
    }
  }
}
