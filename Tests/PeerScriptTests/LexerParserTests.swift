import PeerCalendar
import Testing

@testable import PeerScript

/// Edge cases of the lexer and parser that scripts cannot easily show.
@Suite("Lexer")
struct LexerTests {
  func kinds(_ text: String) -> [Token.Kind] { Lexer.tokenize(text).map(\.kind) }

  @Test func numbersDatesAndRanges() {
    #expect(
      kinds("42 1_000 1.5 1e3 2.5e-1") == [
        .int(42), .int(1000), .float(1.5), .float(1000), .float(0.25), .end,
      ])
    #expect(kinds("2027-03-14") == [.date(CivilDate(year: 2027, month: 3, day: 14).days), .end])
    // Not a date: the month needs two digits, so this is subtraction.
    #expect(kinds("2027-3-14") == [.int(2027), .symbol("-"), .int(3), .symbol("-"), .int(14), .end])
    // `1..10` is a range, not the float `1.` followed by `.10`.
    #expect(
      kinds("1..10 0..<n") == [
        .int(1), .symbol(".."), .int(10), .int(0), .symbol("..<"), .identifier("n"), .end,
      ])
    #expect(kinds("2027-02-30") == [.error("2027-02-30 is not a real date"), .end])
    #expect(
      kinds("99999999999999999999") == [
        .error("the number 99999999999999999999 is too large (the limit is 9223372036854775807)"), .end,
      ])
  }

  @Test func keywordsSymbolsAndErrors() {
    #expect(
      kinds("let x = not y") == [
        .keyword("let"), .identifier("x"), .symbol("="), .keyword("not"), .identifier("y"), .end,
      ])
    #expect(
      kinds("a // b += c => d") == [
        .identifier("a"), .symbol("//"), .identifier("b"), .symbol("+="), .identifier("c"), .symbol("=>"),
        .identifier("d"), .end,
      ])
    #expect(
      kinds("a @ b") == [.identifier("a"), .error("unexpected character \"@\""), .identifier("b"), .end])
    #expect(kinds("naïve_1") == [.identifier("naïve_1"), .end])
  }

  @Test func newlines() {
    // Blank lines and comments collapse; leading newlines vanish; `;` is a newline.
    #expect(
      kinds("\n\n a # note\n\n\n b; c") == [
        .identifier("a"), .newline, .identifier("b"), .newline, .identifier("c"), .end,
      ])
    // Inside ( and [ newlines do not count; inside { they do.
    #expect(
      kinds("f(1,\n2)") == [
        .identifier("f"), .symbol("("), .int(1), .symbol(","), .int(2), .symbol(")"), .end,
      ])
    #expect(kinds("[1,\n2]").contains(.newline) == false)
    #expect(kinds("{\na\n}") == [.symbol("{"), .newline, .identifier("a"), .newline, .symbol("}"), .end])
    // A line starting with `|` continues the previous one, even after blank lines and comments.
    #expect(kinds("xs\n  # c\n\n  | count") == [.identifier("xs"), .symbol("|"), .identifier("count"), .end])
    // A backslash at the end of a line joins the lines.
    #expect(kinds("a \\\n b") == [.identifier("a"), .identifier("b"), .end])
  }

  @Test func positions() {
    let tokens = Lexer.tokenize("let x\n  = 42")
    #expect(tokens.map(\.position.description) == ["1:1", "1:5", "1:6", "2:3", "2:5", "2:7"])
    #expect(tokens[4].length == 2)
    #expect(tokens[3].afterNewline)
    #expect(!tokens[4].afterNewline)
  }

  @Test func text() {
    #expect(kinds(#""a\tb\n\"q\" \\ \{x\}""#) == [.text([.literal("a\tb\n\"q\" \\ {x}")]), .end])
    #expect(kinds(#""""#) == [.text([.literal("")]), .end])
    let parts = kinds(#""x{a + "}"}y""#)
    #expect(
      parts == [
        .text([.literal("x"), .code(#"a + "}""#, SourcePosition(line: 1, column: 4)), .literal("y")]), .end,
      ])
    #expect(
      kinds(#""{f({a: 1})}""#) == [.text([.code("f({a: 1})", SourcePosition(line: 1, column: 3))]), .end])
    #expect(kinds("\"abc\nd\"").first == .error("this text has no closing quote before the end of the line"))
    #expect(kinds("\"abc").first == .error("this text has no closing quote"))
    #expect(kinds(#""\q""#).first == .error("unknown escape \\q in text (use \\\\ for a backslash)"))
  }
}

@Suite("Parser")
struct ParserTests {
  /// Parses one expression statement and shows its shape as an S-expression.
  func shape(_ text: String) -> String {
    let (main, diagnostics) = Parser.parse(Source(name: "t", text: text))
    guard diagnostics.isEmpty else { return "error: " + diagnostics.map(\.message).joined(separator: "; ") }
    return main.body.map(show).joined(separator: " ; ")
  }

  func show(_ s: Stmt) -> String {
    switch s.kind {
    case .expression(let e): return show(e)
    case .declare(let name, let mutable, let value):
      return "(\(mutable ? "var" : "let") \(name) \(value.map(show) ?? "-"))"
    case .assign(let target, let op, let value):
      return "(\(op?.rawValue ?? "")= \(show(target)) \(show(value)))"
    case .function(let f):
      return
        "(fn \(f.name) [\(f.parameters.joined(separator: " "))] \(f.defaults.filter { $0 != nil }.count) \(f.body.map(show).joined(separator: " ")))"
    case .ifElse(let c, let t, let e):
      return "(if \(show(c)) [\(t.map(show).joined(separator: " "))]"
        + (e.map { " [\($0.map(show).joined(separator: " "))]" } ?? "") + ")"
    case .whileLoop(let c, let b): return "(while \(show(c)) \(b.count))"
    case .forLoop(let a, let b, let seq, _): return "(for \(a)\(b.map { "," + $0 } ?? "") \(show(seq)))"
    case .returnValue(let v): return "(return \(v.map(show) ?? "-"))"
    case .breakLoop: return "break"
    case .continueLoop: return "continue"
    case .record(let name, let fields): return "(record \(name) \(fields.joined(separator: " ")))"
    case .test(let name, _): return "(test \(name))"
    }
  }

  func show(_ e: Expr) -> String {
    switch e.kind {
    case .literal(let v): return v.repr
    case .interpolation(let parts):
      return "(str "
        + parts.map {
          if case .expr(let x) = $0 {
            return show(x)
          } else if case .literal(let s) = $0 {
            return quoteText(s)
          } else {
            return ""
          }
        }.joined(separator: " ") + ")"
    case .name(let n): return n
    case .list(let items): return "[" + items.map(show).joined(separator: " ") + "]"
    case .map(let pairs):
      return "{" + pairs.map { show($0.0) + ":" + show($0.1) }.joined(separator: " ") + "}"
    case .unary(let op, let x): return "(\(op.rawValue) \(show(x)))"
    case .binary(let op, let l, let r): return "(\(op.rawValue) \(show(l)) \(show(r)))"
    case .and(let l, let r): return "(and \(show(l)) \(show(r)))"
    case .or(let l, let r): return "(or \(show(l)) \(show(r)))"
    case .call(let f, let args): return "(call \(show(f))" + args.map { " " + show($0) }.joined() + ")"
    case .method(let o, let name, let args):
      return "(.\(name) \(show(o))" + args.map { " " + show($0) }.joined() + ")"
    case .field(let o, let name): return "(. \(show(o)) \(name))"
    case .index(let o, let i): return "(index \(show(o)) \(show(i)))"
    case .range(let a, let b, let exclusive): return "(\(exclusive ? "..<" : "..") \(show(a)) \(show(b)))"
    case .function(let f):
      return "(fn [\(f.parameters.joined(separator: " "))] \(f.body.map(show).joined(separator: " ")))"
    case .pipeline(let input, let stages):
      return "(| \(show(input))" + stages.map { " " + show($0) }.joined() + ")"
    case .duration(let x, let unit): return "(duration \(show(x)) \(unit))"
    case .ifElse(let c, let then, let otherwise):
      return
        "(if \(show(c)) [\(then.map(show).joined(separator: " "))] [\(otherwise.map(show).joined(separator: " "))])"
    }
  }

  func show(_ s: Stage) -> String {
    var out = s.name
    for k in s.keys {
      out +=
        " " + (k.0.body.first.map(show) ?? "-") + (k.descending ? " desc" : "")
        + (k.label.map { " as " + $0 } ?? "")
    }
    for a in s.arguments { out += " " + show(a) }
    for m in s.more { out += ", " + show(m) }
    return out
  }

  func quoteText(_ s: String) -> String { "\"" + s + "\"" }

  @Test func precedence() {
    #expect(shape("1 + 2 * 3") == "(+ 1 (* 2 3))")
    #expect(shape("1 - 2 - 3") == "(- (- 1 2) 3)")
    #expect(shape("-x * 2") == "(* (- x) 2)")
    #expect(shape("-2 * 3") == "(* -2 3)")
    #expect(shape("a or b and c") == "(or a (and b c))")
    #expect(shape("not a == b") == "(not (== a b))")
    #expect(shape("x in xs and y not in ys") == "(and (in x xs) (not in y ys))")
    #expect(shape("1..n + 1") == "(.. 1 (+ n 1))")
    #expect(shape("a < b == c") == "(== (< a b) c)")
    #expect(shape("7 // 2 % 3") == "(% (// 7 2) 3)")
  }

  @Test func postfix() {
    #expect(shape("a.b.c") == "(. (. a b) c)")
    #expect(shape("a.b(1)") == "(.b a 1)")
    #expect(shape("f(1)(2)") == "(call (call f 1) 2)")
    #expect(shape("xs[0][1]") == "(index (index xs 0) 1)")
    #expect(shape("m.for") == "(. m for)")
    // A parenthesis on the next line starts a new statement, not a call.
    #expect(shape("f\n(1)") == "f ; 1")
  }

  @Test func literals() {
    #expect(shape("3 weeks") == "3 weeks")
    #expect(shape("[1, \"a\", nil]") == "[1 \"a\" nil]")
    #expect(shape("{a: 1, \"b c\": 2, 3: 4}") == "{\"a\":1 \"b c\":2 3:4}")
    #expect(shape("\"x{a}y\"") == "(str \"x\" a \"y\")")
    #expect(shape("fn(x) => x") == "(fn [x] x)")
  }

  @Test func statements() {
    #expect(shape("let x = 1") == "(let x 1)")
    #expect(shape("var y") == "(var y -)")
    #expect(shape("x += 2") == "(+= x 2)")
    #expect(shape("m.a = 1") == "(= (. m a) 1)")
    #expect(shape("fn f(a, b = 2) => a") == "(fn f [a b] 1 a)")
    #expect(shape("if a { 1 }\nelse if b { 2 }\nelse { 3 }") == "(if a [1] [(if b [2] [3])])")
    #expect(shape("for k, v in m { }") == "(for k,v m)")
    #expect(shape("while true { break }") == "(while true 1)")
    #expect(shape("record P(x, y)") == "(record P x y)")
    #expect(shape("test \"t\" { }") == "(test t)")
    #expect(shape("fn f() { return }") == "(fn f [] 0 (return -))")
  }

  @Test func pipelines() {
    #expect(shape("xs | where .a > 1 | take 3") == "(| xs where (> (. it a) 1) take 3)")
    #expect(shape("xs | sort .b desc, .c") == "(| xs sort (. it b) desc (. it c))")
    #expect(shape("xs | group .k | count, sum(.m)") == "(| xs group (. it k) count, sum (. it m))")
    #expect(shape("xs | sum .m as total") == "(| xs sum (. it m) as total)")
    #expect(shape("xs | count as n") == "(| xs count - as n)")
    #expect(shape("xs | join(\", \")") == "(| xs join \", \")")
    #expect(shape("xs\n  | first") == "(| xs first)")
    // A comma after a non-aggregate stage belongs to the enclosing call.
    #expect(shape("f(xs | take 1, 2)") == "(call f (| xs take 1) 2)")
  }

  @Test func severalErrors() {
    let (_, diagnostics) = Parser.parse(Source(name: "t", text: "let = 1\nlet b = )\nprint(\"ok\")\nfn (\n"))
    #expect(diagnostics.map(\.position.description) == ["1:5", "2:9", "5:1"])
    #expect(diagnostics.first?.sourceLine == "let = 1")
  }

  @Test func diagnosticRendering() {
    let d = Diagnostic(
      file: "a.peer", position: SourcePosition(line: 2, column: 7), length: 3,
      message: "unknown name \"nme\"",
      hint: "did you mean \"name\"?", sourceLine: "print(nme)")
    #expect(
      d.description
        == "a.peer:2:7: error: unknown name \"nme\"\n 2 | print(nme)\n   |       ^^^\n   = hint: did you mean \"name\"?"
    )
  }

  @Test func closestMatchHints() {
    #expect(closestMatch(to: "due_dat", in: ["name", "due_date"]) == "due_date")
    #expect(closestMatch(to: "xyz", in: ["name", "due_date"]) == nil)
  }
}
