#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes a finished report: whole or not at all. The text goes to a temporary file beside the
/// target, which is then renamed over it, so a reader never sees half a report. Owner-only
/// permissions: reports can hold personal data.
public enum ReportFile {
  public static func write(_ text: String, to path: String) throws {
    let temporary = path + ".part-\(getpid())"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { throw ProjectError("cannot write \(path): \(String(cString: strerror(errno)))") }
    let bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
      let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
      if n <= 0 { break }
      written += n
    }
    let ok = written == bytes.count && fsync(fd) == 0
    close(fd)
    guard ok, rename(temporary, path) == 0 else {
      let reason = String(cString: strerror(errno))
      unlink(temporary)
      throw ProjectError("cannot write \(path): \(reason)")
    }
  }
}
