import PeerScript

/// What Tab offers: REPL commands, keywords, global names (built-ins and the user's own
/// definitions) and, after `name.`, the fields of that global's value.
///
/// Only a plain global name before the dot is looked up: completion must never run code, and
/// evaluating `f().` or `xs[i].` could.
final class Completer {
  struct Result {
    var candidates: [String]
    /// The character readline adds after a unique match (nil keeps readline's space).
    var append: Character?
  }

  /// Characters that end the word being completed. `.` is one so that `m.na` completes `na`;
  /// `:` is not, so that `:he` completes as a whole REPL command.
  static let wordBreakCharacters = " \t\n\"\\'`@$><=;|&{}()[],.+-*/%!#"

  static let commands = [":help", ":load", ":quit", ":q"]

  let interpreter: Interpreter

  init(interpreter: Interpreter) { self.interpreter = interpreter }

  /// Candidates for `word`, given the text before it on the line; nil means "complete a file
  /// name" (readline's default).
  func complete(word: String, before: String) -> Result? {
    let lead = before.drop { $0 == " " || $0 == "\t" }
    if lead.isEmpty && word.hasPrefix(":") {
      return Result(candidates: Self.commands.filter { $0.hasPrefix(word) }, append: " ")
    }
    if lead.hasPrefix(":load ") || lead.hasPrefix(":l ") { return nil }
    if lead.hasPrefix(":help ") || lead.hasPrefix(":h ") {
      return Result(candidates: names(startingWith: word), append: " ")
    }
    if before.hasSuffix(".") {
      guard let owner = Self.plainName(endingAt: before.dropLast()), let value = interpreter.global(owner)
      else {
        return Result(candidates: [], append: nil)
      }
      let fields = Set(interpreter.fieldNames(of: value)).filter { $0.hasPrefix(word) }
      return Result(candidates: fields.sorted(), append: nil)
    }
    let candidates = names(startingWith: word)
    // A function completes with "(" when it is the only match, ready for its arguments.
    if candidates.count == 1, let value = interpreter.global(candidates[0]), Self.isFunction(value) {
      return Result(candidates: candidates, append: "(")
    }
    return Result(candidates: candidates, append: nil)
  }

  func names(startingWith prefix: String) -> [String] {
    var all = Set(Interpreter.keywords)
    all.formUnion(interpreter.globalNames)
    if !prefix.hasPrefix("_") { all = all.filter { !$0.hasPrefix("_") } }
    return all.filter { $0.hasPrefix(prefix) }.sorted()
  }

  /// The identifier just before a dot, when it stands alone: `m` in `x + m.` but not in `a.m.`,
  /// `f(m).` or `1.`.
  static func plainName(endingAt text: Substring) -> String? {
    var start = text.endIndex
    while start > text.startIndex {
      let previous = text.index(before: start)
      let c = text[previous]
      guard c == "_" || c.isLetter || c.isNumber else { break }
      start = previous
    }
    let name = text[start...]
    guard let first = name.first, first == "_" || first.isLetter else { return nil }
    if start > text.startIndex {
      let c = text[text.index(before: start)]
      if c == "." || c == ")" || c == "]" || c == "\"" { return nil }
    }
    return String(name)
  }

  static func isFunction(_ value: Value) -> Bool {
    switch value {
    case .closure, .native: return true
    default: return false
    }
  }
}
