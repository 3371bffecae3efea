import PeerStore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where a project's server is: `postgresql://USER@HOST:PORT/DBNAME[?sslmode=require]`, as a
/// project folder keeps it (never with a password). What the URL leaves out comes from the
/// usual PostgreSQL places, as `psql` takes them: `PGUSER`, `PGHOST`, `PGPORT`, `PGDATABASE`,
/// `PGSSLMODE`, and the password from `PGPASSWORD` or the password file (`PGPASSFILE`, else
/// `~/.pgpass`).
public struct ServerAddress: Sendable, Equatable, CustomStringConvertible {
  public var user: String
  /// A host name or address, or a folder holding the server's Unix socket (starts with `/`).
  public var host: String
  public var port: Int
  public var database: String
  /// `sslmode=require` (or verify-ca, verify-full): the connection must be encrypted.
  public var requiresTLS: Bool

  /// The URL as the project keeps it: no password.
  public var description: String {
    let shownHost = host.hasPrefix("/") ? "" : host
    var url = "postgresql://\(user)@\(shownHost):\(port)/\(database)"
    var query: [String] = []
    if host.hasPrefix("/") { query.append("host=\(host)") }
    if requiresTLS { query.append("sslmode=require") }
    if !query.isEmpty { url += "?" + query.joined(separator: "&") }
    return url
  }

  /// Reads a URL; one sentence naming what is wrong when it is not one peer can use.
  public init(url: String, environment: [String: String] = ServerAddress.processEnvironment()) throws {
    func refuse(_ why: String) -> StoreError {
      StoreError("\(why) (write postgresql://USER@HOST:PORT/DBNAME)")
    }
    var rest = Substring(url)
    if rest.hasPrefix("postgresql://") {
      rest = rest.dropFirst("postgresql://".count)
    } else if rest.hasPrefix("postgres://") {
      rest = rest.dropFirst("postgres://".count)
    } else {
      throw refuse("\(url) is not a PostgreSQL URL")
    }
    var query = ""
    if let q = rest.firstIndex(of: "?") {
      query = String(rest[rest.index(after: q)...])
      rest = rest[..<q]
    }
    var path = ""
    if let slash = rest.firstIndex(of: "/") {
      path = String(rest[rest.index(after: slash)...])
      rest = rest[..<slash]
    }
    var userPart: Substring? = nil
    if let at = rest.lastIndex(of: "@") {
      userPart = rest[..<at]
      rest = rest[rest.index(after: at)...]
    }
    if let userPart, userPart.contains(":") {
      throw StoreError(
        "the URL holds a password: peer keeps the URL in the project folder, so give the password in PGPASSWORD or ~/.pgpass instead"
      )
    }
    var hostPart = String(rest)
    var portPart: String? = nil
    if let colon = hostPart.lastIndex(of: ":"), !hostPart.hasSuffix("]") {
      portPart = String(hostPart[hostPart.index(after: colon)...])
      hostPart = String(hostPart[..<colon])
    }
    var sslmode = environment["PGSSLMODE"] ?? "prefer"
    for pair in query.split(separator: "&") {
      let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
      guard kv.count == 2 else { throw refuse("\(url) has an option without a value (\(pair))") }
      switch kv[0] {
      case "sslmode": sslmode = kv[1]
      case "host": hostPart = Self.percentDecoded(kv[1])
      case "user": userPart = Substring(kv[1])
      case "port": portPart = kv[1]
      default: throw refuse("\(url) has an option peer does not know: \(kv[0])")
      }
    }
    guard ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"].contains(sslmode) else {
      throw refuse("sslmode=\(sslmode) is not a PostgreSQL SSL mode")
    }
    requiresTLS = ["require", "verify-ca", "verify-full"].contains(sslmode)
    user = userPart.map { Self.percentDecoded(String($0)) } ?? environment["PGUSER"] ?? Self.loginName()
    host = hostPart.isEmpty ? (environment["PGHOST"] ?? "localhost") : Self.percentDecoded(hostPart)
    let portText = portPart ?? environment["PGPORT"] ?? "5432"
    guard let port = Int(portText), (1...65535).contains(port) else {
      throw refuse("\(portText) is not a port number")
    }
    self.port = port
    database = path.isEmpty ? (environment["PGDATABASE"] ?? user) : Self.percentDecoded(path)
    if user.isEmpty { throw refuse("\(url) names no user") }
  }

  /// The password for this address: `PGPASSWORD`, else the first matching line of the
  /// password file (`hostname:port:database:username:password`, `*` matching anything), which
  /// must not be readable by others, as libpq insists.
  public func password(environment: [String: String] = ServerAddress.processEnvironment()) throws -> String? {
    if let p = environment["PGPASSWORD"] { return p }
    let file = environment["PGPASSFILE"] ?? (environment["HOME"].map { $0 + "/.pgpass" } ?? "")
    guard !file.isEmpty, let text = Self.readSmallFile(file) else { return nil }
    var st = stat()
    if stat(file, &st) == 0, st.st_mode & 0o077 != 0 {
      throw StoreError("\(file) can be read by others: make it private with chmod 600 \(file)")
    }
    let hostForMatch = host.hasPrefix("/") ? "localhost" : host
    for line in text.split(separator: "\n") where !line.hasPrefix("#") {
      let fields = Self.passFileFields(line)
      guard fields.count == 5 else { continue }
      func matches(_ pattern: String, _ value: String) -> Bool { pattern == "*" || pattern == value }
      if matches(fields[0], hostForMatch) && matches(fields[1], String(port)) && matches(fields[2], database)
        && matches(fields[3], user)
      {
        return fields[4]
      }
    }
    return nil
  }

  /// A line of the password file split at unescaped colons (`\:` and `\\` are kept literally).
  static func passFileFields(_ line: Substring) -> [String] {
    var fields: [String] = []
    var current = ""
    var escaped = false
    for c in line {
      if escaped {
        current.append(c)
        escaped = false
      } else if c == "\\" {
        escaped = true
      } else if c == ":" {
        fields.append(current)
        current = ""
      } else {
        current.append(c)
      }
    }
    fields.append(current)
    return fields
  }

  static func percentDecoded(_ s: String) -> String {
    guard s.contains("%") else { return s }
    var bytes: [UInt8] = []
    var it = Array(s.utf8)[...]
    while let b = it.popFirst() {
      if b == UInt8(ascii: "%"), it.count >= 2,
        let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16)
      {
        bytes.append(v)
        it = it.dropFirst(2)
      } else {
        bytes.append(b)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  public static func processEnvironment() -> [String: String] {
    var out: [String: String] = [:]
    var p = environ
    while let entry = p.pointee {
      let text = String(cString: entry)
      if let eq = text.firstIndex(of: "=") {
        out[String(text[..<eq])] = String(text[text.index(after: eq)...])
      }
      p += 1
    }
    return out
  }

  static func loginName() -> String {
    if let pw = getpwuid(getuid()) { return String(cString: pw.pointee.pw_name) }
    return "postgres"
  }

  static func readSmallFile(_ path: String) -> String? {
    guard let f = fopen(path, "r") else { return nil }
    defer { fclose(f) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let n = fread(&buffer, 1, buffer.count, f)
      if n <= 0 { break }
      bytes.append(contentsOf: buffer[0..<n])
      if bytes.count > 1 << 20 { break }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
