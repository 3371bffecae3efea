import ArgumentParser

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reading script files, with one clear sentence when that is impossible.
enum ScriptFile {
  struct ReadError: Error, CustomStringConvertible {
    var description: String
  }

  /// The whole file as text. Reads with stdio rather than Foundation to keep start-up quick.
  static func read(_ path: String) throws -> String {
    var info = stat()
    if stat(path, &info) != 0 {
      let reason = errno == ENOENT ? "there is no such file" : String(cString: strerror(errno)).lowercased()
      throw ReadError(description: "peer: cannot read '\(path)': \(reason).")
    }
    if (info.st_mode & S_IFMT) == S_IFDIR {
      throw ReadError(description: "peer: cannot read '\(path)': it is a folder, not a script.")
    }
    guard let file = fopen(path, "rb") else {
      throw ReadError(
        description: "peer: cannot read '\(path)': \(String(cString: strerror(errno)).lowercased()).")
    }
    defer { fclose(file) }
    return readAll(file)
  }

  /// Everything left on a stdio stream (used for piped stdin too).
  static func readAll(_ file: UnsafeMutablePointer<FILE>) -> String {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = fread(&buffer, 1, buffer.count, file)
      if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
      if n < buffer.count { break }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Reads the file, or prints the sentence on stderr and exits with status 1.
  static func readOrExit(_ path: String) throws -> String {
    do {
      return try read(path)
    } catch let error as ReadError {
      Console.writeError(error.description + "\n")
      throw ExitCode(1)
    }
  }
}
