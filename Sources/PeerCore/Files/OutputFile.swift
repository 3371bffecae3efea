#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The one way peer writes a file (reports, `save`, exports, rejected rows): whole or not at
/// all, never through a link, readable by its owner only.
///
/// The bytes go to a new temporary file beside the target, created with `O_EXCL|O_NOFOLLOW` (so
/// a file or link planted under its name is never opened), then renamed over the target after
/// `fsync`. A failure, or an output dropped before `commit`, removes the temporary file and
/// leaves the target as it was. A target that is a symbolic link or a folder is refused. A
/// target the person named that is not a plain file (`--out /dev/stdout`, a pipe) is written
/// straight into, since it cannot be replaced; scripts may name plain files only.
public final class OutputFile {
  /// Who named the file: the person at the command line (`--out`, any path they like) or a
  /// script (only the places `ScriptFiles` allows, reached without following links).
  public enum NamedBy: Equatable {
    case commandLine
    /// By a script, relative to `folder` (checked by ScriptFiles).
    case script(in: String)
  }

  public let path: String
  private let folder: Int32
  private let name: String
  /// Nil when writing straight into a device or pipe.
  private let temporary: String?
  private var fd: Int32
  private var finished = false

  public init(_ path: String, namedBy: NamedBy = .commandLine) throws {
    self.path = path
    if path.utf8.contains(0) { throw Self.refusal(path, "a file name cannot hold a NUL byte") }
    let slash = path.lastIndex(of: "/")
    let folderPath = slash.map { String(path[..<$0]) } ?? ""
    name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    if name.isEmpty || name == "." || name == ".." {
      throw Self.refusal(path, "it names a folder, not a file")
    }
    folder = try Self.openFolder(folderPath.isEmpty && path.hasPrefix("/") ? "/" : folderPath, path, namedBy)
    var st = stat()
    if fstatat(folder, name, &st, AT_SYMLINK_NOFOLLOW) == 0 {
      let type = st.st_mode & S_IFMT
      if type == S_IFLNK {
        Glibc.close(folder)
        throw Self.refusal(path, "it is a symbolic link, and peer does not write through links")
      }
      if type == S_IFDIR {
        Glibc.close(folder)
        throw Self.refusal(path, "it is a folder")
      }
      if type != S_IFREG {
        guard namedBy == .commandLine else {
          Glibc.close(folder)
          throw Self.refusal(path, "it is not a plain file")
        }
        let f = openat(folder, name, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
        guard f >= 0 else {
          let reason = String(cString: strerror(errno))
          Glibc.close(folder)
          throw ProjectError("cannot write \(path): \(reason)")
        }
        fd = f
        temporary = nil
        return
      }
    }
    var opened: (Int32, String)?
    for _ in 0..<8 {
      let candidate = ".\(name).part-\(String(UInt64.random(in: 1...UInt64.max), radix: 36))"
      let f = openat(folder, candidate, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
      if f >= 0 {
        opened = (f, candidate)
        break
      }
      if errno != EEXIST { break }
    }
    guard let (f, candidate) = opened else {
      let reason = String(cString: strerror(errno))
      Glibc.close(folder)
      throw ProjectError("cannot write \(path): \(reason)")
    }
    fd = f
    temporary = candidate
  }

  deinit { if !finished { abandon() } }

  /// Writes all of `text`, or throws.
  public func write(_ text: String) throws {
    var text = text
    try text.withUTF8 { try write(UnsafeRawBufferPointer($0)) }
  }

  public func write(_ bytes: UnsafeRawBufferPointer) throws {
    var done = 0
    while done < bytes.count {
      let n = Glibc.write(fd, bytes.baseAddress! + done, bytes.count - done)
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { throw failure() }
      done += n
    }
  }

  /// Puts the finished file in place of the target.
  public func commit() throws {
    guard !finished else { return }
    guard let temporary else {
      guard Glibc.close(fd) == 0 else { throw failure() }
      fd = -1
      Glibc.close(folder)
      finished = true
      return
    }
    guard fsync(fd) == 0 else { throw failure() }
    Glibc.close(fd)
    fd = -1
    guard renameat(folder, temporary, folder, name) == 0 else { throw failure() }
    Glibc.close(folder)
    finished = true
  }

  /// Drops what was written: the target stays as it was.
  public func abandon() {
    guard !finished else { return }
    finished = true
    if fd >= 0 { Glibc.close(fd) }
    if let temporary { unlinkat(folder, temporary, 0) }
    Glibc.close(folder)
  }

  /// Writes `text` to `path` whole, or leaves `path` as it was.
  public static func write(_ text: String, to path: String, namedBy: NamedBy = .commandLine) throws {
    let file = try OutputFile(path, namedBy: namedBy)
    try file.write(text)
    try file.commit()
  }

  private func failure() -> ProjectError {
    let reason = String(cString: strerror(errno))
    abandon()
    return ProjectError("cannot write \(path): \(reason)")
  }

  static func refusal(_ path: String, _ why: String) -> ProjectError {
    ProjectError("cannot write \(ScriptFiles.shown(path)): \(why)")
  }

  /// The folder the file goes in. A script's folders are opened one at a time without
  /// following links, so a link planted as a folder cannot lead the file elsewhere.
  private static func openFolder(_ folderPath: String, _ path: String, _ namedBy: NamedBy) throws -> Int32 {
    switch namedBy {
    case .commandLine:
      let f = open(folderPath.isEmpty ? "." : folderPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
      guard f >= 0 else { throw ProjectError("cannot write \(path): \(String(cString: strerror(errno)))") }
      return f
    case .script(let base):
      var f = open(base, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
      guard f >= 0 else { throw ProjectError("cannot write \(path): \(String(cString: strerror(errno)))") }
      for part in folderPath.split(separator: "/") where !part.isEmpty {
        let next = openat(f, String(part), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        let reason = errno
        Glibc.close(f)
        guard next >= 0 else {
          if reason == ELOOP || reason == ENOTDIR {
            throw refusal(path, "\(part) is not a folder of its own (a link or a file)")
          }
          throw ProjectError("cannot write \(path): \(String(cString: strerror(reason)))")
        }
        f = next
      }
      return f
    }
  }
}
