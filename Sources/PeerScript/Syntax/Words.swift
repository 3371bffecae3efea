/// The language's keywords and punctuation: one list each, which the lexer reads and the
/// parser and messages name. A literal in the parser (`isSymbol("(")`, `case .keyword("in")`)
/// is one of these; a spelling that is not would stop the first test that parses anything.
enum Keyword: String, CaseIterable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
  case `let`, `var`, fn, `return`, `if`, `else`, `for`, `in`, `while`, `break`, `continue`
  case and, or, not, `true`, `false`, `nil`, record, test

  init(stringLiteral text: String) { self = Keyword(rawValue: text)! }
  var description: String { rawValue }
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

  init(stringLiteral text: String) { self = Symbol(rawValue: text)! }
  var description: String { rawValue }
}
