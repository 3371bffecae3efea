import Foundation
import Testing

@testable import PeerScript

/// The lexer scans plain ASCII text byte by byte and any other text `Character` by
/// `Character`; both must give the same tokens, positions and lengths.
@Suite("Lexer paths")
struct LexerPathsTests {
  func characterTokens(_ text: String, recordPrefixes: Set<Character>) -> [Token] {
    var scanner = LexerScanner(
      CharacterText(chars: Array(text)), line: 1, column: 1, recordPrefixes: recordPrefixes)
    return scanner.all()
  }

  func expectSame(_ text: String, _ name: String, recordPrefixes: Set<Character> = ["M", "V"]) {
    let bytes = Lexer.tokenize(text, recordPrefixes: recordPrefixes)
    let characters = characterTokens(text, recordPrefixes: recordPrefixes)
    #expect(bytes.count == characters.count, "\(name): token counts differ")
    for (a, b) in zip(bytes, characters)
    where a.kind != b.kind || a.position != b.position || a.length != b.length
      || a.afterNewline != b.afterNewline
    {
      Issue.record("\(name): \(a) scanned as bytes, \(b) as characters")
      return
    }
  }

  @Test func everyScriptScansTheSameAsBytesAndAsCharacters() throws {
    let root = ConformanceScripts.packageRoot.path
    var checked = 0
    for folder in ["Tests/Scripts", "Examples", "Benchmarks"] {
      guard let walker = FileManager.default.enumerator(atPath: root + "/" + folder) else { continue }
      for case let relative as String in walker where relative.hasSuffix(".peer") {
        let text = try String(contentsOfFile: root + "/" + folder + "/" + relative, encoding: .utf8)
        guard Lexer.isPlainASCII(Array(text.utf8)) else { continue }
        expectSame(text, relative)
        checked += 1
      }
    }
    #expect(checked > 50)
  }

  @Test func trickyText() {
    for text in [
      "M-0042 V-12345x M-12 x_1 _y 1_000 1.5e-3 2027-03-14 2027-02-30 01/11/2026 1/2/3",
      "a ..< b ... c .. d // e -> f => g != h ! i && j || k ' l",
      "\"a{b + \"}\"}c\\n\" \"open\n\"x{\" \"\\q\"",
      "f(\n1,\n2)\n[\n]\n{\n}\nxs\n  # c\n  | count\na \\\n b; c @ ` ~",
    ] {
      expectSame(text, text)
    }
  }

  @Test func textThatIsNotPlainASCII() {
    // Non-ASCII letters are letters; `\r\n` is one character, as before.
    #expect(
      Lexer.tokenize("é1 = \"ü{x}\"").map(\.kind) == [
        .identifier("é1"), .symbol("="),
        .text([.literal("ü"), .code("x", SourcePosition(line: 1, column: 9))]),
        .end,
      ])
    #expect(
      Lexer.tokenize("é = 1\nb").map(\.position.description) == ["1:1", "1:3", "1:5", "1:6", "2:1", "2:2"])
    #expect(!Lexer.isPlainASCII(Array("a\r\nb".utf8)))
    #expect(Lexer.isPlainASCII(Array("a\rb\n".utf8)))
  }
}

/// The tables the lexer and parser read instead of comparing texts say what the texts say.
@Suite("Word tables")
struct WordTableTests {
  @Test func tablesAgreeWithTheSpellings() {
    for s in Symbol.allCases {
      #expect(Symbol(stringLiteral: s.rawValue) == s)
      #expect(InfixOperator(s) == InfixOperator(rawValue: s.rawValue))
    }
    for k in Keyword.allCases { #expect(Keyword(stringLiteral: k.rawValue) == k) }
    for o in InfixOperator.allCases {
      #expect(o.arithmetic == ArithmeticOperator(rawValue: o.rawValue))
      #expect(o.comparison == ComparisonOperator(rawValue: o.rawValue))
    }
  }

  @Test func lineCountIsTheLinesSplit() {
    for text in ["", "a", "a\n", "a\nb", "\n\n", "a\r\nb\n", "é\n\u{301}x\r\n\r\n"] {
      let source = Source(name: "t", text: text)
      #expect(source.lineCount == source.lines.count, "\(text.debugDescription)")
    }
  }
}
