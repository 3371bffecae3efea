// libFuzzer entry point: every input, decoded as UTF-8 (invalid bytes become U+FFFD), goes
// through lexing, parsing and compiling, and what compiles is run in the VM under small step,
// depth and memory budgets. Neither may crash, trap or hang on any text: a script error or a
// budget's message is a fine outcome. libFuzzer provides `main`, which is why this file is not
// main.swift.
import PeerCalendar
import PeerScript

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  var options = InterpreterOptions()
  options.maxSteps = 200_000
  options.maxDepth = 200
  options.maxMemoryBytes = 64 << 20
  options.today = CivilDate(year: 2026, month: 11, day: 26)
  options.output = { _ in }
  let interpreter = Interpreter(options: options)
  // The words peer adds (its Session does the same), so record ids and commands are fuzzed too.
  interpreter.hostSyntax.recordIDPrefixes = Set("VMXCES")
  interpreter.hostSyntax.commands = [
    "save": CommandForm(joiners: [.init("to", then: "a file name")], example: "save _ to \"f.csv\""),
    "suggest": CommandForm(alone: ["all": "suggest_all"], example: "suggest M-0042"),
  ]
  if interpreter.check(text, file: "fuzz.peer").isEmpty {
    // Errors are expected (most inputs are nonsense); only a crash, trap or hang is a find.
    do { _ = try interpreter.run(text, file: "fuzz.peer") } catch {}
  }
  return 0
}
