/// A place in a script: 1-based line and column (columns count characters).
public struct SourcePosition: Hashable, Sendable, CustomStringConvertible {
  public var line: Int
  public var column: Int
  public init(line: Int, column: Int) {
    self.line = line
    self.column = column
  }
  public var description: String { "\(line):\(column)" }
}

/// A source text with its name, kept so that messages can quote the offending line.
public final class Source: Sendable {
  public let name: String
  public let text: String
  /// The lines, split when asked (for a message), not for every script compiled.
  public var lines: [Substring] { text.split(separator: "\n", omittingEmptySubsequences: false) }
  /// `lines.count`: one more than the `\n` characters, which are the `\n` bytes not after a
  /// `\r` (`\r\n` is one character, and a line feed never joins another).
  public let lineCount: Int

  public init(name: String, text: String) {
    self.name = name
    // A script saved on Windows ends its lines with "\r\n", one character the lexer would
    // refuse: it reads as "\n", every line and column staying where they were.
    self.text =
      text.utf8.contains(0x0D)
      ? text.split(separator: "\r\n", omittingEmptySubsequences: false).joined(separator: "\n") : text
    var count = 1
    var previous: UInt8 = 0
    for b in self.text.utf8 {
      if b == 0x0A, previous != 0x0D { count += 1 }
      previous = b
    }
    self.lineCount = count
  }

  public func line(_ n: Int) -> String? {
    let lines = self.lines
    guard n >= 1, n <= lines.count else { return nil }
    var l = String(lines[n - 1])
    if l.hasSuffix("\r") { l.removeLast() }
    return l
  }
}

/// A compile-time problem: where, what, and what to do about it.
public struct Diagnostic: Error, Sendable, CustomStringConvertible {
  public var file: String
  public var position: SourcePosition
  /// How many characters the caret underlines.
  public var length: Int
  public var message: String
  public var hint: String?
  /// The source line, for the excerpt under the message.
  public var sourceLine: String?

  public init(
    file: String, position: SourcePosition, length: Int = 1, message: String, hint: String? = nil,
    sourceLine: String? = nil
  ) {
    self.file = file
    self.position = position
    self.length = max(1, length)
    self.message = message
    self.hint = hint
    self.sourceLine = sourceLine
  }

  /// `file:line:col: error: message`, the line, a caret, and the hint.
  public var description: String { rendered(color: false) }

  /// Control characters from the script or its data are shown escaped (`TerminalText`): the
  /// only escape codes in the result are the colours asked for.
  public func rendered(color: Bool) -> String {
    let file = TerminalText.safe(file)
    let message = TerminalText.safe(message)
    let hint = hint.map(TerminalText.safe)
    let sourceLine = sourceLine.map(TerminalText.safe)
    let red = color ? "\u{1B}[1;31m" : ""
    let bold = color ? "\u{1B}[1m" : ""
    let reset = color ? "\u{1B}[0m" : ""
    var out =
      "\(bold)\(file):\(position.line):\(position.column):\(reset) \(red)error:\(reset) \(bold)\(message)\(reset)"
    if var line = sourceLine {
      var column = position.column
      // Show a window of a very long line around the column.
      if line.count > 120 {
        let start = max(0, column - 60)
        let window = line.dropFirst(start).prefix(120)
        line = (start > 0 ? "..." : "") + window + (start + 120 < line.count ? "..." : "")
        column = column - start + (start > 0 ? 3 : 0)
      }
      let gutter = String(position.line)
      let pad = String(repeating: " ", count: gutter.count)
      out += "\n \(gutter) | \(line)"
      let lead = line.prefix(max(0, column - 1)).map { $0 == "\t" ? "\t" : " " }.joined()
      let width = max(1, min(length, max(1, line.count - column + 1)))
      out += "\n \(pad) | \(lead)\(red)\(String(repeating: "^", count: width))\(reset)"
    }
    if let hint { out += "\n \(String(repeating: " ", count: String(position.line).count)) = hint: \(hint)" }
    return out
  }
}

/// All the problems found in one script; the parser reports several at once where it can.
public struct CompileError: Error, Sendable, CustomStringConvertible {
  public var diagnostics: [Diagnostic]
  public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
  public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}

/// One line of a runtime stack trace, in the script's terms.
public struct TraceEntry: Sendable {
  public var function: String
  public var file: String
  public var position: SourcePosition
}

/// An error raised while running: a message naming the values and the operation, the place,
/// and the chain of calls that led there.
public struct RuntimeError: Error, Sendable, CustomStringConvertible {
  public var message: String
  public var hint: String?
  public var file: String?
  public var position: SourcePosition?
  public var sourceLine: String?
  public var trace: [TraceEntry] = []
  /// Set for errors that a `try`-like construct or test must not catch (budgets, Ctrl-C).
  public var isFatal = false

  public init(_ message: String, hint: String? = nil) {
    self.message = message
    self.hint = hint
  }

  public var description: String { rendered(color: false) }

  public func rendered(color: Bool) -> String {
    var out: String
    if let file, let position {
      out = Diagnostic(
        file: file, position: position, message: message, hint: hint, sourceLine: sourceLine
      ).rendered(color: color)
    } else {
      out = "error: \(TerminalText.safe(message))"
      if let hint { out += "\n  = hint: \(TerminalText.safe(hint))" }
    }
    if trace.count > 1 {
      out += "\nstack trace (most recent call first):"
      for t in trace.prefix(20) {
        out += "\n  at \(TerminalText.safe(t.function)) (\(TerminalText.safe(t.file)):\(t.position))"
      }
      if trace.count > 20 { out += "\n  ... \(trace.count - 20) more" }
    }
    return out
  }
}

/// The closest candidate by edit distance, for "did you mean" hints.
public func closestMatch(to name: String, in candidates: some Sequence<String>) -> String? {
  var best: (String, Int)?
  let limit = max(1, name.count / 3)
  for c in candidates where c != name {
    let d = editDistance(name.lowercased(), c.lowercased())
    if d <= limit, best == nil || d < best!.1 { best = (c, d) }
  }
  return best?.0
}

func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a)
  let b = Array(b)
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var prev = Array(0...b.count)
  var cur = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    cur[0] = i
    for j in 1...b.count {
      let cost = a[i - 1] == b[j - 1] ? 0 : 1
      cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
    }
    swap(&prev, &cur)
  }
  return prev[b.count]
}
