import PeerCalendar

/// Turns source text into tokens. Newlines are tokens (they end statements) except inside
/// parentheses and brackets, and before a line that starts with `|` (a pipeline continues).
/// Bad characters become `.error` tokens so the parser can report them and carry on.
struct Token: Sendable {
  public enum Kind: Equatable, Sendable {
    case identifier(String)
    case keyword(Keyword)
    case int(Int)
    case float(Double)
    case date(Int32)
    case text([TextPart])
    case symbol(Symbol)
    /// A record's human id, `M-0042`: one of the record letters, a dash, four or more digits.
    case recordID(String)
    case newline
    case end
    case error(String)
  }

  public var kind: Kind
  public var position: SourcePosition
  public var length: Int
  /// Whether whitespace or a newline came before this token (`f (x)` vs `f(x)` is not
  /// significant, but a duration unit must follow its number on the same line).
  public var afterNewline: Bool = false
}

enum TextPart: Equatable, Sendable {
  case literal(String)
  /// An interpolated expression: its source and where it starts.
  case code(String, SourcePosition)
}

/// The lexer's entry point and its tables. The scanning itself is `LexerScanner`, generic over the
/// text's characters: a script that is plain ASCII (no `\r\n`) is scanned byte by byte, where
/// each byte is one `Character`; any other text is scanned as `Character`s. Both follow the
/// same code, so tokens, lines and columns (which count `Character`s) are the same either way.
enum Lexer {
  static let keywords = Set(Keyword.allCases.map(\.rawValue))

  /// Spellings from other languages that Peer script writes another way. Each is one error
  /// token whose message the parser pairs with a hint (`hint(for:)`), so the slip is named
  /// where it is made instead of surfacing later as "expected a value".
  static let slips: [(text: String, message: String, hint: String)] = [
    ("'", "text goes in double quotes, not single quotes", "write \"like this\""),
    ("&&", "\"&&\" is not an operator in Peer script", "write \"and\": a and b"),
    ("||", "\"||\" is not an operator in Peer script", "write \"or\": a or b"),
    ("!", "\"!\" is not an operator in Peer script", "write \"not\": not x (and \"!=\" for not equal)"),
  ]

  /// The hint for a slip's message, if the message is one of `slips`.
  public static func hint(for message: String) -> String? {
    slips.first(where: { $0.message == message })?.hint
  }

  static let notEqualBytes = Array("!=".utf8)
  /// `slips` as bytes, in their order.
  static let slipBytes: [(bytes: [UInt8], message: String)] = slips.map { (Array($0.text.utf8), $0.message) }

  /// The symbols by their first byte, each list in `Symbol.allCases` order (longest first where
  /// one spelling begins another).
  static let symbolsByFirstByte: [[(symbol: Symbol, bytes: [UInt8])]] = {
    var table = [[(symbol: Symbol, bytes: [UInt8])]](repeating: [], count: 128)
    for s in Symbol.allCases {
      let bytes = Array(s.rawValue.utf8)
      table[Int(bytes[0])].append((s, bytes))
    }
    return table
  }()

  public static func tokenize(
    _ text: String, line: Int = 1, column: Int = 1, recordPrefixes: Set<Character> = []
  ) -> [Token] {
    let bytes = Array(text.utf8)
    if isPlainASCII(bytes) {
      var scanner = LexerScanner(
        ASCIIText(bytes: bytes), line: line, column: column, recordPrefixes: recordPrefixes)
      return scanner.all()
    }
    var scanner = LexerScanner(
      CharacterText(chars: Array(text)), line: line, column: column, recordPrefixes: recordPrefixes)
    return scanner.all()
  }

  /// Whether every byte is ASCII and no `\r\n` (one `Character`) occurs: then each byte is one
  /// `Character`.
  static func isPlainASCII(_ bytes: [UInt8]) -> Bool {
    var previous: UInt8 = 0
    for b in bytes {
      if b >= 0x80 || (b == 0x0A && previous == 0x0D) { return false }
      previous = b
    }
    return true
  }
}

/// One character of the text being scanned: a `Character`, or a byte of ASCII text.
protocol LexerUnit: Equatable, ExpressibleByUnicodeScalarLiteral {
  /// `Character.isLetter`.
  var isLetter: Bool { get }
  /// An ASCII digit, 0 to 9.
  var isASCIIDigit: Bool { get }
  /// This character as a `Character`.
  var character: Character { get }
  /// This character's byte when it is one ASCII byte on its own, else nil.
  var asciiByte: UInt8? { get }
  init?(_ character: Character)
}

/// The text being scanned, indexed by character.
protocol LexerText {
  associatedtype Unit: LexerUnit
  var count: Int { get }
  subscript(_ i: Int) -> Unit { get }
  /// The characters in `range` as a string.
  func string(_ range: Range<Int>) -> String
}

struct ASCIIUnit: LexerUnit {
  let byte: UInt8
  init(byte: UInt8) { self.byte = byte }
  init(unicodeScalarLiteral value: Unicode.Scalar) { byte = UInt8(value.value) }
  init?(_ character: Character) {
    guard character.unicodeScalars.count == 1, let b = character.unicodeScalars.first, b.isASCII else {
      return nil
    }
    byte = UInt8(b.value)
  }
  var isLetter: Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
  var isASCIIDigit: Bool { byte >= 0x30 && byte <= 0x39 }
  var character: Character { Character(Unicode.Scalar(byte)) }
  var asciiByte: UInt8? { byte }
}

extension Character: LexerUnit {
  init?(_ character: Character) { self = character }
  var isASCIIDigit: Bool { isASCII && isNumber }
  var character: Character { self }
  var asciiByte: UInt8? {
    guard unicodeScalars.count == 1, let s = unicodeScalars.first, s.isASCII else { return nil }
    return UInt8(s.value)
  }
}

struct ASCIIText: LexerText {
  let bytes: [UInt8]
  var count: Int { bytes.count }
  subscript(_ i: Int) -> ASCIIUnit { ASCIIUnit(byte: bytes[i]) }
  func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
}

struct CharacterText: LexerText {
  let chars: [Character]
  var count: Int { chars.count }
  subscript(_ i: Int) -> Character { chars[i] }
  func string(_ range: Range<Int>) -> String { String(chars[range]) }
}

struct LexerScanner<Text: LexerText> {
  typealias Unit = Text.Unit
  let chars: Text
  var i = 0
  var line: Int
  var column: Int
  /// The bytes of the open brackets, innermost last.
  var nesting: [UInt8] = []
  /// The letters that start a record id (`M-0042`), as the host names them; the language
  /// alone has none.
  let recordPrefixes: [Unit]

  init(_ chars: Text, line: Int, column: Int, recordPrefixes: Set<Character>) {
    self.chars = chars
    self.line = line
    self.column = column
    self.recordPrefixes = recordPrefixes.compactMap { Unit($0) }
  }

  mutating func all() -> [Token] {
    var tokens: [Token] = []
    var sawNewline = true
    while true {
      let (tok, newlineBefore) = next()
      var t = tok
      t.afterNewline = newlineBefore || sawNewline
      sawNewline = false
      if case .newline = t.kind {
        // Collapse blank lines, skip newlines at the start and inside () [].
        if let last = nesting.last, last != UInt8(ascii: "{") { continue }
        if let last = tokens.last, case .newline = last.kind { continue }
        if tokens.isEmpty { continue }
        if nextLineStartsWithPipe() { continue }
        sawNewline = true
      }
      tokens.append(t)
      if case .end = t.kind { break }
    }
    return tokens
  }

  @inline(__always) private func peek(_ k: Int = 0) -> Unit? { i + k < chars.count ? chars[i + k] : nil }

  private mutating func advance() -> Unit {
    let c = chars[i]
    i += 1
    if c == "\n" {
      line += 1
      column = 1
    } else {
      column += 1
    }
    return c
  }

  /// Looks past blank lines and comments for a line beginning with `|` (not `||`).
  private func nextLineStartsWithPipe() -> Bool {
    var j = i
    while j < chars.count {
      let c = chars[j]
      if c == " " || c == "\t" || c == "\r" || c == "\n" {
        j += 1
      } else if c == "#" {
        while j < chars.count, chars[j] != "\n" { j += 1 }
      } else {
        return c == "|"
      }
    }
    return false
  }

  /// Returns the next token and whether a newline was skipped before it.
  mutating func next() -> (Token, Bool) {
    var skippedNewline = false
    while let c = peek() {
      if c == " " || c == "\t" || c == "\r" {
        _ = advance()
      } else if c == "#" {
        while let d = peek(), d != "\n" { _ = advance() }
      } else if c == "\\", peek(1) == "\n" {
        _ = advance()
        _ = advance()
        skippedNewline = true
      } else {
        break
      }
    }
    let start = SourcePosition(line: line, column: column)
    let startIndex = i
    guard let c = peek() else { return (Token(kind: .end, position: start, length: 1), skippedNewline) }
    func make(_ kind: Token.Kind) -> (Token, Bool) {
      (Token(kind: kind, position: start, length: max(1, i - startIndex)), skippedNewline)
    }
    if c == "\n" || c == ";" {
      _ = advance()
      return make(.newline)
    }
    if c.isASCIIDigit { return make(number()) }
    if recordPrefixes.contains(c), peek(1) == "-", isDigit(peek(2)), isDigit(peek(3)), isDigit(peek(4)),
      isDigit(peek(5))
    {
      _ = advance()
      _ = advance()
      while let d = peek(), isDigit(d) { _ = advance() }
      let code = chars.string(startIndex..<i)
      if let d = peek(), d == "_" || d.isLetter {
        return make(.error("\(code)\(d.character)... is not a record id (write ids like M-0042)"))
      }
      return make(.recordID(code))
    }
    if c == "_" || c.isLetter {
      while let d = peek(), d == "_" || d.isLetter || d.isASCIIDigit { _ = advance() }
      let word = chars.string(startIndex..<i)
      return make(Keyword.byText[word].map { .keyword($0) } ?? .identifier(word))
    }
    if c == "\"" { return make(text()) }
    if let first = c.asciiByte {
      if let slip = Lexer.slipBytes.first(where: { matches($0.bytes) }), !matches(Lexer.notEqualBytes) {
        for _ in slip.bytes { _ = advance() }
        return make(.error(slip.message))
      }
      for (s, bytes) in Lexer.symbolsByFirstByte[Int(first)] where matches(bytes) {
        for _ in bytes { _ = advance() }
        switch s {
        case .openParen, .openBracket, .openBrace: nesting.append(first)
        case .closeParen, .closeBracket, .closeBrace: if !nesting.isEmpty { nesting.removeLast() }
        default: break
        }
        return make(.symbol(s))
      }
    }
    _ = advance()
    return make(.error("unexpected character \(quote(String(c.character)))"))
  }

  /// Whether the text at the current position spells `bytes` (each byte one character).
  private func matches(_ bytes: [UInt8]) -> Bool {
    guard i + bytes.count <= chars.count else { return false }
    for (k, b) in bytes.enumerated() where chars[i + k].asciiByte != b { return false }
    return true
  }

  private mutating func digits() -> String {
    var s = ""
    while let d = peek(), d.isASCIIDigit || d == "_" {
      let ch = advance()
      if ch != "_" { s.append(ch.character) }
    }
    return s
  }

  private mutating func number() -> Token.Kind {
    let intPart = digits()
    // A date literal: 4 digits, dash, 2 digits, dash, 2 digits.
    if intPart.count == 4, peek() == "-", isDigit(peek(1)), isDigit(peek(2)), peek(3) == "-",
      isDigit(peek(4)),
      isDigit(peek(5)), !isDigit(peek(6))
    {
      var s = intPart
      for _ in 0..<6 { s.append(advance().character) }
      guard let d = CivilDate.parseISO(s) else { return .error("\(s) is not a real date") }
      return .date(d.days)
    }
    if let iso = ukDate(day: intPart) { return .error(iso) }
    var isFloat = false
    var s = intPart
    if peek() == ".", isDigit(peek(1)) {
      isFloat = true
      s.append(advance().character)
      s += digits()
    }
    if peek() == "e" || peek() == "E",
      isDigit(peek(1)) || ((peek(1) == "-" || peek(1) == "+") && isDigit(peek(2)))
    {
      isFloat = true
      s.append(advance().character)
      if peek() == "-" || peek() == "+" { s.append(advance().character) }
      s += digits()
    }
    if isFloat {
      guard let d = Double(s) else { return .error("bad number \(s)") }
      return .float(d)
    }
    guard let n = Int(s) else { return .error("the number \(s) is too large (the limit is \(Int.max))") }
    return .int(n)
  }

  /// A UK date typed as code (`01/11/2026`) would be read as two divisions and give a silent
  /// wrong number; a real day/month/year after the day's digits is an error naming the ISO form.
  private mutating func ukDate(day: String) -> String? {
    guard (1...2).contains(day.count), peek() == "/" else { return nil }
    var j = 1
    var month = ""
    while let d = peek(j), isDigit(d) { month.append(d.character); j += 1 }
    guard (1...2).contains(month.count), peek(j) == "/" else { return nil }
    j += 1
    var year = ""
    while let d = peek(j), isDigit(d) { year.append(d.character); j += 1 }
    func two(_ s: String) -> String { s.count == 1 ? "0" + s : s }
    let iso = "\(year)-\(two(month))-\(two(day))"
    guard year.count == 4, CivilDate.parseISO(iso) != nil else { return nil }
    let written = "\(day)/\(month)/\(year)"
    for _ in 0..<j { _ = advance() }
    return "\(written) is read as a division, not a date: write dates as \(iso)"
  }

  private func isDigit(_ c: Unit?) -> Bool { c?.isASCIIDigit ?? false }

  private mutating func text() -> Token.Kind {
    _ = advance()  // opening quote
    var parts: [TextPart] = []
    var current = ""
    while true {
      // A run of plain characters is copied whole.
      let runStart = i
      while let c = peek(), c != "\"", c != "\\", c != "{", c != "\n" { _ = advance() }
      if i > runStart { current += chars.string(runStart..<i) }
      guard let c = peek() else { return .error("this text has no closing quote") }
      if c == "\n" { return .error("this text has no closing quote before the end of the line") }
      _ = advance()
      if c == "\"" { break }
      if c == "\\" {
        guard let e = peek() else { return .error("this text has no closing quote") }
        _ = advance()
        switch e {
        case "n": current.append("\n")
        case "t": current.append("\t")
        case "r": current.append("\r")
        case "\"": current.append("\"")
        case "\\": current.append("\\")
        case "{": current.append("{")
        case "}": current.append("}")
        default: return .error("unknown escape \\\(e.character) in text (use \\\\ for a backslash)")
        }
        continue
      }
      // c == "{"
      if !current.isEmpty { parts.append(.literal(current)) }
      current = ""
      let pos = SourcePosition(line: line, column: column)
      var depth = 1
      var code = ""
      var inString = false
      while true {
        guard let d = peek(), d != "\n" else {
          return .error("\"{\" in text is not closed by \"}\" (write \\{ for a brace)")
        }
        _ = advance()
        if inString {
          if d == "\\", let e = peek() {
            code.append(d.character)
            code.append(e.character)
            _ = advance()
            continue
          }
          if d == "\"" { inString = false }
        } else if d == "\"" {
          inString = true
        } else if d == "{" {
          depth += 1
        } else if d == "}" {
          depth -= 1
          if depth == 0 { break }
        }
        code.append(d.character)
      }
      parts.append(.code(code, pos))
    }
    if !current.isEmpty || parts.isEmpty { parts.append(.literal(current)) }
    return .text(parts)
  }
}
