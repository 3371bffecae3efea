/// A compiled function: its bytecode, constants and what it needs from the enclosing scopes.
/// One proto is shared by every closure made from the same `fn`.
public final class FunctionProto {
  public let name: String
  public let file: String
  // Unchecked (read on every call): set by the compiler before the proto runs, only read after.
  @exclusivity(unchecked) public var arity: Int = 0
  /// How many trailing parameters have defaults (filled by the function's own prologue).
  // Unchecked (read on every call): set by the compiler before the proto runs, only read after.
  @exclusivity(unchecked) public var optionalCount: Int = 0
  public var parameterNames: [String] = []
  var code: ContiguousArray<Instruction> = []
  /// Source position of each instruction, for error messages and stack traces.
  public var positions: ContiguousArray<SourcePosition> = []
  public var constants: ContiguousArray<Value> = []
  // Unchecked (read each time a closure is made): filled by the compiler, only read after.
  @exclusivity(unchecked) public var protos: [FunctionProto] = []
  /// For each captured variable: where the enclosing function keeps it.
  // Unchecked (read each time a closure is made): filled by the compiler, only read after.
  @exclusivity(unchecked) var captures: [CaptureSource] = []
  // Unchecked (read on every call and return): set by the compiler before the proto runs,
  // only read after.
  @exclusivity(unchecked) public var registerCount: Int = 1
  public var doc: String?
  /// The body as a query shape of the one parameter, when it is that simple (FunctionShape.swift):
  /// a host can then work the function out itself, as part of a pipeline's shapes.
  public var itemShape: FunctionShape?
  /// Arithmetic instructions (by index) whose operands were read from fields: an error on a
  /// nil operand names the field (VM/NilOperand.swift).
  var fieldOperands: [Int: [FieldOperand]] = [:]
  /// Stable copies of `code` and `constants` for the VM's loop, made once by `seal()`.
  // Unchecked (read on every call and return): assigned once by `seal()`, only read after.
  @exclusivity(unchecked) private(set) var codePointer: UnsafeMutablePointer<Instruction>?
  // Unchecked (read on every call and return): assigned once by `seal()`, only read after.
  @exclusivity(unchecked) private(set) var constantsPointer: UnsafeMutablePointer<Value>?

  init(name: String, file: String) {
    self.name = name
    self.file = file
  }

  deinit {
    codePointer?.deallocate()
    if let k = constantsPointer {
      k.deinitialize(count: constants.count)
      k.deallocate()
    }
  }

  /// Freezes the function after compiling: the VM reads code and constants through raw
  /// pointers, with no array bounds or uniqueness checks in its loop.
  func seal() {
    guard codePointer == nil else { return }
    let c = UnsafeMutablePointer<Instruction>.allocate(capacity: max(1, code.count))
    c.initialize(from: Array(code), count: code.count)
    codePointer = c
    let k = UnsafeMutablePointer<Value>.allocate(capacity: max(1, constants.count))
    k.initialize(from: Array(constants), count: constants.count)
    constantsPointer = k
    for p in protos { p.seal() }
  }

  func position(at pc: Int) -> SourcePosition {
    guard !positions.isEmpty else { return SourcePosition(line: 0, column: 0) }
    return positions[min(max(pc, 0), positions.count - 1)]
  }
}

enum CaptureSource: Sendable {
  /// A local of the enclosing function, held in a cell in this register.
  case local(Int)
  /// A variable the enclosing function itself captured.
  case outer(Int)
}

public final class Closure {
  public let proto: FunctionProto
  /// The captured cells, retained by hand: the VM reads them with no reference counting,
  /// which matters in closures that touch captured lists in loops.
  /// Set to 0 by `Teardown` once it has taken the cells (so deinit releases none twice).
  var cellCount: Int
  let cells: UnsafeMutablePointer<Unmanaged<Cell>>

  init(proto: FunctionProto, cells: ContiguousArray<Cell>) {
    self.proto = proto
    cellCount = cells.count
    self.cells = .allocate(capacity: max(1, cells.count))
    for (i, c) in cells.enumerated() { self.cells[i] = Unmanaged.passRetained(c) }
  }

  /// A chain of closures each capturing the one before (`f = fn() { g() }` 200,000 times)
  /// would be freed with one native recursion per link: see `Teardown`.
  deinit {
    // Most cells hold numbers or texts: released at once. Only one holding a container goes
    // through the work list.
    for i in 0..<cellCount {
      if cells[i]._withUnsafeGuaranteedRef({ Teardown.isContainer($0.value) }) {
        Teardown.release(cells + i, count: cellCount - i)
        break
      }
      cells[i].release()
    }
    cells.deallocate()
  }

  @inline(__always) func cell(_ i: Int) -> Unmanaged<Cell> { cells[i] }
}

/// A function written in Swift: the standard library and the host's built-ins.
public final class NativeFunction {
  public let name: String
  /// Smallest and largest number of arguments (largest `Int.max` for "any number").
  public let arity: ClosedRange<Int>
  /// One line for `:help`, starting with how to call it: "len(x) - number of items in x".
  public let doc: String
  public let body: (Arguments) throws -> Value

  public init(
    _ name: String, arity: ClosedRange<Int>, doc: String, body: @escaping (Arguments) throws -> Value
  ) {
    self.name = name
    self.arity = arity
    self.doc = doc
    self.body = body
  }
}

/// The arguments of a native call, with typed accessors that produce the user-facing messages.
public struct Arguments {
  public let function: String
  let base: UnsafeMutablePointer<Value>
  public let count: Int
  public unowned(unsafe) let vm: VM

  public subscript(i: Int) -> Value { i < count ? base[i] : .null }

  public var all: [Value] { (0..<count).map { base[$0] } }

  public func int(_ i: Int) throws -> Int {
    switch self[i] {
    case .int(let n): return n
    case .float(let d) where d == d.rounded() && abs(d) < 9e15: return Int(d)
    default: throw typeError(i, expected: "a whole number")
    }
  }

  public func number(_ i: Int) throws -> Double {
    guard let d = self[i].asDouble else { throw typeError(i, expected: "a number") }
    return d
  }

  public func string(_ i: Int) throws -> String {
    guard case .string(let s) = self[i] else { throw typeError(i, expected: "text") }
    return s.value
  }

  /// The text object itself, with what it knows of its text (its `shape`).
  func text(_ i: Int) throws -> StringObject {
    guard case .string(let s) = self[i] else { throw typeError(i, expected: "text") }
    return s
  }

  public func list(_ i: Int) throws -> ListObject {
    guard case .list(let l) = self[i] else { throw typeError(i, expected: "a list") }
    return l
  }

  public func map(_ i: Int) throws -> MapObject {
    guard case .map(let m) = self[i] else { throw typeError(i, expected: "a map") }
    return m
  }

  public func date(_ i: Int) throws -> Int32 {
    guard case .date(let d) = self[i] else { throw typeError(i, expected: "a date") }
    return d
  }

  public func duration(_ i: Int) throws -> Duration {
    guard case .duration(let d) = self[i] else { throw typeError(i, expected: "a duration") }
    return d
  }

  public func function(_ i: Int) throws -> Value {
    switch self[i] {
    case .closure, .native: return self[i]
    default: throw typeError(i, expected: "a function")
    }
  }

  /// Calls a script or native function from Swift (used by map, filter, sort...).
  public func call(_ callee: Value, _ args: [Value]) throws -> Value {
    try vm.call(callee, args)
  }

  /// Calls a one-argument function (no argument array is built).
  public func call(_ callee: Value, _ arg: Value, _ second: Value? = nil) throws -> Value {
    try vm.call(callee, arg, second)
  }

  public func typeError(_ i: Int, expected: String) -> RuntimeError {
    let v = self[i]
    let ordinals = ["first", "second", "third", "fourth", "fifth"]
    let which = count <= 1 ? "" : (i < ordinals.count ? ordinals[i] : "#\(i + 1)") + " argument to be "
    let got = v.isNull ? "nil" : "\(v.kindAndValue)"
    return RuntimeError("\(function) expects \(which)\(expected), got \(got)")
  }
}
