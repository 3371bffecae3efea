#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where an export (or an import's rejected rows) is written: a file, standard output, or
/// memory. Writes are buffered; call `close()` when done.
public final class TextOutput {
  private var file: UnsafeMutablePointer<FILE>?
  private let ownsFile: Bool
  private var buffer: [UInt8] = []
  private let keepsText: Bool
  private var kept: [UInt8] = []

  private init(file: UnsafeMutablePointer<FILE>?, ownsFile: Bool, keepsText: Bool) {
    self.file = file
    self.ownsFile = ownsFile
    self.keepsText = keepsText
    buffer.reserveCapacity(1 << 16)
  }

  /// A new file at `path`, readable by its owner only (exports hold personal data).
  public static func file(_ path: String) throws -> TextOutput {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0, let f = fdopen(fd, "wb") else {
      throw ProjectError("cannot write \(path): \(String(cString: strerror(errno)))")
    }
    return TextOutput(file: f, ownsFile: true, keepsText: false)
  }

  /// Standard output.
  public static func standardOutput() -> TextOutput {
    TextOutput(file: fdopen(1, "wb"), ownsFile: false, keepsText: false)
  }

  /// Memory: read what was written with `text` (for tests and small exports).
  public static func memory() -> TextOutput {
    TextOutput(file: nil, ownsFile: false, keepsText: true)
  }

  /// Everything written so far (memory outputs only).
  public var text: String {
    String(decoding: kept + buffer, as: UTF8.self)
  }

  public func write(_ s: String) {
    buffer.append(contentsOf: s.utf8)
    if buffer.count >= 1 << 16 { flush() }
  }

  public func flush() {
    if keepsText {
      kept += buffer
    } else if let file, !buffer.isEmpty {
      _ = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
      fflush(file)
    }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Flushes, and closes a file this output opened.
  public func close() throws {
    flush()
    if let file, ownsFile {
      let failed = ferror(file) != 0
      fclose(file)
      self.file = nil
      if failed {
        throw ProjectError("the export could not be written in full: \(String(cString: strerror(errno)))")
      }
    }
  }

  deinit {
    // Only reached when a write already failed and its error is on its way: closing is tidying.
    if ownsFile, file != nil { try? close() }
  }
}
