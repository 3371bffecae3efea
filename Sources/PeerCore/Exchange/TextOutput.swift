import PeerScript

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where an export (or an import's rejected rows) is written: a file, standard output, or
/// memory. Writes are buffered; call `close()` when done.
public final class TextOutput {
  private var file: UnsafeMutablePointer<FILE>?
  /// A file this output writes: whole or not at all (see OutputFile).
  private var output: OutputFile?
  private var failure: Error?
  private let ownsFile: Bool
  private var buffer: [UInt8] = []
  private let keepsText: Bool
  /// Standard output on a terminal: control characters shown escaped (TerminalText).
  private var escapesControls = false
  private var kept: [UInt8] = []

  private init(file: UnsafeMutablePointer<FILE>?, ownsFile: Bool, keepsText: Bool) {
    self.file = file
    self.ownsFile = ownsFile
    self.keepsText = keepsText
    buffer.reserveCapacity(1 << 16)
  }

  /// A new file at `path`, readable by its owner only (exports hold personal data). It appears
  /// only when `close()` succeeds: an export that fails leaves no partial file.
  public static func file(_ path: String) throws -> TextOutput {
    let out = TextOutput(file: nil, ownsFile: true, keepsText: false)
    out.output = try OutputFile(path)
    return out
  }

  /// Standard output; `terminal`: it is a terminal, where control characters in the records
  /// are shown escaped (a file or pipe gets them as they are).
  public static func standardOutput(terminal: Bool = false) -> TextOutput {
    let out = TextOutput(file: fdopen(1, "wb"), ownsFile: false, keepsText: false)
    out.escapesControls = terminal
    return out
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
    buffer.append(contentsOf: escapesControls ? TerminalText.safe(s).utf8 : s.utf8)
    if buffer.count >= 1 << 16 { flush() }
  }

  public func flush() {
    if keepsText {
      kept += buffer
    } else if let output, !buffer.isEmpty, failure == nil {
      do { try buffer.withUnsafeBytes { try output.write($0) } } catch { failure = error }
    } else if let file, !buffer.isEmpty {
      _ = buffer.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
      fflush(file)
    }
    buffer.removeAll(keepingCapacity: true)
  }

  /// Flushes, and closes a file this output opened.
  public func close() throws {
    flush()
    if let output {
      self.output = nil
      if let failure { throw failure }
      try output.commit()
    }
    if let file {
      // Standard output too: an export piped to a full disk must not end "ok".
      let failed = ferror(file) != 0
      if ownsFile { fclose(file) }
      self.file = nil
      if failed {
        throw ProjectError("the export could not be written in full: \(String(cString: strerror(errno)))")
      }
    }
  }

  // An output dropped before `close()` (the export failed) leaves no file: OutputFile removes
  // its temporary file when it goes.
}
