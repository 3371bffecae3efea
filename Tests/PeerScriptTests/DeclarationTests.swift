import Testing

@testable import PeerScript

/// The shared declaration machinery, through a toy keyword `thing`: a header with title and
/// parameters, lines parsed by a grammar, the map the host receives, and errors at an entry.
@Suite("Declarations")
struct DeclarationTests {
  /// `thing NAME ["title"] [(params)] { WORD EXPR [check EXPR] }`.
  static let registered: Void = {
    Parser.declarationGrammars["thing"] = { parser, decl in
      decl.entries = try parser.declarationBody("thing") { p in
        let at = p.token
        let word = try p.identifier("a word")
        var entry = DeclarationEntry(clause: "line", position: at.position, length: word.count)
        entry.set("word", .text(word))
        entry.set("value", .function(try p.expressionFunction(of: decl.parameters, name: word)))
        if p.isIdentifier("check") {
          _ = p.advance()
          entry.set("check", .function(try p.implicitFunction(name: "check")))
        }
        return entry
      }
    }
  }()

  func make() -> Interpreter {
    _ = Self.registered
    var options = InterpreterOptions()
    options.output = { _ in }
    let interpreter = Interpreter(options: options)
    interpreter.define("|declare_thing", arity: 1...1, doc: "") { args in
      guard case .map(let m) = args[0], case .list(let entries)? = m["entries"] else { return .null }
      for e in entries.items {
        guard case .map(let entry) = e else { continue }
        if case .string(let w)? = entry["word"], w.value == "bad" {
          throw RuntimeError.declaration("\"bad\" is not allowed", at: e, hint: "use another word")
        }
      }
      return args[0]
    }
    return interpreter
  }

  func show(_ i: Interpreter, _ source: String) -> String {
    (try? i.run(source, file: "q"))??.repr ?? "(error)"
  }

  @Test func theHostReceivesAMapOfTheDeclaration() throws {
    let i = make()
    try i.run(
      """
      let k = 10
      thing t "Title {k}" (a, b = 2) {
        x a + b check it > 0
        y k
      }
      """, file: "t.peer")
    let t = try #require(i.global("t"))
    #expect(show(i, "t.name") == "\"t\"")
    #expect(show(i, "t.title") == "\"Title 10\"")
    #expect(show(i, "t.parameters") == "[\"a\", \"b\"]")
    #expect(show(i, "t.defaults[1]()") == "2")
    #expect(show(i, "t.entries[0].value(1, 2)") == "3")
    #expect(show(i, "t.entries[0].check(-1)") == "false")
    #expect(show(i, "t.entries[1].value(0, 0)") == "10")
    #expect(show(i, "[t.entries[1].line, t.entries[1].column]") == "[4, 3]")
    _ = t
  }

  /// A host value whose `twice` field holds a function: `x.twice(21)` calls it as a method.
  final class Doubler: HostObject {
    override func field(_ name: String) throws -> Value? {
      guard name == "twice" else { return nil }
      return .native(NativeFunction("twice", arity: 1...1, doc: "") { args in .int(try args.int(0) * 2) })
    }
  }

  @Test func aHostValuesFunctionFieldsAreMethods() throws {
    let i = make()
    i.define("doubler", value: .host(Doubler()), doc: "")
    #expect(show(i, "doubler.twice(21)") == "42")
    do {
      try i.run("doubler.thrice(1)", file: "t.peer")
      Issue.record("expected an error")
    } catch let e as RuntimeError {
      #expect(e.message == "object has no method \"thrice\"")
    }
  }

  @Test func theKeywordIsContextual() throws {
    let i = make()
    #expect(try i.run("let thing = 3\nthing + 1", file: "t.peer")!.repr == "4")
  }

  @Test func badLinesAreAllReported() {
    let i = make()
    do {
      try i.run("thing t {\n  x 1 +\n  )\n  2 2\n}", file: "t.peer")
      Issue.record("expected errors")
    } catch let e as CompileError {
      #expect(e.diagnostics.map(\.position.line) == [3, 4])
    } catch {
      Issue.record("\(error)")
    }
  }

  @Test func hostErrorsPointAtTheEntry() {
    let i = make()
    do {
      try i.run("thing t {\n  x 1\n  bad 2\n}", file: "t.peer")
      Issue.record("expected an error")
    } catch let e as RuntimeError {
      #expect(e.file == "t.peer")
      #expect(e.position == SourcePosition(line: 3, column: 3))
      #expect(e.description.contains("\"bad\" is not allowed"))
      #expect(e.description.contains("use another word"))
    } catch {
      Issue.record("\(error)")
    }
  }

  @Test func withoutAHostTheDeclarationIsExplained() {
    _ = Self.registered
    let i = Interpreter()
    do {
      try i.run("thing t {\n  x 1\n}", file: "t.peer")
      Issue.record("expected an error")
    } catch let e as CompileError {
      #expect(e.description.contains("\"thing\" declarations are not available here"))
    } catch {
      Issue.record("\(error)")
    }
  }
}
