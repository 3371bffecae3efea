/// The language's keywords and punctuation: one list each, which the lexer reads and the
/// parser and messages name. A literal in the parser (`isSymbol("(")`, `case .keyword("in")`)
/// is one of these; a spelling that is not would stop the first test that parses anything.
enum Keyword: String, CaseIterable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
  case `let`, `var`, fn, `return`, `if`, `else`, `for`, `in`, `while`, `break`, `continue`
  case and, or, not, `true`, `false`, `nil`, record, test

  init(stringLiteral text: String) { self = Keyword.byText[text]! }
  var description: String { rawValue }

  /// The keywords by their text: one hash lookup where `init(rawValue:)` compares the text with
  /// every keyword in turn (the lexer asks for each word, the parser for each literal).
  static let byText: [String: Keyword] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })
}

/// Punctuation, longest first where one spelling begins another (`..<` before `..` before `.`),
/// the order the lexer tries them in.
enum Symbol: String, CaseIterable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
  case rangeExclusive = "..<", ellipsis = "...", equal = "==", notEqual = "!=", lessOrEqual = "<="
  case greaterOrEqual = ">=", range = "..", wholeDivide = "//", addAssign = "+=", subtractAssign = "-="
  case multiplyAssign = "*=", divideAssign = "/=", arrow = "->", fatArrow = "=>"
  case plus = "+", minus = "-", star = "*", slash = "/", percent = "%", less = "<", greater = ">"
  case assign = "=", openParen = "(", closeParen = ")", openBracket = "[", closeBracket = "]"
  case openBrace = "{", closeBrace = "}", comma = ",", dot = ".", colon = ":", bar = "|", semicolon = ";"
  case ampersand = "&", question = "?"

  /// The parser's literals (`isSymbol("(")`) come here on every test of a token: a one-byte
  /// symbol is read from a table, where `init(rawValue:)` compares the text with every symbol in
  /// turn.
  init(stringLiteral text: String) {
    let utf8 = text.utf8
    if utf8.count == 1, let first = utf8.first, first < 0x80, let s = Symbol.oneByte[Int(first)] {
      self = s
    } else {
      self = Symbol.byText[text]!
    }
  }
  var description: String { rawValue }

  /// The symbols by their text.
  static let byText: [String: Symbol] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })

  /// The one-byte symbols, by their byte.
  static let oneByte: [Symbol?] = {
    var table = [Symbol?](repeating: nil, count: 128)
    for s in allCases where s.rawValue.utf8.count == 1 { table[Int(s.rawValue.utf8.first!)] = s }
    return table
  }()
}
