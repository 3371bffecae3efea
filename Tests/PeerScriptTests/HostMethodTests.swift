import Testing

@testable import PeerScript

/// A host value's fields that hold functions are its methods (`quarterly.run(q)`).
@Suite("Host methods")
struct HostMethodTests {
  final class Counter: HostObject {
    var total = 0
    override var typeName: String { "counter" }
    override func field(_ name: String) throws -> Value? {
      switch name {
      case "add":
        return .native(
          NativeFunction("add", arity: 1...1, doc: "") { [self] args in
            total += try args.int(0)
            return .int(total)
          })
      case "total": return .int(total)
      default: return nil
      }
    }
    override var fieldNames: [String] { ["add", "total"] }
  }

  @Test func aFunctionFieldIsCalledAsAMethod() throws {
    let i = Interpreter()
    i.define("counter", value: .host(Counter()), doc: "")
    #expect(try i.run("counter.add(2)\ncounter.add(3)", file: "t")?.repr == "5")
    #expect(try i.run("counter.total", file: "t")?.repr == "5")
  }

  @Test func aMissingMethodIsStillAnError() {
    let i = Interpreter()
    i.define("counter", value: .host(Counter()), doc: "")
    #expect(throws: RuntimeError.self) { try i.run("counter.total(1)", file: "t") }
    do {
      try i.run("counter.ad(1)", file: "t")
    } catch let e as RuntimeError {
      #expect(e.message == "counter has no method \"ad\"")
    } catch {
      Issue.record("\(error)")
    }
  }
}
