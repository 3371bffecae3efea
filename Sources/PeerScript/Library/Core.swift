/// Output, checks, conversions and the functions every script uses.
extension Library {
  func registerCore(tableWidth: Int) {
    define("print", 0...Int.max, "print(a, b, ...) - write the values on one line, separated by spaces") {
      args in
      args.vm.output((0..<args.count).map { args[$0].description }.joined(separator: " "))
      return .null
    }
    define("show", 1, "show(x) - write x as the REPL shows it: a table for a list of records or maps") {
      args in
      args.vm.output(try TableRenderer.display(args[0], width: tableWidth))
      return .null
    }
    define("assert", 1...2, "assert(condition, message) - stop with the message if the condition is false") {
      args in
      if !args[0].isTruthy {
        let message = args.count > 1 ? args[1].description : "assertion failed"
        throw RuntimeError(message)
      }
      return .null
    }
    define("error", 1, "error(message) - stop the script with this message") { args in
      throw RuntimeError(args[0].description)
    }
    define("len", 1, "len(x) - the number of items in a list or map, or characters in text") { args in
      switch args[0] {
      case .list(let l): return .int(l.items.count)
      case .map(let m): return .int(m.entries.count)
      case .string(let s): return .int(s.characterCount)
      case .groups(let g): return .int(g.keys.count)
      case .host(let h):
        if let n = try h.count() { return .int(n) }
        throw args.typeError(0, expected: "a list, map or text")
      case .range(let r):
        // Counted, not made into a list.
        if let n = r.steppedCount { return .int(n) }
        switch (r.lower, r.upper) {
        case (.int(let lo), .int(let hi)):
          guard hi >= lo else { return .int(0) }
          let (span, o) = hi.subtractingReportingOverflow(lo)
          if o || span == Int.max {
            throw RuntimeError("the range \(lo)..\(hi) has more items than a whole number can count")
          }
          return .int(span + 1)
        case (.date(let lo), .date(let hi)): return .int(hi >= lo ? Int(hi) - Int(lo) + 1 : 0)
        default: return .int(0)
        }
      default: throw args.typeError(0, expected: "a list, map or text")
      }
    }
    define("type", 1, "type(x) - the name of the kind of value x is: \"number\", \"text\", \"list\"...") {
      args in
      .text(args[0].typeName)
    }
    define("str", 1, "str(x) - x as text") { args in
      if case .string = args[0] { return args[0] }
      if case .int(let n) = args[0] { return .string(StringObject(String(n))) }
      return .text(args[0].description)
    }
    define("repr", 1, "repr(x) - x as the REPL shows it (text in quotes)") { args in .text(args[0].repr) }
    define("int", 1, "int(x) - x as a whole number: int(\"42\") is 42, int(3.9) is 3") { args in
      switch args[0] {
      case .int: return args[0]
      case .float(let d):
        guard d.isFinite, abs(d) < 9.2e18 else { throw RuntimeError("\(d) is too large for a whole number") }
        return .int(Int(d))
      case .bool(let b): return .int(b ? 1 : 0)
      case .string(let s):
        if s.shape == .oneByte {
          // Read from the bytes, as Int(String) reads them once the spaces are off.
          if let n = TextBytes.withBytes(s.value, { b in TextBytes.parseInt(b, TextBytes.trimmed(b)) }) {
            return .int(n)
          }
          throw RuntimeError("cannot read \(quote(s.value)) as a whole number")
        }
        let t = s.value.trimmingSpaces()
        if let n = Int(t) { return .int(n) }
        throw RuntimeError("cannot read \(quote(s.value)) as a whole number")
      default: throw args.typeError(0, expected: "a number or text")
      }
    }
    define("float", 1, "float(x) - x as a decimal number: float(\"2.5\") is 2.5") { args in
      switch args[0] {
      case .int(let n): return .float(Double(n))
      case .float: return args[0]
      case .string(let s):
        if let d = Double(s.value.trimmingSpaces()) { return .float(d) }
        throw RuntimeError("cannot read \(quote(s.value)) as a number")
      default: throw args.typeError(0, expected: "a number or text")
      }
    }
    define("bool", 1, "bool(x) - false for nil and false, true for everything else") { args in
      .bool(args[0].isTruthy)
    }
    define("range", 1...3, "range(n) is 0..<n; range(a, b) is a..<b; range(a, b, step) counts by step") {
      args in
      let (lo, hi) = args.count == 1 ? (0, try args.int(0)) : (try args.int(0), try args.int(1))
      let step = args.count == 3 ? try args.int(2) : 1
      if step == 0 { throw RuntimeError("range step cannot be 0") }
      if step == 1 { return hi > lo ? .range(RangeObject(lower: .int(lo), upper: .int(hi - 1))) : .list([]) }
      // Counted, not made: the numbers are worked out as a loop or `list()` reaches them.
      let n = max(0, (Int128(hi) - Int128(lo) + Int128(step) + (step > 0 ? -1 : 1)) / Int128(step))
      guard n > 0 else { return .list([]) }
      let last = Int(Int128(lo) + (n - 1) * Int128(step))
      return .range(
        RangeObject(lower: .int(lo), upper: .int(last), label: "range(\(lo), \(hi), \(step))", step: step))
    }
    define("call", 1...Int.max, "call(f, a, b, ...) - call the function f with the arguments") { args in
      try args.call(args[0], Array(args.all.dropFirst()))
    }
    define("fields", 1, "fields(x) - the field names of a record, or the keys of a map") { args in
      switch args[0] {
      case .record(let r): return .list(r.type.fields.map { Value.text($0) })
      case .map(let m): return .list(Array(m.entries.keys))
      default: throw args.typeError(0, expected: "a record or map")
      }
    }
  }
}

extension String {
  func trimmingSpaces() -> String {
    var s = Substring(self)
    while let f = s.first, f.isWhitespace { s.removeFirst() }
    while let l = s.last, l.isWhitespace { s.removeLast() }
    return String(s)
  }
}
