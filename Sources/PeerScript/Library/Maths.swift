#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Numbers.
extension Library {
  func registerMaths() {
    define("abs", 1, "abs(x) - x without its sign") { args in
      switch args[0] {
      case .int(let n):
        if n == Int.min { throw RuntimeError("abs(\(n)) is too large for a whole number") }
        return .int(abs(n))
      case .float(let d): return .float(abs(d))
      case .duration(let d):
        guard d.months != .min, d.days != .min else {
          throw RuntimeError("abs(\(args[0].shortDescription)) is too long for a duration")
        }
        return .duration(Duration(months: abs(d.months), days: abs(d.days)))
      default: throw args.typeError(0, expected: "a number")
      }
    }
    for (name, isMin) in [("min", true), ("max", false)] {
      define(
        name, 1...Int.max, "\(name)(a, b, ...) or \(name)(list) - the \(isMin ? "smallest" : "largest") value"
      ) { args in
        let values: ContiguousArray<Value> =
          args.count == 1 ? try Library.materialize(args[0], vm: args.vm) : ContiguousArray(args.all)
        guard var best = values.first else { throw RuntimeError("\(name) of an empty list") }
        for v in values.dropFirst() {
          guard let c = Value.compare(v, best) else {
            throw RuntimeError("\(name) cannot compare \(v.typeName) and \(best.typeName)")
          }
          if isMin ? c == .less : c == .greater { best = v }
        }
        return best
      }
    }
    define("floor", 1, "floor(x) - the whole number at or below x") { args in
      if case .int = args[0] { return args[0] }
      return .int(try Library.wholeNumber(try args.number(0).rounded(.down)))
    }
    define("ceil", 1, "ceil(x) - the whole number at or above x") { args in
      if case .int = args[0] { return args[0] }
      return .int(try Library.wholeNumber(try args.number(0).rounded(.up)))
    }
    define(
      "round", 1...2,
      "round(x) - the nearest whole number (halves away from zero); round(x, n) keeps n decimals"
    ) { args in
      if args.count == 2 {
        let p = pow(10.0, Double(try args.int(1)))
        return .float((try args.number(0) * p).rounded() / p)
      }
      if case .int = args[0] { return args[0] }
      return .int(try Library.wholeNumber(try args.number(0).rounded()))
    }
    define("sqrt", 1, "sqrt(x) - the square root") { args in
      let x = try args.number(0)
      if x < 0 { throw RuntimeError("cannot take the square root of a negative number (\(args[0]))") }
      return .float(x.squareRoot())
    }
    define("pow", 2, "pow(x, y) - x to the power y") { args in
      if case .int(let b) = args[0], case .int(let e) = args[1], e >= 0 {
        // 0, 1 and -1 never overflow: answer without counting to a huge exponent.
        if b == 0 || b == 1 { return .int(e == 0 ? 1 : b) }
        if b == -1 { return .int(e % 2 == 0 ? 1 : -1) }
        var r = 1
        for _ in 0..<e {
          let (m, o) = r.multipliedReportingOverflow(by: b)
          if o { return .float(pow(Double(b), Double(e))) }
          r = m
        }
        return .int(r)
      }
      return .float(pow(try args.number(0), try args.number(1)))
    }
    constant("pi", .float(Double.pi), "pi - 3.14159...")
  }

  static func wholeNumber(_ d: Double) throws -> Int {
    guard d.isFinite, abs(d) < 9.2e18 else { throw RuntimeError("\(d) is too large for a whole number") }
    return Int(d)
  }
}
