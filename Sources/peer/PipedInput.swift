import PeerScript

/// Standard input that is not a terminal, cut where a line is a REPL command (`:help report`,
/// `:load FILE`, `:quit`), so `echo ':help suppress' | peer` answers as the prompt would. Input
/// without such lines is one script, run in one transaction; with them, each stretch of script
/// between commands is one. A `:` line inside an unfinished statement (a text left open) belongs
/// to the script.
enum PipedInput {
  enum Part: Equatable {
    /// Script text, with blank lines in front so an error names its line in the whole input.
    case script(String)
    case command(String)
  }

  static func parts(of source: String) -> [Part] {
    var parts: [Part] = []
    var script: [Substring] = []
    var firstLine = 1
    var lineNumber = 0
    func flush(before line: Int) {
      if script.contains(where: { !$0.allSatisfy(\.isWhitespace) }) {
        parts.append(.script(String(repeating: "\n", count: firstLine - 1) + script.joined(separator: "\n")))
      }
      script = []
      firstLine = line + 1
    }
    for line in source.split(separator: "\n", omittingEmptySubsequences: false) {
      lineNumber += 1
      let trimmed = line.drop { $0 == " " || $0 == "\t" }
      if trimmed.hasPrefix(":"),
        trimmed.dropFirst().first?.isLetter == true || trimmed.dropFirst().first == "?",
        !Interpreter.needsMoreInput(script.joined(separator: "\n"))
      {
        flush(before: lineNumber)
        parts.append(.command(String(trimmed).trimmingWhitespace()))
        continue
      }
      if script.isEmpty { firstLine = lineNumber }
      script.append(line)
    }
    flush(before: lineNumber)
    return parts
  }
}
