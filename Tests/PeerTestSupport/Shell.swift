#if canImport(Glibc)
  import Glibc
#endif

/// Runs a shell command: its exit status and standard output. popen, not Process: Process's
/// wait for a script's exit hung here (the child was left a zombie, never reaped).
public func shell(_ command: String) -> (status: Int32, output: String) {
  guard let pipe = popen(command, "r") else { return (-1, "cannot run \(command)") }
  var output = ""
  var buffer = [CChar](repeating: 0, count: 65536)
  while fgets(&buffer, Int32(buffer.count), pipe) != nil { output += String(cString: buffer) }
  return (pclose(pipe), output)
}
