/// The "query shape" of a `where` stage: a small description of a simple condition that a
/// host can run itself (a database can filter stored records far faster than the VM can run
/// the closure on each). The language knows nothing of SQL; the host translates the shape or
/// refuses it, and then the stage's closure runs as usual, so the results are the same.
///
/// A shape is a plain value, stored as a constant of the compiled code:
///   ["compare", op, path, k]   `.a.b op constant`   (op: == != < <= > >=; path: ["a", "b"])
///   ["in", path, k]            `.date in PERIOD` or `.status in ["a", "b"]`
///   ["and", s1, s2], ["or", s1, s2], ["not", s]
/// where k is the index of a constant: an expression without `it` that the stage evaluates
/// once, before the call. Only expressions that cannot run user code are taken as constants
/// (literals, names, durations, periods and dates from the built-in functions, + and -), so
/// evaluating them early cannot change what a script does.
struct QueryShape {
  var shape: Value
  var constants: [Expr]

  static let constantFunctions: Set<String> = ["month", "quarter", "financial_year", "between", "date"]
  static let flipped = ["==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="]

  /// The shape of an implicit function's body, or nil when the condition is not simple.
  static func analyse(_ decl: FunctionDecl) -> QueryShape? {
    guard decl.isImplicit, decl.body.count == 1, case .expression(let e) = decl.body[0].kind else {
      return nil
    }
    var constants: [Expr] = []
    guard let shape = condition(e, &constants) else { return nil }
    return QueryShape(shape: shape, constants: constants)
  }

  static func condition(_ e: Expr, _ constants: inout [Expr]) -> Value? {
    func list(_ xs: [Value]) -> Value { .list(ListObject(ContiguousArray(xs))) }
    func add(_ c: Expr) -> Value {
      constants.append(c)
      return .int(constants.count - 1)
    }
    switch e.kind {
    case .and(let a, let b), .or(let a, let b):
      guard let l = condition(a, &constants), let r = condition(b, &constants) else { return nil }
      if case .and = e.kind { return list([.text("and"), l, r]) }
      return list([.text("or"), l, r])
    case .unary("not", let a):
      guard let s = condition(a, &constants) else { return nil }
      return list([.text("not"), s])
    case .binary("in", let a, let b):
      guard let p = path(a), isConstant(b) else { return nil }
      return list([.text("in"), p, add(b)])
    case .binary(let op, let a, let b) where flipped[op] != nil:
      if let p = path(a), isConstant(b) { return list([.text("compare"), .text(op), p, add(b)]) }
      if let p = path(b), isConstant(a) { return list([.text("compare"), .text(flipped[op]!), p, add(a)]) }
      return nil
    default:
      return nil
    }
  }

  /// `.match.volunteer.name` → ["match", "volunteer", "name"].
  static func path(_ e: Expr) -> Value? {
    var names: [String] = []
    var e = e
    while case .field(let inner, let name) = e.kind {
      names.insert(name, at: 0)
      e = inner
    }
    guard !names.isEmpty, case .name("it") = e.kind else { return nil }
    return .list(ListObject(ContiguousArray(names.map { Value.text($0) })))
  }

  static func isConstant(_ e: Expr) -> Bool {
    switch e.kind {
    case .literal: return true
    case .name(let n): return n != "it"
    case .duration(let inner, _): return isConstant(inner)
    case .unary("-", let a): return isConstant(a)
    case .binary("+", let a, let b), .binary("-", let a, let b): return isConstant(a) && isConstant(b)
    case .list(let xs): return xs.allSatisfy(isConstant)
    case .field(let inner, _): return isConstant(inner)
    case .call(let callee, let args):
      guard case .name(let n) = callee.kind, constantFunctions.contains(n) else { return false }
      return args.allSatisfy(isConstant)
    default: return false
    }
  }
}
