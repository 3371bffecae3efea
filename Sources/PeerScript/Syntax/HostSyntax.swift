/// The words a host adds to the language's syntax. The language alone has none of them; peer
/// registers its record ids (`M-0042`) and its REPL commands (`suggest M-0042`, `save _ to
/// "f.csv"`), as Starlark's host predeclares what it adds.
public struct HostSyntax: Sendable {
  /// The letters that start a record id (`M-0042` reads the record through the host's
  /// `|record`).
  public var recordIDPrefixes: Set<Character> = []
  /// Statements written as commands, by their first word.
  public var commands: [String: CommandForm] = [:]

  public init() {}
}

/// A command-like statement: `WORD VALUE [JOINER VALUE]...` is the call `WORD(VALUE, ...)`
/// (`save _ to "f.csv"` is `save(_, "f.csv")`), and `WORD ALONE` a call of its own
/// (`suggest all` is `suggest_all()`). The word followed by `(`, an operator or nothing stays
/// an ordinary name, so `save(x, "f.csv")` and a variable called `suggest` still work.
public struct CommandForm: Sendable {
  /// A word between two values, and what the value after it is (`to`, "a file name").
  public struct Joiner: Sendable {
    public var word: String
    public var then: String

    public init(_ word: String, then: String) {
      self.word = word
      self.then = then
    }
  }

  public var joiners: [Joiner]
  public var alone: [String: String]
  /// How the command is written, for the message when a joiner is missing.
  public var example: String

  public init(joiners: [Joiner] = [], alone: [String: String] = [:], example: String) {
    self.joiners = joiners
    self.alone = alone
    self.example = example
  }
}
