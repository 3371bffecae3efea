/// Compiles the syntax tree of one script into function protos of register bytecode.
///
/// Each function has a window of registers: parameters first, then locals in declaration
/// order, then temporaries above them, freed as soon as an expression is done. Names resolve
/// here, once: a local is a register, a variable of an enclosing function is a captured cell, and
/// anything else is a global slot. Unknown names are compile errors with a "did you mean" hint.
final class Compiler {
  let source: Source
  let globals: Globals
  var diagnostics: [Diagnostic] = []
  /// `test` blocks met, at any depth: a test runner checks they all registered.
  var testsDeclared = 0
  var state: FunctionState!
  /// Record kinds declared by scripts, by name (the constructor needs the shape at compile time).
  var recordTypes: [String: RecordType]
  /// Whether `where` texts are checked against a host's allowed values (`checkAllowedValues`).
  var checksAllowedValues = true
  /// The host's record id letters (Interpreter.recordIDPrefixes), for the `M-42` hint.
  var recordPrefixes: Set<Character> = []

  struct Failure: Error {}

  final class FunctionState {
    let proto: FunctionProto
    let decl: FunctionDecl
    let parent: FunctionState?
    var locals: [Local] = []
    var scopeDepth = 0
    var freeRegister = 0
    var captureNames: [String] = []
    var captureMutable: [Bool] = []
    var loops: [Loop] = []
    /// The simple constants of `proto` by value, each at its first index (`constant(_:)`).
    var constantIndex: [ConstantKey: Int32] = [:]
    /// The script's top level: its outermost declarations are globals.
    let isTopLevel: Bool

    init(proto: FunctionProto, decl: FunctionDecl, parent: FunctionState?, isTopLevel: Bool) {
      self.proto = proto
      self.decl = decl
      self.parent = parent
      self.isTopLevel = isTopLevel
    }
  }

  struct Local {
    var name: String
    var register: Int
    var mutable: Bool
    var isCell: Bool
    var depth: Int
  }

  final class Loop {
    var breaks: [Int] = []
    var continues: [Int] = []
    let depth: Int
    init(depth: Int) { self.depth = depth }
  }

  enum Location {
    case register(Int, mutable: Bool)
    case cell(Int, mutable: Bool)
    case capture(Int, mutable: Bool)
    case global(Int, mutable: Bool)
  }

  init(source: Source, globals: Globals, recordTypes: [String: RecordType]) {
    self.source = source
    self.globals = globals
    self.recordTypes = recordTypes
  }

  /// Compiles a script. `lastValue` tells whether the script ends with a bare expression whose
  /// value it returns (the REPL prints it).
  func compileScript(_ main: FunctionDecl) -> (FunctionProto, lastValue: Bool)? {
    let proto = FunctionProto(name: "<script>", file: source.name)
    state = FunctionState(proto: proto, decl: main, parent: nil, isTopLevel: true)
    // Hoist top-level definitions so functions can call each other in any order.
    var functions: [String: SourcePosition] = [:]
    for stmt in main.body {
      switch stmt.kind {
      case .function(let f):
        if let first = functions[f.name] {
          fail(
            "the function \"\(f.name)\" is defined twice in this script: at \(first.line):\(first.column) and at \(stmt.position.line):\(stmt.position.column)",
            at: stmt.position, length: 2,
            hint: "remove one of them, or give one another name")
        } else {
          functions[f.name] = stmt.position
        }
        _ = globals.define(f.name, mutable: false, user: true)
      case .declare(let name, let mutable, _): _ = globals.define(name, mutable: mutable, user: true)
      case .record(let name, _): _ = globals.define(name, mutable: false, user: true)
      default: break
      }
    }
    // A top-level function exists from the script's first line, so it may be called above its
    // `fn` (it captures nothing: the names it uses are globals).
    for stmt in main.body {
      if case .function = stmt.kind { statement(stmt) }
    }
    var lastValue = false
    for (i, stmt) in main.body.enumerated() {
      if case .function = stmt.kind { continue }
      if i == main.body.count - 1, case .expression(let e) = stmt.kind {
        let save = state.freeRegister
        let r = exprAnyRegister(e)
        emit(.ret, Int32(r), at: stmt.position)
        state.freeRegister = save
        lastValue = true
      } else {
        statement(stmt)
      }
    }
    if !lastValue { emit(.retNil, at: SourcePosition(line: source.lineCount, column: 1)) }
    // Functions were compiled first: report in the order of the source all the same.
    diagnostics = diagnostics.enumerated().sorted {
      ($0.element.position.line, $0.element.position.column, $0.offset)
        < ($1.element.position.line, $1.element.position.column, $1.offset)
    }.map(\.element)
    return diagnostics.isEmpty ? (proto, lastValue) : nil
  }

  // MARK: - Emitting

  @discardableResult
  func emit(_ op: Opcode, _ a: Int32 = 0, _ b: Int32 = 0, _ c: Int32 = 0, at pos: SourcePosition) -> Int {
    state.proto.code.append(Instruction(op, a, b, c))
    state.proto.positions.append(pos)
    return state.proto.code.count - 1
  }

  var here: Int { state.proto.code.count }

  /// Points the jump at `index` to the next instruction to be emitted.
  func patch(_ index: Int) { patch(index, to: here) }

  func patch(_ index: Int, to target: Int) {
    let offset = Int32(target - (index + 1))
    switch state.proto.code[index].op {
    case .jump, .jumpIfFalse, .jumpIfTrue, .forPrep, .forLoop, .iterNext:
      state.proto.code[index].b = offset
    default:
      state.proto.code[index].c = offset
    }
  }

  func constant(_ v: Value) -> Int32 {
    var v = v
    if case .string(let s) = v { v = .string(globals.intern(s.value)) }
    // Reuse simple constants (the first equal one); functions and records are always new. A
    // table, not a search of the constants: a script's top level holds hundreds.
    let key = ConstantKey(v)
    if let key, let i = state.constantIndex[key] { return i }
    state.proto.constants.append(v)
    let i = Int32(state.proto.constants.count - 1)
    if let key { state.constantIndex[key] = i }
    return i
  }

  /// A simple constant as a key that is equal exactly when the values are (`==` on numbers,
  /// so 0.0 and -0.0 are one key and NaN has none; texts as Swift compares them).
  enum ConstantKey: Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case date(Int32)
    case duration(Duration)
    case string(String)

    init?(_ v: Value) {
      switch v {
      case .null: self = .null
      case .bool(let b): self = .bool(b)
      case .int(let n): self = .int(n)
      case .float(let d):
        guard !d.isNaN else { return nil }
        self = .float(d)
      case .date(let d): self = .date(d)
      case .duration(let d): self = .duration(d)
      case .string(let s): self = .string(s.value)
      default: return nil
      }
    }
  }

  func allocateRegister() -> Int {
    let r = state.freeRegister
    state.freeRegister += 1
    if state.freeRegister > state.proto.registerCount { state.proto.registerCount = state.freeRegister }
    if state.freeRegister > 250_000 { fail("this function is too large", at: state.decl.position) }
    return r
  }

  func fail(_ message: String, at pos: SourcePosition, length: Int = 1, hint: String? = nil) {
    if diagnostics.contains(where: { $0.position == pos && $0.message == message }) { return }
    diagnostics.append(
      Diagnostic(
        file: source.name, position: pos, length: length, message: message, hint: hint,
        sourceLine: source.line(pos.line)))
  }

  // MARK: - Names

  func resolve(_ name: String) -> Location? {
    resolve(name, in: state)
  }

  private func resolve(_ name: String, in fs: FunctionState) -> Location? {
    if let local = fs.locals.last(where: { $0.name == name }) {
      return local.isCell
        ? .cell(local.register, mutable: local.mutable) : .register(local.register, mutable: local.mutable)
    }
    if let i = fs.captureNames.firstIndex(of: name) { return .capture(i, mutable: fs.captureMutable[i]) }
    if let parent = fs.parent, let outer = resolve(name, in: parent) {
      switch outer {
      case .cell(let r, let m):
        fs.proto.captures.append(.local(r))
        fs.captureNames.append(name)
        fs.captureMutable.append(m)
        return .capture(fs.captureNames.count - 1, mutable: m)
      case .capture(let i, let m):
        fs.proto.captures.append(.outer(i))
        fs.captureNames.append(name)
        fs.captureMutable.append(m)
        return .capture(fs.captureNames.count - 1, mutable: m)
      case .global:
        return outer
      case .register:
        // The parser marks every local used by a nested function as a cell; reaching here
        // means that analysis missed a case.
        return nil
      }
    }
    if let g = globals.slot(of: name) { return .global(g, mutable: globals.mutable[g]) }
    return nil
  }

  func unknownName(_ name: String, at pos: SourcePosition) {
    var candidates = Set(globals.names.filter { !$0.hasPrefix("|") })
    var fs: FunctionState? = state
    while let f = fs {
      for l in f.locals { candidates.insert(l.name) }
      candidates.formUnion(f.captureNames)
      fs = f.parent
    }
    var hint: String?
    if name.hasPrefix("|declare_") {
      let keyword = name.dropFirst("|declare_".count)
      fail(
        "\"\(keyword)\" declarations are not available here: they need a peer project", at: pos,
        length: keyword.count)
      return
    }
    if name == "it" {
      fail(
        "\"it\" (and \".field\") only exist inside a pipeline stage or a form check", at: pos, length: 2)
      return
    }
    candidates.formUnion(Lexer.keywords)
    if let m = closestMatch(to: name, in: candidates) { hint = "did you mean \"\(m)\"?" }
    fail("unknown name \"\(name)\"", at: pos, length: name.count, hint: hint)
  }

  /// Declares a local in the current scope and returns its register (which holds the value).
  func declareLocal(_ name: String, mutable: Bool, register: Int, at pos: SourcePosition) {
    let isCell = state.decl.namesUsedByNested.contains(name)
    if isCell { emit(.newCell, Int32(register), at: pos) }
    state.locals.append(
      Local(name: name, register: register, mutable: mutable, isCell: isCell, depth: state.scopeDepth))
  }

  func beginScope() { state.scopeDepth += 1 }

  func endScope() {
    state.scopeDepth -= 1
    while let last = state.locals.last, last.depth > state.scopeDepth {
      state.locals.removeLast()
      state.freeRegister = last.register
    }
  }

  // MARK: - Statements

  func block(_ body: [Stmt]) {
    beginScope()
    for s in body { statement(s) }
    endScope()
  }

  func statement(_ s: Stmt) {
    let save = state.freeRegister
    // Temporaries die with the statement; a local it declared stays.
    defer { state.freeRegister = max(save, (state.locals.last?.register ?? -1) + 1) }
    switch s.kind {
    case .expression(let e):
      _ = exprAnyRegister(e)
    case .declare(let name, let mutable, let value):
      if state.isTopLevel && state.scopeDepth == 0 {
        let g = globals.define(name, mutable: mutable, user: true)
        if let value {
          let r = exprAnyRegister(value)
          emit(.setGlobal, Int32(r), Int32(g), at: s.position)
        } else {
          let r = allocateRegister()
          emit(.loadNil, Int32(r), at: s.position)
          emit(.setGlobal, Int32(r), Int32(g), at: s.position)
        }
      } else {
        if let dup = state.locals.last(where: { $0.name == name && $0.depth == state.scopeDepth }) {
          _ = dup
          fail(
            "\"\(name)\" is already declared in this block", at: s.position, length: 3,
            hint: "to change it, write \(name) = ... (declared with var)")
        }
        let r = allocateRegister()
        if let value { expression(value, into: r) } else { emit(.loadNil, Int32(r), at: s.position) }
        declareLocal(name, mutable: mutable, register: r, at: s.position)
      }
    case .assign(let target, let op, let value):
      assignment(target, op: op, value: value, at: s.position)
    case .function(let decl):
      if state.isTopLevel && state.scopeDepth == 0 {
        let g = globals.define(decl.name, mutable: false, user: true)
        let r = allocateRegister()
        function(decl, into: r)
        emit(.setGlobal, Int32(r), Int32(g), at: s.position)
      } else {
        let r = allocateRegister()
        emit(.loadNil, Int32(r), at: s.position)
        declareLocal(decl.name, mutable: false, register: r, at: s.position)
        if state.locals.last!.isCell {
          let t = allocateRegister()
          function(decl, into: t)
          emit(.setCell, Int32(r), Int32(t), at: s.position)
        } else {
          function(decl, into: r)
        }
      }
    case .ifElse(let cond, let then, let otherwise):
      let falseJumps = condition(cond, jumpIfFalse: true)
      block(then)
      if let otherwise {
        let skip = emit(.jump, at: s.position)
        falseJumps.forEach(patch)
        block(otherwise)
        patch(skip)
      } else {
        falseJumps.forEach(patch)
      }
    case .whileLoop(let cond, let body):
      let start = here
      let exits = condition(cond, jumpIfFalse: true)
      let loop = Loop(depth: state.scopeDepth)
      state.loops.append(loop)
      block(body)
      state.loops.removeLast()
      loop.continues.forEach { patch($0, to: start) }
      let back = emit(.jump, at: s.position)
      patch(back, to: start)
      exits.forEach(patch)
      loop.breaks.forEach(patch)
    case .forLoop(let first, let second, let sequence, let body):
      forLoop(first, second, sequence, body, at: s.position)
    case .returnValue(let value):
      if let value {
        let r = exprAnyRegister(value)
        emit(.ret, Int32(r), at: s.position)
      } else {
        emit(.retNil, at: s.position)
      }
    case .breakLoop:
      guard let loop = state.loops.last else {
        fail("\"break\" outside a loop", at: s.position, length: 5)
        return
      }
      loop.breaks.append(emit(.jump, at: s.position))
    case .continueLoop:
      guard let loop = state.loops.last else {
        fail("\"continue\" outside a loop", at: s.position, length: 8)
        return
      }
      loop.continues.append(emit(.jump, at: s.position))
    case .record(let name, let fields):
      let type = RecordType(name: name, fields: fields)
      recordTypes[name] = type
      let ctor = NativeFunction(
        name, arity: 0...fields.count,
        doc: "\(name)(\(fields.joined(separator: ", "))) - make a \(name) record (fields left out are nil)"
      ) { args in
        var values = ContiguousArray<Value>(repeating: .null, count: fields.count)
        for i in 0..<args.count { values[i] = args[i] }
        return .record(RecordObject(type: type, values: values))
      }
      let r = allocateRegister()
      emit(.loadK, Int32(r), constant(.native(ctor)), at: s.position)
      if state.isTopLevel && state.scopeDepth == 0 {
        let g = globals.define(name, mutable: false, user: true)
        emit(.setGlobal, Int32(r), Int32(g), at: s.position)
      } else {
        declareLocal(name, mutable: false, register: r, at: s.position)
      }
    case .test(let name, let decl):
      testsDeclared += 1
      guard let g = globals.slot(of: "|register_test") else { return }
      let base = allocateRegister()
      emit(.getGlobal, Int32(base), Int32(g), at: s.position)
      let nameRegister = allocateRegister()
      emit(.loadK, Int32(nameRegister), constant(.text(name)), at: s.position)
      let fnRegister = allocateRegister()
      function(decl, into: fnRegister)
      let lineRegister = allocateRegister()
      emit(.loadInt, Int32(lineRegister), Int32(s.position.line), at: s.position)
      emit(.call, Int32(base), 3, at: s.position)
    }
  }

  func forLoop(_ first: String, _ second: String?, _ sequence: Expr, _ body: [Stmt], at pos: SourcePosition) {
    beginScope()
    defer { endScope() }
    let loop = Loop(depth: state.scopeDepth)
    // A range written in the loop (`1..n`, `0..<len(xs)`, `start..end` of dates) counts in
    // registers without making a range value.
    if second == nil, case .range(let lo, let hi, let exclusive) = sequence.kind {
      // Numeric loop: counter, limit, and the variable the body sees.
      let base = allocateRegister()
      _ = allocateRegister()
      let variable = allocateRegister()
      expression(lo, into: base)
      expression(hi, into: base + 1)
      let prep = emit(.forPrep, Int32(base), 0, exclusive ? 1 : 0, at: pos)
      state.locals.append(
        Local(name: "(for)", register: base, mutable: false, isCell: false, depth: state.scopeDepth))
      let bodyStart = here
      beginScope()
      bindLoopVariable(first, register: variable, at: pos)
      state.loops.append(loop)
      for s in body { statement(s) }
      state.loops.removeLast()
      endScope()
      let step = here
      loop.continues.forEach { patch($0, to: step) }
      let back = emit(.forLoop, Int32(base), at: pos)
      patch(back, to: bodyStart)
      patch(prep)
      loop.breaks.forEach(patch)
      return
    }
    let base = allocateRegister()
    _ = allocateRegister()
    let v1 = allocateRegister()
    let v2 = allocateRegister()
    expression(sequence, into: base)
    let count: Int32 = second == nil ? 1 : 2
    // The position starts at 0; iterPrep then sets it to a range's first value.
    emit(.loadInt, Int32(base + 1), 0, at: pos)
    emit(.iterPrep, Int32(base), 0, count, at: sequence.position)
    state.locals.append(
      Local(name: "(for)", register: v2, mutable: false, isCell: false, depth: state.scopeDepth))
    let start = emit(.iterNext, Int32(base), 0, count, at: pos)
    beginScope()
    bindLoopVariable(first, register: v1, at: pos)
    if let second { bindLoopVariable(second, register: v2, at: pos) }
    state.loops.append(loop)
    for s in body { statement(s) }
    state.loops.removeLast()
    endScope()
    loop.continues.forEach { patch($0, to: start) }
    let back = emit(.jump, at: pos)
    patch(back, to: start)
    patch(start)
    loop.breaks.forEach(patch)
  }

  /// Names a loop's variable. A closure that captures it gets a fresh cell per iteration (a
  /// copy of the register), so each closure sees its own iteration's value.
  func bindLoopVariable(_ name: String, register: Int, at pos: SourcePosition) {
    if state.decl.namesUsedByNested.contains(name) {
      let c = allocateRegister()
      emit(.move, Int32(c), Int32(register), at: pos)
      declareLocal(name, mutable: false, register: c, at: pos)
    } else {
      state.locals.append(
        Local(name: name, register: register, mutable: false, isCell: false, depth: state.scopeDepth))
    }
  }

  func assignment(_ target: Expr, op: InfixOperator?, value: Expr, at pos: SourcePosition) {
    switch target.kind {
    case .name(let name):
      guard let loc = resolve(name) else {
        unknownName(name, at: target.position)
        return
      }
      func immutable() {
        let isGlobalBuiltin: Bool
        if case .global(let g, _) = loc {
          isGlobalBuiltin = !globals.userDefined[g]
        } else {
          isGlobalBuiltin = false
        }
        fail(
          isGlobalBuiltin
            ? "cannot assign to the built-in \"\(name)\""
            : "cannot assign to \"\(name)\": it was declared with let",
          at: target.position, length: name.count,
          hint: isGlobalBuiltin
            ? "choose another name for your variable" : "declare it with var to change it later")
      }
      switch loc {
      case .register(let r, let m):
        guard m else { return immutable() }
        if let op {
          binary(op, target, value, into: r, at: pos)
        } else {
          expression(value, into: r)
        }
      case .cell(let r, let m), .capture(let r, let m), .global(let r, let m):
        guard m else { return immutable() }
        let t = allocateRegister()
        if let op { binary(op, target, value, into: t, at: pos) } else { expression(value, into: t) }
        switch loc {
        case .cell: emit(.setCell, Int32(r), Int32(t), at: pos)
        case .capture: emit(.setCapture, Int32(t), Int32(r), at: pos)
        default: emit(.setGlobal, Int32(t), Int32(r), at: pos)
        }
      }
    case .field(let object, let name):
      let o = exprAnyRegister(object)
      let t = allocateRegister()
      if let op {
        emit(.getField, Int32(t), Int32(o), constant(.text(name)), at: target.position)
        let v = exprAnyRegister(value)
        arithmetic(op, t, t, v, at: pos)
      } else {
        expression(value, into: t)
      }
      emit(.setField, Int32(o), constant(.text(name)), Int32(t), at: target.position)
    case .index(let object, let index):
      let o = exprAnyRegister(object)
      let i = exprAnyRegister(index)
      let t = allocateRegister()
      if let op {
        emit(.getIndex, Int32(t), Int32(o), Int32(i), at: target.position)
        let v = exprAnyRegister(value)
        arithmetic(op, t, t, v, at: pos)
      } else {
        expression(value, into: t)
      }
      emit(.setIndex, Int32(o), Int32(i), Int32(t), at: target.position)
    default:
      fail("cannot assign to this expression", at: target.position)
    }
  }

  func arithmetic(_ op: InfixOperator, _ dst: Int, _ a: Int, _ b: Int, at pos: SourcePosition) {
    let code: Opcode
    switch op {
    case .add: code = .add
    case .subtract: code = .sub
    case .multiply: code = .mul
    case .divide: code = .div
    case .wholeDivide: code = .idiv
    default: code = .mod
    }
    emit(code, Int32(dst), Int32(a), Int32(b), at: pos)
  }

  // MARK: - Functions

  func function(_ decl: FunctionDecl, into dst: Int) {
    let proto = FunctionProto(name: decl.name, file: source.name)
    proto.arity = decl.parameters.count
    proto.optionalCount = decl.defaults.filter { $0 != nil }.count
    proto.parameterNames = decl.parameters
    proto.doc = decl.doc
    proto.itemShape = QueryShape.functionShape(decl)
    let outer = state!
    let fs = FunctionState(proto: proto, decl: decl, parent: outer, isTopLevel: false)
    state = fs
    for (i, p) in decl.parameters.enumerated() {
      let r = allocateRegister()
      if let d = decl.defaults[i] {
        // A missing (or nil) argument takes its default.
        let skip = emit(.jumpIfNotEqualK, Int32(r), constant(.null), at: d.position)
        expression(d, into: r)
        patch(skip)
      }
      declareLocal(p, mutable: true, register: r, at: decl.position)
    }
    tail(decl.body, at: decl.position)
    state = outer
    outer.proto.protos.append(proto)
    emit(.closure, Int32(dst), Int32(outer.proto.protos.count - 1), at: decl.position)
  }

  /// Compiles a function body whose value is its last expression. An `if`/`else` at the end
  /// gives the value of the branch taken, so `fn size(n) { if n > 9 { "big" } else { "small" } }`
  /// works as a coordinator would expect.
  func tail(_ body: [Stmt], at pos: SourcePosition) {
    for (i, stmt) in body.enumerated() {
      guard i == body.count - 1 else {
        statement(stmt)
        continue
      }
      switch stmt.kind {
      case .expression(let e):
        let save = state.freeRegister
        let r = exprAnyRegister(e)
        emit(.ret, Int32(r), at: stmt.position)
        state.freeRegister = save
        return
      case .ifElse(let cond, let then, let otherwise):
        let falseJumps = condition(cond, jumpIfFalse: true)
        beginScope()
        tail(then, at: stmt.position)
        endScope()
        falseJumps.forEach(patch)
        beginScope()
        tail(otherwise ?? [], at: stmt.position)
        endScope()
        return
      default:
        statement(stmt)
      }
    }
    emit(.retNil, at: pos)
  }

  // MARK: - Expressions

  /// A register holding the value of `e`: a local's own register when `e` names one (it must
  /// not be written through), else a new temporary.
  func exprAnyRegister(_ e: Expr) -> Int {
    if case .name(let name) = e.kind, case .register(let r, _)? = resolve(name) { return r }
    let r = allocateRegister()
    expression(e, into: r)
    return r
  }

  func expression(_ e: Expr, into dst: Int) {
    let save = max(state.freeRegister, dst + 1)
    defer { state.freeRegister = save }
    let pos = e.position
    switch e.kind {
    case .literal(let v):
      switch v {
      case .null: emit(.loadNil, Int32(dst), at: pos)
      case .bool(let b): emit(.loadBool, Int32(dst), b ? 1 : 0, at: pos)
      case .int(let n) where n >= Int(Int32.min) && n <= Int(Int32.max):
        emit(.loadInt, Int32(dst), Int32(n), at: pos)
      default: emit(.loadK, Int32(dst), constant(v), at: pos)
      }
    case .name(let name):
      guard let loc = resolve(name) else { return unknownName(name, at: pos) }
      switch loc {
      case .register(let r, _): if r != dst { emit(.move, Int32(dst), Int32(r), at: pos) }
      case .cell(let r, _): emit(.getCell, Int32(dst), Int32(r), at: pos)
      case .capture(let i, _): emit(.getCapture, Int32(dst), Int32(i), at: pos)
      case .global(let g, _): emit(.getGlobal, Int32(dst), Int32(g), at: pos)
      }
    case .interpolation(let parts):
      let base = state.freeRegister
      for part in parts {
        let r = allocateRegister()
        switch part {
        case .literal(let s): emit(.loadK, Int32(r), constant(.text(s)), at: pos)
        case .expr(let x): expression(x, into: r)
        }
      }
      emit(.concat, Int32(dst), Int32(base), Int32(parts.count), at: pos)
    case .list(let items):
      let base = state.freeRegister
      for item in items { expression(item, into: allocateRegister()) }
      emit(.newList, Int32(dst), Int32(base), Int32(items.count), at: pos)
    case .map(let pairs):
      let base = state.freeRegister
      for (k, v) in pairs {
        expression(k, into: allocateRegister())
        expression(v, into: allocateRegister())
      }
      emit(.newMap, Int32(dst), Int32(base), Int32(pairs.count), at: pos)
    case .unary(let op, let operand):
      let r = exprAnyRegister(operand)
      emit(op == .negate ? .neg : .not, Int32(dst), Int32(r), at: pos)
    case .binary(let op, let left, let right):
      binary(op, left, right, into: dst, at: pos)
    case .and, .or:
      // Value of the last operand evaluated, as in Lua/Python: `a or b` gives a default.
      expression(e.kind.leftOperand!, into: dst)
      let jump = emit(e.kind.isAnd ? .jumpIfFalse : .jumpIfTrue, Int32(dst), at: pos)
      expression(e.kind.rightOperand!, into: dst)
      patch(jump)
    case .call(let callee, let args) where stageCalledAsFunction(callee, args):
      break
    case .call(let callee, let args):
      let base = isScratch(dst) ? dst : allocateRegister()
      expression(callee, into: base)
      for a in args { expression(a, into: allocateRegister()) }
      emit(.call, Int32(base), Int32(args.count), at: pos)
      if base != dst { emit(.move, Int32(dst), Int32(base), at: pos) }
    case .method(let object, "push", let args)
    where args.count == 1 && globals.slot(of: "push").map({ !globals.userDefined[$0] }) ?? false:
      // `xs.push(x)` is the commonest call in list-building loops: one instruction.
      expression(object, into: dst)
      let v = exprAnyRegister(args[0])
      emit(.append, Int32(dst), Int32(v), at: pos)
    case .method(let object, let name, let args):
      let base = isScratch(dst) ? dst : allocateRegister()
      expression(object, into: allocateRegister())
      for a in args { expression(a, into: allocateRegister()) }
      emit(.callMethod, Int32(base), Int32(args.count), constant(.text(name)), at: pos)
      // The global function of that name, if one exists now, so the VM need not look it up.
      emit(.extra, Int32(globals.slot(of: name) ?? -1), at: pos)
      if base != dst { emit(.move, Int32(dst), Int32(base), at: pos) }
    case .field(let object, let name):
      let o = exprAnyRegister(object)
      emit(.getField, Int32(dst), Int32(o), constant(.text(name)), at: pos)
    case .index(let object, let index):
      let o = exprAnyRegister(object)
      let i = exprAnyRegister(index)
      emit(.getIndex, Int32(dst), Int32(o), Int32(i), at: pos)
    case .range(let lo, let hi, let exclusive):
      let a = exprAnyRegister(lo)
      let b = exprAnyRegister(hi)
      emit(exclusive ? .rangeExclusive : .range, Int32(dst), Int32(a), Int32(b), at: pos)
    case .function(let decl):
      function(decl, into: dst)
    case .pipeline(let input, let stages):
      pipeline(input, stages, into: dst)
    case .duration(let amount, let unit):
      let r = exprAnyRegister(amount)
      emit(.makeDuration, Int32(dst), Int32(r), Int32(unit), at: pos)
    case .ifElse(let cond, let then, let otherwise):
      let falseJumps = condition(cond, jumpIfFalse: true)
      branchValue(then, into: dst, at: pos)
      let skip = emit(.jump, at: pos)
      falseJumps.forEach(patch)
      branchValue(otherwise, into: dst, at: pos)
      patch(skip)
    }
  }

  /// One branch of an `if` used as a value: its statements, then its last expression into
  /// `dst` (a branch ending in a statement, or empty, gives nil; one ending in an `if`/`else`
  /// gives that one's value, as at the end of a function).
  func branchValue(_ body: [Stmt], into dst: Int, at pos: SourcePosition) {
    beginScope()
    defer { endScope() }
    for (i, stmt) in body.enumerated() {
      guard i == body.count - 1 else {
        statement(stmt)
        continue
      }
      switch stmt.kind {
      case .expression(let e):
        expression(e, into: dst)
        return
      case .ifElse(let cond, let then, let otherwise?):
        let falseJumps = condition(cond, jumpIfFalse: true)
        branchValue(then, into: dst, at: stmt.position)
        let skip = emit(.jump, at: stmt.position)
        falseJumps.forEach(patch)
        branchValue(otherwise, into: dst, at: stmt.position)
        patch(skip)
        return
      case .ifElse:
        fail(
          "an \"if\" used as a value needs an \"else\"", at: stmt.position, length: 2,
          hint: "add else { ... } with the value to use otherwise (else { nil } for nothing)")
        return
      default:
        statement(stmt)
      }
    }
    emit(.loadNil, Int32(dst), at: pos)
  }

  /// `avg(xs)` from Excel or Python: avg and median are pipeline stages, not functions.
  func stageCalledAsFunction(_ callee: Expr, _ args: [Expr]) -> Bool {
    guard case .name(let name) = callee.kind, name == "avg" || name == "median", resolve(name) == nil
    else { return false }
    var list = "list"
    if args.count == 1, case .name(let n) = args[0].kind { list = n }
    fail(
      "\"\(name)\" is a pipeline stage, not a function", at: callee.position, length: name.count,
      hint: "write \(list) | \(name)")
    return true
  }

  /// Whether `r` is the newest temporary (so a call can use it as its base directly).
  func isScratch(_ r: Int) -> Bool {
    r == state.freeRegister - 1 && !state.locals.contains { $0.register == r }
  }

  func binary(_ op: InfixOperator, _ left: Expr, _ right: Expr, into dst: Int, at pos: SourcePosition) {
    let save = max(state.freeRegister, dst + 1)
    defer { state.freeRegister = save }
    if op == .subtract, shortRecordID(left, right, at: pos) { return }
    let isArithmetic = op.isArithmetic
    var fields: [FieldOperand] = []
    let a = isArithmetic ? operand(left, &fields) : exprAnyRegister(left)
    if op == .add || op == .subtract, case .literal(.int(let n)) = right.kind, n > -1_000_000, n < 1_000_000 {
      noteFields(fields, at: emit(op == .add ? .addI : .subI, Int32(dst), Int32(a), Int32(n), at: pos))
      return
    }
    let arithmeticK: [InfixOperator: Opcode] = [
      .add: .addK, .subtract: .subK, .multiply: .mulK, .divide: .divK, .wholeDivide: .idivK,
      .remainder: .modK,
    ]
    if let k = arithmeticK[op], case .literal(let v) = right.kind {
      noteFields(fields, at: emit(k, Int32(dst), Int32(a), constant(v), at: pos))
      return
    }
    let b = isArithmetic ? operand(right, &fields) : exprAnyRegister(right)
    switch op {
    case .add, .subtract, .multiply, .divide, .wholeDivide, .remainder:
      arithmetic(op, dst, a, b, at: pos)
      noteFields(fields, at: here - 1)
    case .equal: emit(.eq, Int32(dst), Int32(a), Int32(b), at: pos)
    case .notEqual: emit(.ne, Int32(dst), Int32(a), Int32(b), at: pos)
    case .less: emit(.lt, Int32(dst), Int32(a), Int32(b), at: pos)
    case .lessOrEqual: emit(.le, Int32(dst), Int32(a), Int32(b), at: pos)
    case .greater: emit(.gt, Int32(dst), Int32(a), Int32(b), at: pos)
    case .greaterOrEqual: emit(.ge, Int32(dst), Int32(a), Int32(b), at: pos)
    case .inside: emit(.inside, Int32(dst), Int32(a), Int32(b), at: pos)
    case .notInside:
      emit(.inside, Int32(dst), Int32(a), Int32(b), at: pos)
      emit(.not, Int32(dst), Int32(dst), at: pos)
    }
  }

  /// An arithmetic operand's register. A field (`m.age`) keeps the register of its map or
  /// record until the operation is done and is noted, so that an error on nil can name it.
  func operand(_ e: Expr, _ fields: inout [FieldOperand]) -> Int {
    guard case .field(let object, let name) = e.kind, let written = writtenPath(e) else {
      return exprAnyRegister(e)
    }
    let o = exprAnyRegister(object)
    let r = allocateRegister()
    emit(.getField, Int32(r), Int32(o), constant(.text(name)), at: e.position)
    fields.append(FieldOperand(register: r, object: o, key: name, written: written))
    return r
  }

  func noteFields(_ fields: [FieldOperand], at index: Int) {
    if !fields.isEmpty { state.proto.fieldOperands[index] = fields }
  }

  /// `m.age`, `.match.minutes` (in a stage): a field path as written, or nil for anything else.
  func writtenPath(_ e: Expr) -> String? {
    switch e.kind {
    case .name(let n): return n == "it" && state.decl.isImplicit ? "" : n
    case .field(let object, let name):
      guard let prefix = writtenPath(object) else { return nil }
      return prefix + "." + name
    default: return nil
    }
  }

  /// `M-42` written for `M-0042`: a record letter that names nothing, a minus and a number
  /// written together read as a subtraction of an unknown name; name the id's form instead.
  func shortRecordID(_ left: Expr, _ right: Expr, at pos: SourcePosition) -> Bool {
    guard case .name(let letter) = left.kind, letter.count == 1, recordPrefixes.contains(letter.first!),
      resolve(letter) == nil, case .literal(.int(let n)) = right.kind, (0..<10_000).contains(n),
      pos == SourcePosition(line: left.position.line, column: left.position.column + 1),
      right.position == SourcePosition(line: pos.line, column: pos.column + 1)
    else { return false }
    let number = String(n)
    let written = String(repeating: "0", count: max(0, right.length - number.count)) + number
    let id = letter + "-" + String(repeating: "0", count: max(0, 4 - number.count)) + number
    fail(
      "\(letter)-\(written) is not a record id: ids have four digits", at: left.position,
      length: 2 + right.length, hint: "write \(id)")
    return true
  }

  /// Compiles a condition as jumps taken when it is false; returns them for patching.
  func condition(_ e: Expr, jumpIfFalse: Bool) -> [Int] {
    let save = state.freeRegister
    defer { state.freeRegister = save }
    let pos = e.position
    switch e.kind {
    case .literal(.bool(true)):
      return []
    case .and(let l, let r):
      return condition(l, jumpIfFalse: true) + condition(r, jumpIfFalse: true)
    case .unary(.not, let operand):
      let r = exprAnyRegister(operand)
      return [emit(.jumpIfTrue, Int32(r), at: pos)]
    case .binary(let op, let left, let right) where op.isComparison:
      let a = exprAnyRegister(left)
      if case .literal(let v) = right.kind {
        let k = constant(v)
        let code: Opcode
        switch op {
        case .less: code = .jumpIfNotLessK
        case .lessOrEqual: code = .jumpIfNotLessEqualK
        case .greater: code = .jumpIfNotGreaterK
        case .greaterOrEqual: code = .jumpIfNotGreaterEqualK
        case .equal: code = .jumpIfNotEqualK
        default: code = .jumpIfEqualK
        }
        return [emit(code, Int32(a), k, at: pos)]
      }
      let b = exprAnyRegister(right)
      switch op {
      case .less: return [emit(.jumpIfNotLess, Int32(a), Int32(b), at: pos)]
      case .greater: return [emit(.jumpIfNotGreater, Int32(a), Int32(b), at: pos)]
      case .lessOrEqual: return [emit(.jumpIfNotLessEqual, Int32(a), Int32(b), at: pos)]
      case .greaterOrEqual: return [emit(.jumpIfNotGreaterEqual, Int32(a), Int32(b), at: pos)]
      case .equal: return [emit(.jumpIfNotEqual, Int32(a), Int32(b), at: pos)]
      default: return [emit(.jumpIfEqual, Int32(a), Int32(b), at: pos)]
      }
    default:
      let r = exprAnyRegister(e)
      return [emit(.jumpIfFalse, Int32(r), at: pos)]
    }
  }

  // MARK: - Pipelines

  /// Each stage becomes a call of a built-in stage function (`|where`, `|sort`...) whose
  /// per-item expressions are closures of `it`, or a call of an ordinary function with the
  /// input as its first argument.
  func pipeline(_ input: Expr, _ stages: [Stage], into dst: Int) {
    expression(input, into: dst)
    for (stageIndex, stage) in stages.enumerated() {
      let save = state.freeRegister
      defer { state.freeRegister = save }
      let base = allocateRegister()
      var argc = 1
      let builtin: String
      switch stage.name {
      case let n where (n == "first" || n == "last") && (!stage.keys.isEmpty || !stage.more.isEmpty):
        // `first .date` and `first .date, count` are aggregates; `first 3` takes items.
        builtin = "|aggregate"
      case "where", "map", "each", "group", "distinct", "take", "skip", "first", "last":
        builtin = "|" + stage.name
      case "sort": builtin = "|sort"
      case let n where Parser.aggregates.contains(n): builtin = "|aggregate"
      default: builtin = ""
      }
      if builtin.isEmpty {
        // Any function: `xs | join(", ")` is `join(xs, ", ")`.
        expression(Expr(.name(stage.name), stage.position, length: stage.name.count), into: base)
        emit(.move, Int32(allocateRegister()), Int32(dst), at: stage.position)
        for a in stage.arguments {
          expression(a, into: allocateRegister())
          argc += 1
        }
        emit(.call, Int32(base), Int32(argc), at: stage.position)
        emit(.move, Int32(dst), Int32(base), at: stage.position)
        continue
      }
      guard let g = globals.slot(of: builtin) else { continue }
      emit(.getGlobal, Int32(base), Int32(g), at: stage.position)
      emit(.move, Int32(allocateRegister()), Int32(dst), at: stage.position)
      switch builtin {
      case "|sort":
        let fnBase = state.freeRegister
        for key in stage.keys { function(key.0, into: allocateRegister()) }
        let keys = allocateRegister()
        emit(.newList, Int32(keys), Int32(fnBase), Int32(stage.keys.count), at: stage.position)
        let flagBase = state.freeRegister
        for key in stage.keys {
          emit(.loadBool, Int32(allocateRegister()), key.descending ? 1 : 0, at: stage.position)
        }
        let flags = allocateRegister()
        emit(.newList, Int32(flags), Int32(flagBase), Int32(stage.keys.count), at: stage.position)
        emit(.move, Int32(base + 2), Int32(keys), at: stage.position)
        emit(.move, Int32(base + 3), Int32(flags), at: stage.position)
        state.freeRegister = base + 4
        argc = 3
      case "|aggregate":
        // Arguments: names, functions (or nil), column labels.
        let all = [stage] + stage.more
        let nameBase = state.freeRegister
        for s in all { emit(.loadK, Int32(allocateRegister()), constant(.text(s.name)), at: s.position) }
        let names = allocateRegister()
        emit(.newList, Int32(names), Int32(nameBase), Int32(all.count), at: stage.position)
        let fnBase = state.freeRegister
        for s in all {
          let r = allocateRegister()
          if let key = s.keys.first, key.0.isImplicit {
            function(key.0, into: r)
          } else {
            emit(.loadNil, Int32(r), at: s.position)
          }
        }
        let fns = allocateRegister()
        emit(.newList, Int32(fns), Int32(fnBase), Int32(all.count), at: stage.position)
        let labelBase = state.freeRegister
        for s in all {
          let label = s.keys.first?.label ?? columnLabel(s)
          emit(.loadK, Int32(allocateRegister()), constant(.text(label)), at: s.position)
        }
        let labels = allocateRegister()
        emit(.newList, Int32(labels), Int32(labelBase), Int32(all.count), at: stage.position)
        // The query shapes of the expressions, when each has one, so that a host can
        // aggregate itself (Library/HostAggregation.swift).
        var shapes: [ItemValue?] = []
        var shapeConstants: [Expr] = []
        for s in all {
          guard let key = s.keys.first, key.0.isImplicit else {
            shapes.append(nil)
            continue
          }
          guard let shape = QueryShape.analyseValue(key.0, into: &shapeConstants) else { break }
          shapes.append(shape)
        }
        let shapesRegister = shapes.count == all.count ? allocateRegister() : -1
        var constantsRegister = -1
        if shapesRegister >= 0 {
          emit(.loadK, Int32(shapesRegister), shapeConstant(shapes), at: stage.position)
          constantsRegister = constantList(shapeConstants, at: stage.position)
        }
        emit(.move, Int32(base + 2), Int32(names), at: stage.position)
        emit(.move, Int32(base + 3), Int32(fns), at: stage.position)
        emit(.move, Int32(base + 4), Int32(labels), at: stage.position)
        state.freeRegister = base + 5
        argc = 4
        if shapesRegister >= 0 {
          emit(.move, Int32(base + 5), Int32(shapesRegister), at: stage.position)
          emit(.move, Int32(base + 6), Int32(constantsRegister), at: stage.position)
          state.freeRegister = base + 7
          argc = 6
        }
      default:
        if let key = stage.keys.first {
          function(key.0, into: allocateRegister())
          argc += 1
          // A simple `where` also hands over its query shape and constants, so a stored
          // collection can filter in its database (QueryShape.swift); lists ignore them.
          if builtin == "|where", let query = QueryShape.analyse(key.0) {
            if stages[..<stageIndex].allSatisfy({ $0.name == "where" }) {
              checkAllowedValues(query, input: input)
            }
            emit(.loadK, Int32(allocateRegister()), shapeConstant(query.shape), at: stage.position)
            let values = constantList(query.constants, at: stage.position)
            emit(.move, Int32(base + 4), Int32(values), at: stage.position)
            state.freeRegister = base + 5
            argc = 4
          }
          // A `map` of entries that all have query shapes, followed by an aggregate (or a group
          // and an aggregate), also hands over the shapes, so that a host can do the three
          // stages itself (Library/HostMap.swift).
          if builtin == "|map",
            let (entries, constants) = mapShapes(key.0, before: stages[(stageIndex + 1)...])
          {
            emit(.loadK, Int32(allocateRegister()), shapeConstant(entries), at: stage.position)
            let values = constantList(constants, at: stage.position)
            emit(.move, Int32(base + 4), Int32(values), at: stage.position)
            state.freeRegister = base + 5
            argc = 4
          }
          if builtin == "|group" {
            let label = key.label ?? (stage.byPeriod ? periodLabel(key.0) : keyLabel(key.0))
            emit(.loadK, Int32(allocateRegister()), constant(.text(label)), at: stage.position)
            argc += 1
            // Followed by an aggregate, a key with a query shape lets a host do both stages:
            // the flag, the period or nil, the shape and its constants (HostAggregation.swift).
            let next = stageIndex + 1 < stages.count ? stages[stageIndex + 1].name : ""
            if Parser.aggregates.contains(next), let query = QueryShape.analyseValue(key.0) {
              emitGroupMode(stage)
              let over = allocateRegister()
              if let period = stage.arguments.first {
                expression(period, into: over)
              } else {
                emit(.loadNil, Int32(over), at: stage.position)
              }
              emit(.loadK, Int32(allocateRegister()), shapeConstant(query.shape), at: stage.position)
              let values = constantList(query.constants, at: stage.position)
              emit(.move, Int32(base + 7), Int32(values), at: stage.position)
              state.freeRegister = base + 8
              emit(.call, Int32(base), 7, at: stage.position)
              emit(.move, Int32(dst), Int32(base), at: stage.position)
              continue
            }
            // `group by` / `group each`: the mode, then the optional `over` period (compiled below).
            if stage.byPeriod || stage.eachElement {
              emitGroupMode(stage)
              argc += 1
            }
          }
        } else if builtin == "|distinct" {
          emit(.loadNil, Int32(allocateRegister()), at: stage.position)
          argc += 1
        }
        for a in stage.arguments {
          expression(a, into: allocateRegister())
          argc += 1
        }
      }
      emit(.call, Int32(base), Int32(argc), at: stage.position)
      emit(.move, Int32(dst), Int32(base), at: stage.position)
    }
  }

  /// A `where` on a host value named directly (`mothers | where .status == "wating"`): its text
  /// constants are checked against the values the host allows, before the script runs. (The
  /// stage checks again at run time, for hosts not known here.)
  func checkAllowedValues(_ query: QueryShape.Analysed<ItemCondition>, input: Expr) {
    guard checksAllowedValues, case .name(let name) = input.kind, case .global(let g, _)? = resolve(name),
      case .host(let host) = globals.values[g]
    else { return }
    for (path, k) in AllowedValues.comparisons(in: query.shape) where k < query.constants.count {
      guard let allowed = host.allowedValues(of: path) else { continue }
      var candidates = [query.constants[k]]
      if case .list(let items) = query.constants[k].kind { candidates = items }
      for c in candidates {
        guard case .literal(let v) = c.kind, let (message, hint) = allowed.problem(with: v) else { continue }
        fail(message, at: c.position, length: c.length, hint: hint)
      }
    }
  }

  /// Whether a script's top level holds a declaration (`let NAME = |declare_KEYWORD(...)`).
  static func declaresAnything(_ main: FunctionDecl) -> Bool {
    main.body.contains { stmt in
      guard case .declare(_, _, let value?) = stmt.kind, case .call(let callee, _) = value.kind,
        case .name(let name) = callee.kind
      else { return false }
      return name.hasPrefix("|declare_")
    }
  }

  /// `|group`'s mode argument: yes for `group by` (periods), "each" for `group each`, no for
  /// a plain `group`.
  func emitGroupMode(_ stage: Stage) {
    let r = allocateRegister()
    if stage.eachElement {
      emit(.loadK, Int32(r), constant(.text("each")), at: stage.position)
    } else {
      emit(.loadBool, Int32(r), stage.byPeriod ? 1 : 0, at: stage.position)
    }
  }

  /// A query shape as a constant of the code, for the stage to hand to a host.
  func shapeConstant<Shape>(_ shape: Shape) -> Int32 { constant(.host(QueryShapeConstant(shape))) }

  /// The query shapes of a `map {name: value, ...}` stage's entries and their constants, when
  /// an aggregate (or a group and then an aggregate) comes next and every entry, named by a
  /// plain key given once, has one; nil otherwise.
  func mapShapes(_ decl: FunctionDecl, before rest: ArraySlice<Stage>) -> ([MapEntryShape], [Expr])? {
    let next = rest.first?.name ?? ""
    let afterNext = rest.dropFirst().first?.name ?? ""
    guard Parser.aggregates.contains(next) || (next == "group" && Parser.aggregates.contains(afterNext)),
      decl.isImplicit, decl.body.count == 1, case .expression(let e) = decl.body[0].kind,
      case .map(let pairs) = e.kind, !pairs.isEmpty
    else { return nil }
    var entries: [MapEntryShape] = []
    var constants: [Expr] = []
    for (key, value) in pairs {
      guard case .literal(let literal) = key.kind, case .string(let text) = literal,
        case let name = text.value, !entries.contains(where: { $0.name == name }),
        let shape = QueryShape.value(value, &constants)
      else { return nil }
      entries.append(MapEntryShape(name: name, value: shape))
    }
    return (entries, constants)
  }

  /// A query shape's constants (QueryShape.swift) evaluated into a new list, once per call of
  /// the stage; returns the list's register.
  func constantList(_ constants: [Expr], at pos: SourcePosition) -> Int {
    let first = state.freeRegister
    for c in constants { expression(c, into: allocateRegister()) }
    let list = allocateRegister()
    emit(.newList, Int32(list), Int32(first), Int32(constants.count), at: pos)
    return list
  }

  /// The column name of a per-item expression: the last field it reads (`.match.kind` → kind).
  func keyLabel(_ decl: FunctionDecl) -> String {
    guard case .expression(let e)? = decl.body.first?.kind else { return "key" }
    if case .field(_, let name) = e.kind { return name }
    return "key"
  }

  /// `group by month(.date)` names its column after the period function: month.
  func periodLabel(_ decl: FunctionDecl) -> String {
    if case .expression(let e)? = decl.body.first?.kind, case .call(let callee, _) = e.kind,
      case .name(let name) = callee.kind
    {
      return name
    }
    return "period"
  }

  func columnLabel(_ stage: Stage) -> String {
    guard let key = stage.keys.first, key.0.isImplicit else { return stage.name }
    return "\(stage.name)_\(keyLabel(key.0))"
  }
}

extension Expr.Kind {
  var isAnd: Bool {
    if case .and = self { return true }
    return false
  }
  var leftOperand: Expr? {
    switch self {
    case .and(let l, _), .or(let l, _): return l
    default: return nil
    }
  }
  var rightOperand: Expr? {
    switch self {
    case .and(_, let r), .or(_, let r): return r
    default: return nil
    }
  }
}
