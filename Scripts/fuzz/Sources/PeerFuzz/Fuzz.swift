// libFuzzer entry point: every input, decoded as UTF-8 (invalid bytes become U+FFFD), goes
// through lexing, parsing and compiling. `check` must return diagnostics for any text, never
// crash, trap or hang. libFuzzer provides `main`, which is why this file is not main.swift.
import PeerScript

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  _ = Interpreter().check(text, file: "fuzz.peer")
  return 0
}
