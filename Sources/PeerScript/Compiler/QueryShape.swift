/// The "query shape" of a `where` stage: a small description of a simple condition that a
/// host can run itself (a database can filter stored records far faster than the VM can run
/// the closure on each). The language knows nothing of SQL; the host translates the shape or
/// refuses it, and then the stage's closure runs as usual, so the results are the same.
///
/// A shape is a plain value, stored as a constant of the compiled code:
///   ["compare", op, path, k]   `.a.b op constant`   (op: == != < <= > >=; path: ["a", "b"])
///   ["in", path, k]            `.date in PERIOD` or `.status in ["a", "b"]`
///   ["has", path, k]           `"practical" in .support`: a list field holds the constant
///   ["offset", op, path, form, k1, k2]
///                              `k1 - .f op k2` (form "k-f"), `.f + k1 op k2` ("f+k"),
///                              `.f - k1 op k2` ("f-k"): date arithmetic the host may undo
///   ["truthy", path]           `.planned` alone
///   ["and", s1, s2], ["or", s1, s2], ["not", s]
/// where k is the index of a constant: an expression without `it` that the stage evaluates
/// once, before the call. Only expressions that cannot run user code are taken as constants
/// (literals, names, durations, periods and dates from the built-in functions, + and -), so
/// evaluating them early cannot change what a script does.
struct QueryShape {
  var shape: Value
  var constants: [Expr]

  static let constantFunctions: Set<String> = ["month", "quarter", "financial_year", "between", "date"]

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
    case .unary(.not, let a):
      guard let s = condition(a, &constants) else { return nil }
      return list([.text("not"), s])
    case .binary(.inside, let a, let b):
      if isConstant(a), let p = path(b) { return list([.text("has"), p, add(a)]) }
      guard let p = path(a), isConstant(b) else { return nil }
      return list([.text("in"), p, add(b)])
    case .binary(let op, let a, let b) where op.isComparison:
      // `today - .referral_date > 28 days`: a field moved by a constant, compared with one.
      if isConstant(b), let (p, form, k) = offset(a, &constants) {
        return list([.text("offset"), .text(op.rawValue), p, .text(form), k, add(b)])
      }
      if isConstant(a), let (p, form, k) = offset(b, &constants) {
        return list([.text("offset"), .text(op.flipped!.rawValue), p, .text(form), k, add(a)])
      }
      if isConstant(b), let p = value(a, &constants) {
        return list([.text("compare"), .text(op.rawValue), p, add(b)])
      }
      if isConstant(a), let p = value(b, &constants) {
        return list([.text("compare"), .text(op.flipped!.rawValue), p, add(a)])
      }
      return nil
    default:
      // `where .planned`: the field is true (for yes/no fields; the host checks).
      if let p = path(e) { return list([.text("truthy"), p]) }
      return nil
    }
  }

  /// `K - .f`, `.f + K`, `K + .f` and `.f - K` with K constant: the path, which of the forms
  /// ("k-f", "f+k" or "f-k") and K's index.
  static func offset(_ e: Expr, _ constants: inout [Expr]) -> (Value, String, Value)? {
    guard case .binary(let op, let a, let b) = e.kind, op == .add || op == .subtract else { return nil }
    func add(_ c: Expr) -> Value {
      constants.append(c)
      return .int(constants.count - 1)
    }
    if let p = path(a), isConstant(b) { return (p, op == .add ? "f+k" : "f-k", add(b)) }
    if isConstant(a), let p = path(b) { return (p, op == .add ? "f+k" : "k-f", add(a)) }
    return nil
  }

  /// The shape of a per-item value (a `group` key, an aggregate's expression), or nil.
  static func analyseValue(_ decl: FunctionDecl) -> QueryShape? {
    var constants: [Expr] = []
    guard let shape = analyseValue(decl, into: &constants) else { return nil }
    return QueryShape(shape: shape, constants: constants)
  }

  /// `analyseValue` adding its constants to a list several shapes share.
  static func analyseValue(_ decl: FunctionDecl, into constants: inout [Expr]) -> Value? {
    guard decl.isImplicit, decl.body.count == 1, case .expression(let e) = decl.body[0].kind else {
      return nil
    }
    let before = constants.count
    guard let shape = value(e, &constants) else {
      constants.removeSubrange(before...)
      return nil
    }
    return shape
  }

  /// A value worked out from the item, for a host to read itself:
  ///   ["a", "b"]                      `.a.b` (a path, as in conditions)
  ///   ["#k", k]                       a constant
  ///   ["#period", name, s, k]         `month(s)`, `quarter(s)`, `financial_year(s)`; constant
  ///                                   k is the function itself, so the host can check that
  ///                                   the name still means the built-in
  ///   ["#call", name, [s1, s2], k]    `days_between(s1, s2)` and the other date functions
  ///                                   of `Library.dateFunctions` (k: the function, checked)
  ///   ["#arith", op, s1, s2]          `s1 op s2` for + - * / // %
  ///   ["#list", s1, s2...]            `[s1, s2]` (a key of several parts)
  ///   ["#count", path, condition]     `(.visits | where C | count)`; condition nil for all
  ///   ["#count", path, nil, k]        `len(.visits)` (k: the function, checked)
  static func value(_ e: Expr, _ constants: inout [Expr]) -> Value? {
    func list(_ xs: [Value]) -> Value { .list(ListObject(ContiguousArray(xs))) }
    func add(_ c: Expr) -> Value {
      constants.append(c)
      return .int(constants.count - 1)
    }
    if let p = path(e) { return p }
    switch e.kind {
    case .list(let xs):
      var parts: [Value] = [.text("#list")]
      for x in xs {
        guard let s = value(x, &constants) else { return nil }
        parts.append(s)
      }
      return list(parts)
    case .call(let callee, let args):
      guard case .name(let n) = callee.kind else { return nil }
      // `len(.visits)`: counting the related records, as `(.visits | count)` does.
      if n == "len", args.count == 1, let p = path(args[0]) {
        return list([.text("#count"), p, .null, add(callee)])
      }
      if Library.dateFunctions.contains(n), args.count == 2 {
        var shapes: [Value] = []
        for a in args {
          if isConstant(a) {
            shapes.append(list([.text("#k"), add(a)]))
          } else {
            guard let s = value(a, &constants) else { return nil }
            shapes.append(s)
          }
        }
        return list([.text("#call"), .text(n), list(shapes), add(callee)])
      }
      guard ["month", "quarter", "financial_year"].contains(n), args.count == 1,
        let s = value(args[0], &constants)
      else { return nil }
      return list([.text("#period"), .text(n), s, add(callee)])
    case .binary(let op, let a, let b) where op.isArithmetic:
      func side(_ x: Expr) -> Value? {
        if isConstant(x) { return list([.text("#k"), add(x)]) }
        return value(x, &constants)
      }
      guard let l = side(a), let r = side(b) else { return nil }
      return list([.text("#arith"), .text(op.rawValue), l, r])
    case .pipeline(let input, let stages):
      guard let p = path(input), let last = stages.last, last.name == "count", last.keys.isEmpty,
        last.more.isEmpty, last.arguments.isEmpty
      else { return nil }
      var filter: Value = .null
      for stage in stages.dropLast() {
        guard stage.name == "where", stage.keys.count == 1, stage.arguments.isEmpty,
          stage.keys[0].0.isImplicit, stage.keys[0].0.body.count == 1,
          case .expression(let c) = stage.keys[0].0.body[0].kind,
          let s = condition(c, &constants)
        else { return nil }
        filter = filter.isNull ? s : list([.text("and"), filter, s])
      }
      return list([.text("#count"), p, filter])
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
    case .unary(.negate, let a): return isConstant(a)
    case .binary(.add, let a, let b), .binary(.subtract, let a, let b): return isConstant(a) && isConstant(b)
    case .list(let xs): return xs.allSatisfy(isConstant)
    case .field(let inner, _): return isConstant(inner)
    case .call(let callee, let args):
      guard case .name(let n) = callee.kind, constantFunctions.contains(n) else { return false }
      return args.allSatisfy(isConstant)
    default: return false
    }
  }
}
