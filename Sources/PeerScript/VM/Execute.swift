import OrderedCollections

extension VM {
  /// The interpreter loop. Runs the top frame until the frame count drops back to `stopAt`
  /// and returns the value it returned.
  ///
  /// Why it looks like this: the loop's state (pc, register base, constants) lives in local
  /// variables, not properties, and registers are reached through raw pointers; integer fast
  /// paths come first and fall back to the general operations in Operations.swift.
  func execute(stopAt: Int) throws -> Value {
    var frame = frames[frameCount - 1]
    unowned(unsafe) var proto = frame.closure.proto
    unowned(unsafe) var closure = frame.closure
    var code = proto.codePointer!
    var k = proto.constantsPointer!
    var base = stack + frame.base
    var pc = code
    let g = globals.values
    var budget = VM.checkInterval
    let listTag = Peek.listTag
    let tags = Peek.trivialTags
    let cellTag = Peek.cellTag
    let closureTag = Peek.closureTag
    let nativeTag = Peek.nativeTag

    do {
      while true {
        let ins = pc.pointee
        pc += 1
        let a = Int(ins.a)
        switch ins.op {
        case .move:
          Peek.move(base + a, base + Int(ins.b), tags)
        case .loadK:
          base[a] = k[Int(ins.b)]
        case .loadInt:
          Peek.store(base + a, .int(Int(ins.b)), tags)
        case .loadNil:
          base[a] = .null
        case .loadBool:
          Peek.store(base + a, .bool(ins.b != 0), tags)
        case .getGlobal:
          base[a] = g[Int(ins.b)]
        case .setGlobal:
          g[Int(ins.b)] = base[a]
        case .newCell:
          base[a] = .cell(Cell(base[a]))
        case .getCell:
          if let c = Peek.cell(base + Int(ins.b), tag: cellTag) {
            base[a] = c._withUnsafeGuaranteedRef { $0.value }
          } else {
            guard case .cell(let c) = base[Int(ins.b)] else {
              throw RuntimeError("internal error: not a cell")
            }
            base[a] = c.value
          }
        case .setCell:
          let v = base[Int(ins.b)]
          if let c = Peek.cell(base + a, tag: cellTag) {
            c._withUnsafeGuaranteedRef { $0.value = v }
          } else {
            guard case .cell(let c) = base[a] else { throw RuntimeError("internal error: not a cell") }
            c.value = v
          }
        case .getCapture:
          base[a] = closure.cell(Int(ins.b))._withUnsafeGuaranteedRef { $0.value }
        case .setCapture:
          let v = base[a]
          closure.cell(Int(ins.b))._withUnsafeGuaranteedRef { $0.value = v }
        case .closure:
          let p = proto.protos[Int(ins.b)]
          var cells = ContiguousArray<Cell>()
          cells.reserveCapacity(p.captures.count)
          for source in p.captures {
            switch source {
            case .local(let r):
              guard case .cell(let c) = base[r] else {
                throw RuntimeError("internal error: capture is not a cell")
              }
              cells.append(c)
            case .outer(let i):
              cells.append(closure.cell(i).takeUnretainedValue())
            }
          }
          base[a] = .closure(Closure(proto: p, cells: cells))

        case .add:
          if case .int(let x) = base[Int(ins.b)], case .int(let y) = base[Int(ins.c)] {
            let (r, o) = x.addingReportingOverflow(y)
            if !o {
              Peek.store(base + a, .int(r), tags)
              continue
            }
          }
          base[a] = try Operations.add(base[Int(ins.b)], base[Int(ins.c)], vm: self)
        case .sub:
          if case .int(let x) = base[Int(ins.b)], case .int(let y) = base[Int(ins.c)] {
            let (r, o) = x.subtractingReportingOverflow(y)
            if !o {
              Peek.store(base + a, .int(r), tags)
              continue
            }
          }
          base[a] = try Operations.subtract(base[Int(ins.b)], base[Int(ins.c)])
        case .mul:
          if case .int(let x) = base[Int(ins.b)], case .int(let y) = base[Int(ins.c)] {
            let (r, o) = x.multipliedReportingOverflow(by: y)
            if !o {
              Peek.store(base + a, .int(r), tags)
              continue
            }
          }
          base[a] = try Operations.multiply(base[Int(ins.b)], base[Int(ins.c)], vm: self)
        case .div:
          base[a] = try Operations.divide(base[Int(ins.b)], base[Int(ins.c)])
        case .idiv:
          base[a] = try Operations.floorDivide(base[Int(ins.b)], base[Int(ins.c)])
        case .mod:
          if case .int(let x) = base[Int(ins.b)], case .int(let y) = base[Int(ins.c)], y > 0 {
            let r = x % y
            Peek.store(base + a, .int(r < 0 ? r + y : r), tags)
            continue
          }
          base[a] = try Operations.modulo(base[Int(ins.b)], base[Int(ins.c)])
        case .addK:
          base[a] = try Operations.add(base[Int(ins.b)], k[Int(ins.c)], vm: self)
        case .subK:
          base[a] = try Operations.subtract(base[Int(ins.b)], k[Int(ins.c)])
        case .mulK:
          if case .int(let x) = base[Int(ins.b)], case .int(let y) = k[Int(ins.c)] {
            let (r, o) = x.multipliedReportingOverflow(by: y)
            if !o {
              Peek.store(base + a, .int(r), tags)
              continue
            }
          }
          base[a] = try Operations.multiply(base[Int(ins.b)], k[Int(ins.c)], vm: self)
        case .divK:
          base[a] = try Operations.divide(base[Int(ins.b)], k[Int(ins.c)])
        case .idivK:
          base[a] = try Operations.floorDivide(base[Int(ins.b)], k[Int(ins.c)])
        case .modK:
          if case .int(let x) = base[Int(ins.b)], case .int(let y) = k[Int(ins.c)], y > 0 {
            let r = x % y
            Peek.store(base + a, .int(r < 0 ? r + y : r), tags)
            continue
          }
          base[a] = try Operations.modulo(base[Int(ins.b)], k[Int(ins.c)])
        case .addI:
          if case .int(let x) = base[Int(ins.b)] {
            let (r, o) = x.addingReportingOverflow(Int(ins.c))
            if !o {
              Peek.store(base + a, .int(r), tags)
              continue
            }
          }
          base[a] = try Operations.add(base[Int(ins.b)], .int(Int(ins.c)))
        case .subI:
          if case .int(let x) = base[Int(ins.b)] {
            let (r, o) = x.subtractingReportingOverflow(Int(ins.c))
            if !o {
              Peek.store(base + a, .int(r), tags)
              continue
            }
          }
          base[a] = try Operations.subtract(base[Int(ins.b)], .int(Int(ins.c)))
        case .neg:
          base[a] = try Operations.negate(base[Int(ins.b)])
        case .not:
          Peek.store(base + a, .bool(!base[Int(ins.b)].isTruthy), tags)
        case .eq:
          base[a] = .bool(try Operations.equal(base[Int(ins.b)], base[Int(ins.c)]))
        case .ne:
          base[a] = .bool(!(try Operations.equal(base[Int(ins.b)], base[Int(ins.c)])))
        case .lt:
          base[a] = .bool(try Operations.compare(base[Int(ins.b)], "<", base[Int(ins.c)]))
        case .le:
          base[a] = .bool(try Operations.compare(base[Int(ins.b)], "<=", base[Int(ins.c)]))
        case .gt:
          base[a] = .bool(try Operations.compare(base[Int(ins.b)], ">", base[Int(ins.c)]))
        case .ge:
          base[a] = .bool(try Operations.compare(base[Int(ins.b)], ">=", base[Int(ins.c)]))
        case .inside:
          base[a] = .bool(try Operations.contains(base[Int(ins.c)], base[Int(ins.b)]))
        case .range, .rangeExclusive:
          base[a] = try Operations.makeRange(
            base[Int(ins.b)], base[Int(ins.c)], exclusive: ins.op == .rangeExclusive)

        case .jump:
          if ins.b < 0 {
            budget -= 1
            if budget == 0 {
              budget = VM.checkInterval
              try checkBudgets()
            }
          }
          pc += Int(ins.b)
        case .jumpIfFalse:
          if !base[a].isTruthy { pc += Int(ins.b) }
        case .jumpIfTrue:
          if base[a].isTruthy { pc += Int(ins.b) }
        // The fused compare-and-jumps are written out one by one, each with its whole-number
        // fast path inline: they run on every turn of a loop, and a shared helper taking the
        // comparison as an argument costs a call and a switch each time.
        case .jumpIfNotLess:
          if case .int(let x) = base[a], case .int(let y) = base[Int(ins.b)] {
            if !(x < y) { pc += Int(ins.c) }
          } else if !(try Operations.compare(base[a], "<", base[Int(ins.b)])) {
            pc += Int(ins.c)
          }
        case .jumpIfNotLessEqual:
          if case .int(let x) = base[a], case .int(let y) = base[Int(ins.b)] {
            if !(x <= y) { pc += Int(ins.c) }
          } else if !(try Operations.compare(base[a], "<=", base[Int(ins.b)])) {
            pc += Int(ins.c)
          }
        case .jumpIfNotGreater:
          if case .int(let x) = base[a], case .int(let y) = base[Int(ins.b)] {
            if !(x > y) { pc += Int(ins.c) }
          } else if !(try Operations.compare(base[a], ">", base[Int(ins.b)])) {
            pc += Int(ins.c)
          }
        case .jumpIfNotGreaterEqual:
          if case .int(let x) = base[a], case .int(let y) = base[Int(ins.b)] {
            if !(x >= y) { pc += Int(ins.c) }
          } else if !(try Operations.compare(base[a], ">=", base[Int(ins.b)])) {
            pc += Int(ins.c)
          }
        case .jumpIfNotEqual:
          if case .int(let x) = base[a], case .int(let y) = base[Int(ins.b)] {
            if x != y { pc += Int(ins.c) }
          } else if !(try Operations.equal(base[a], base[Int(ins.b)])) {
            pc += Int(ins.c)
          }
        case .jumpIfEqual:
          if case .int(let x) = base[a], case .int(let y) = base[Int(ins.b)] {
            if x == y { pc += Int(ins.c) }
          } else if try Operations.equal(base[a], base[Int(ins.b)]) {
            pc += Int(ins.c)
          }
        case .jumpIfNotLessK:
          if case .int(let x) = base[a], case .int(let y) = k[Int(ins.b)] {
            if !(x < y) { pc += Int(ins.c) }
          } else if !(try Operations.compare(base[a], "<", k[Int(ins.b)])) {
            pc += Int(ins.c)
          }
        case .jumpIfNotLessEqualK:
          if case .int(let x) = base[a], case .int(let y) = k[Int(ins.b)] {
            if !(x <= y) { pc += Int(ins.c) }
          } else if !(try Operations.compare(base[a], "<=", k[Int(ins.b)])) {
            pc += Int(ins.c)
          }
        case .jumpIfNotGreaterK:
          if case .int(let x) = base[a], case .int(let y) = k[Int(ins.b)] {
            if !(x > y) { pc += Int(ins.c) }
          } else if !(try Operations.compare(base[a], ">", k[Int(ins.b)])) {
            pc += Int(ins.c)
          }
        case .jumpIfNotGreaterEqualK:
          if case .int(let x) = base[a], case .int(let y) = k[Int(ins.b)] {
            if !(x >= y) { pc += Int(ins.c) }
          } else if !(try Operations.compare(base[a], ">=", k[Int(ins.b)])) {
            pc += Int(ins.c)
          }
        case .jumpIfNotEqualK:
          if case .int(let x) = base[a], case .int(let y) = k[Int(ins.b)] {
            if x != y { pc += Int(ins.c) }
          } else if !(try Operations.equal(base[a], k[Int(ins.b)])) {
            pc += Int(ins.c)
          }
        case .jumpIfEqualK:
          if case .int(let x) = base[a], case .int(let y) = k[Int(ins.b)] {
            if x == y { pc += Int(ins.c) }
          } else if try Operations.equal(base[a], k[Int(ins.b)]) {
            pc += Int(ins.c)
          }

        case .forPrep:
          var empty = false
          if ins.c != 0 {  // `..<`: the limit itself is excluded
            switch base[a + 1] {
            case .int(let n): if n == Int.min { empty = true } else { base[a + 1] = .int(n - 1) }
            case .date(let d): base[a + 1] = .date(d - 1)
            default: break
            }
          }
          switch (base[a], base[a + 1]) {
          case (.int(let start), .int(let limit)):
            if empty || start > limit {
              pc += Int(ins.b)
            } else {
              Peek.store(base + a + 2, .int(start), tags)
            }
          case (.date(let start), .date(let limit)):
            if start > limit { pc += Int(ins.b) } else { base[a + 2] = .date(start) }
          case (let lo, let hi):
            throw RuntimeError(
              "a range in a for loop needs two whole numbers or two dates, got \(lo.shortDescription)..\(hi.shortDescription)"
            )
          }
        case .forLoop:
          if case .int(let i) = base[a], case .int(let limit) = base[a + 1] {
            if i < limit {
              Peek.store(base + a, .int(i + 1), tags)
              Peek.store(base + a + 2, .int(i + 1), tags)
              pc += Int(ins.b)
              budget -= 1
              if budget == 0 {
                budget = VM.checkInterval
                try checkBudgets()
              }
            }
          } else if case .date(let d) = base[a], case .date(let limit) = base[a + 1], d < limit {
            base[a] = .date(d + 1)
            base[a + 2] = .date(d + 1)
            pc += Int(ins.b)
          }
        case .iterPrep:
          base[a] = try Operations.iterable(base[a], variables: Int(ins.c))
          if case .range(let r) = base[a] { base[a + 1] = r.lower }
        case .iterNext:
          if try !Operations.iterate(base + a, variables: Int(ins.c)) { pc += Int(ins.b) }

        case .call, .callMethod:
          var fslot = a
          var nargs = Int(ins.b)
          let returnTo = base - stack + a
          if ins.op == .callMethod {
            let slot = Int(pc.pointee.a)
            pc += 1
            (fslot, nargs) = try resolveMethod(
              base: base, a: a, nargs: nargs, name: k[Int(ins.c)], slot: slot)
          }
          frames[frameCount - 1].pc = pc - code
          // A script function: entered without retaining it (its slot keeps it alive).
          if let u = Peek.closure(base + fslot, tag: closureTag) {
            try u._withUnsafeGuaranteedRef { c in
              try pushFrame(c, fslot: base - stack + fslot, nargs: nargs, returnTo: returnTo)
            }
            frame = frames[frameCount - 1]
            closure = frame.closure
            proto = closure.proto
            code = proto.codePointer!
            k = proto.constantsPointer!
            base = stack + frame.base
            pc = code
            budget -= 1
            if budget == 0 {
              budget = VM.checkInterval
              try checkBudgets()
            }
            continue
          }
          // A built-in: called without retaining it (its slot keeps it alive, as above).
          if let u = Peek.native(base + fslot, tag: nativeTag) {
            let result = try u._withUnsafeGuaranteedRef { n -> Value in
              guard n.arity.contains(nargs) else { throw nativeArityError(n, nargs) }
              nativeTop = base - stack + proto.registerCount
              return try n.body(Arguments(function: n.name, base: base + fslot + 1, count: nargs, vm: self))
            }
            stack[returnTo] = result
            continue
          }
          switch base[fslot] {
          case .closure(let c):
            try pushFrame(c, fslot: base - stack + fslot, nargs: nargs, returnTo: returnTo)
            frame = frames[frameCount - 1]
            closure = c
            proto = c.proto
            code = proto.codePointer!
            k = proto.constantsPointer!
            base = stack + frame.base
            pc = code
            budget -= 1
            if budget == 0 {
              budget = VM.checkInterval
              try checkBudgets()
            }
          case .native(let n):
            guard n.arity.contains(nargs) else { throw nativeArityError(n, nargs) }
            nativeTop = base - stack + proto.registerCount
            let result = try n.body(
              Arguments(function: n.name, base: base + fslot + 1, count: nargs, vm: self))
            stack[returnTo] = result
          case let other:
            throw RuntimeError(
              "cannot call \(other.kindAndValue): it is not a function")
          }
        case .ret, .retNil:
          let result = ins.op == .ret ? base[a] : .null
          let done = frames[frameCount - 1]
          // Release what the dead registers hold (a big list must not outlive its function);
          // registers holding plain values are skipped with a one-byte test.
          Peek.clear(base, count: proto.registerCount, tags)
          frameCount -= 1
          stack[done.returnTo] = result
          if frameCount == stopAt {
            // The steps this run counted down and did not reach a check with.
            callbackSteps &+= VM.checkInterval - budget
            return result
          }
          frame = frames[frameCount - 1]
          closure = frame.closure
          proto = closure.proto
          code = proto.codePointer!
          k = proto.constantsPointer!
          base = stack + frame.base
          pc = code + frame.pc

        case .newList:
          let first = Int(ins.b)
          let n = Int(ins.c)
          var items = ContiguousArray<Value>()
          items.reserveCapacity(n)
          for i in 0..<n { items.append(base[first + i]) }
          base[a] = .list(ListObject(items))
        case .newMap:
          let m = MapObject(OrderedDictionary(minimumCapacity: Int(ins.c)))
          let first = Int(ins.b)
          for i in 0..<Int(ins.c) { m.entries[base[first + 2 * i]] = base[first + 2 * i + 1] }
          base[a] = .map(m)
        case .getField:
          base[a] = try Operations.field(of: base[Int(ins.b)], k[Int(ins.c)])
        case .setField:
          try Operations.setField(of: base[a], k[Int(ins.b)], to: base[Int(ins.c)])
        case .getIndex:
          if let l = Peek.list(base + Int(ins.b), tag: listTag), case .int(let i) = base[Int(ins.c)],
            l._withUnsafeGuaranteedRef({ i >= 0 && i < $0.items.count })
          {
            base[a] = l._withUnsafeGuaranteedRef { $0.items[i] }
          } else {
            base[a] = try Operations.index(base[Int(ins.b)], base[Int(ins.c)])
          }
        case .setIndex:
          if let l = Peek.list(base + a, tag: listTag), case .int(let i) = base[Int(ins.b)],
            l._withUnsafeGuaranteedRef({ i >= 0 && i < $0.items.count })
          {
            let v = base[Int(ins.c)]
            l._withUnsafeGuaranteedRef { $0.items[i] = v }
          } else {
            try Operations.setIndex(base[a], base[Int(ins.b)], to: base[Int(ins.c)])
          }
        case .extra:
          break
        case .concat:
          var s = ""
          let first = Int(ins.b)
          // The text parts' size is charged to the memory budget before the text is made.
          var size = 0
          for i in 0..<Int(ins.c) {
            if case .string(let t) = base[first + i] { size += t.value.utf8.count }
          }
          try charge(size)
          for i in 0..<Int(ins.c) {
            switch base[first + i] {
            case .string(let t): s += t.value
            case let v:
              let d = v.description
              try charge(size + d.utf8.count)
              s += d
            }
          }
          base[a] = .string(StringObject(s))
        case .append:
          if let l = Peek.list(base + a, tag: listTag) {
            let v = base[Int(ins.b)]
            let count = l._withUnsafeGuaranteedRef { list -> Int in
              list.items.append(v)
              return list.items.count
            }
            if count & 0xFFFF == 0 { try checkMemory(adding: count * MemoryLayout<Value>.stride) }
          } else {
            frames[frameCount - 1].pc = pc - code
            nativeTop = base - stack + proto.registerCount
            base[a] = try callPushMethod(on: base[a], base[Int(ins.b)])
          }
        case .makeDuration:
          base[a] = try Operations.makeDuration(base[Int(ins.b)], unit: Int(ins.c))
        }
      }
    } catch var error as RuntimeError {
      if let operands = proto.fieldOperands[pc - code - 1] {
        explainNilOperand(&error, operands, base: base)
      }
      locate(&error, pc: pc - code - 1)
      frameCount = stopAt
      throw error
    }
  }

  /// `x.push(v)` when x is not a list: a map or record's own `push` field, or the built-in
  /// (which reports the type error).
  func callPushMethod(on receiver: Value, _ v: Value) throws -> Value {
    switch receiver {
    case .map(let m):
      if let f = m["push"] { return try call(f, [v]) }
    case .record(let r):
      if let f = r["push"] { return try call(f, [v]) }
    default: break
    }
    return try call(globals["push"] ?? .null, [receiver, v])
  }

  /// For `x.name(args)`: a function stored in the field `name` of a map or record, or else the
  /// global function `name` called with `x` first. Returns the function slot and argument count.
  @inline(__always)
  func resolveMethod(base: UnsafeMutablePointer<Value>, a: Int, nargs: Int, name: Value, slot: Int) throws
    -> (Int, Int)
  {
    let receiver = base[a + 1]
    switch receiver {
    case .list, .string:
      if slot >= 0 {
        base[a] = globals.values[slot]
        return (a, nargs + 1)
      }
    case .map(let m):
      if let f = m.entries[name] {
        base[a + 1] = f
        return (a + 1, nargs)
      }
    case .record(let r):
      if case .string(let s) = name, let f = r[s.value] {
        base[a + 1] = f
        return (a + 1, nargs)
      }
    case .host(let h):
      // A host value's methods are fields holding functions (`quarterly.run(q)`).
      if case .string(let s) = name, let f = try h.field(s.value) {
        switch f {
        case .closure, .native:
          base[a + 1] = f
          return (a + 1, nargs)
        default: break
        }
      }
    default: break
    }
    guard case .string(let s) = name else { throw RuntimeError("internal error: method name") }
    if let slot = globals.slot(of: s.value) {
      let f = globals.values[slot]
      switch f {
      case .closure, .native:
        base[a] = f
        return (a, nargs + 1)
      default: break
      }
    }
    let names = globals.names.filter { n in
      guard let i = globals.slot(of: n) else { return false }
      if case .native = globals.values[i] { return !n.hasPrefix("|") }
      if case .closure = globals.values[i] { return true }
      return false
    }
    throw RuntimeError(
      "\(receiver.typeName) has no method \"\(s.value)\"",
      hint: closestMatch(to: s.value, in: names).map { "did you mean \"\($0)\"?" })
  }
}
