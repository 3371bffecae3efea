import PeerScript

/// What scripts may do with files: the one rule, checked here and documented in
/// docs/language.md ("What scripts may and may not do").
///
/// A script may write a file only with `save`, only when the command allows it, and only to a
/// relative name inside the current folder: no `..`, no absolute path, no hidden file or
/// folder, no control character or NUL, not the project's database, and never through a
/// symbolic link. Scripts cannot read files, run programs, open sockets or read the
/// environment: the language has no built-in for any of them.
public final class ScriptFiles {
  /// Whether the running command lets scripts write files; when not, why (said in the error).
  public enum Permission: Equatable {
    case allowed
    case refused(String)
  }

  public var permission: Permission = .allowed
  /// The folder a script's relative names are in: the current folder.
  public var folder = "."
  /// How many files scripts have written in this session.
  public private(set) var written = 0

  public init() {}

  /// Runs `body` with writes refused for `reason`, then puts the permission back.
  @discardableResult
  public func refusing<T>(_ reason: String, _ body: () throws -> T) rethrows -> T {
    let before = permission
    if case .allowed = permission { permission = .refused(reason) }
    defer { permission = before }
    return try body()
  }

  /// Checks that a script may write `path` now; throws the reason it may not.
  public func checkWrite(_ path: String) throws {
    if case .refused(let reason) = permission {
      throw ProjectError(
        "save cannot write \(Self.shown(path)): \(reason)",
        hint:
          "files are written by commands that run a script for that purpose (peer run, peer report, peer batch without --dry-run, the REPL)"
      )
    }
    try Self.checkName(path)
  }

  /// Writes `text` to the name a script gave, by the rule.
  public func write(_ text: String, to path: String) throws {
    try checkWrite(path)
    try OutputFile.write(text, to: path, namedBy: .script(in: folder))
    written += 1
  }

  /// The rule for a name a script gives.
  static func checkName(_ path: String) throws {
    func refuse(_ why: String, hint: String? = nil) -> ProjectError {
      ProjectError("save cannot write \(shown(path)): \(why)", hint: hint)
    }
    let relativeHint = "give a name inside the current folder, such as \"out/report.csv\""
    if path.isEmpty { throw refuse("the name is empty", hint: relativeHint) }
    if path.unicodeScalars.contains(where: TerminalText.isControl) {
      throw refuse("a file name cannot hold NUL or control characters")
    }
    if path.hasPrefix("/") || path.hasPrefix("~") {
      throw refuse("scripts write only inside the current folder", hint: relativeHint)
    }
    let parts = path.split(separator: "/", omittingEmptySubsequences: true)
    if parts.contains("..") {
      throw refuse("scripts write only inside the current folder (no \"..\")", hint: relativeHint)
    }
    if let hidden = parts.first(where: { $0.hasPrefix(".") && $0 != "." }) {
      throw refuse("\(hidden) is hidden: scripts do not write hidden files or folders", hint: relativeHint)
    }
    if let last = parts.last, last.hasPrefix("peer.db") {
      throw refuse("that is the project's database")
    }
  }

  /// A name as shown in a message: quoted, with control characters escaped (TerminalText).
  static func shown(_ path: String) -> String {
    var out = "\""
    for scalar in path.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      default:
        if TerminalText.isControl(scalar) {
          out += TerminalText.escape(scalar)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}
