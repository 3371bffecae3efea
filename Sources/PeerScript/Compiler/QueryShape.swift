/// Works out the query shape of a `where` stage's condition (`ItemCondition`) or of a
/// per-item value (`ItemValue`: a `group` key, an aggregate's expression), for a host that can
/// do the work itself. The forms are listed once, as the cases of those two enums.
///
/// The shapes' whole numbers index `constants`: expressions without `it` that the stage
/// evaluates once, before the call. Only expressions that cannot run user code are taken as
/// constants (literals, names, durations, periods and dates from the built-in functions, +
/// and -), so evaluating them early cannot change what a script does.
enum QueryShape {
  /// A shape and the constant expressions its whole numbers index.
  struct Analysed<Shape> {
    var shape: Shape
    var constants: [Expr]
  }

  static let constantFunctions: Set<String> = Set(PeriodFunction.allCases.map(\.rawValue)).union([
    "between", "date",
  ])

  /// The shape of an implicit function's body, or nil when the condition is not simple.
  static func analyse(_ decl: FunctionDecl) -> Analysed<ItemCondition>? {
    guard decl.isImplicit, decl.body.count == 1, case .expression(let e) = decl.body[0].kind else {
      return nil
    }
    var constants: [Expr] = []
    guard let shape = condition(e, &constants) else { return nil }
    return Analysed(shape: shape, constants: constants)
  }

  static func condition(_ e: Expr, _ constants: inout [Expr]) -> ItemCondition? {
    func add(_ c: Expr) -> Int {
      constants.append(c)
      return constants.count - 1
    }
    switch e.kind {
    case .and(let a, let b), .or(let a, let b):
      guard let l = condition(a, &constants), let r = condition(b, &constants) else { return nil }
      if case .and = e.kind { return .and(l, r) }
      return .or(l, r)
    case .unary(.not, let a):
      guard let s = condition(a, &constants) else { return nil }
      return .not(s)
    case .binary(.inside, let a, let b):
      if isConstant(a), let p = path(b) { return .has(path: p, constant: add(a)) }
      guard let p = path(a), isConstant(b) else { return nil }
      return .isIn(path: p, constant: add(b))
    case .binary(let infix, let a, let b):
      guard let op = infix.comparison else { return nil }
      // `today - .referral_date > 28 days`: a field moved by a constant, compared with one.
      if isConstant(b), let (p, form, k) = offset(a, &constants) {
        return .offset(op, path: p, form, by: k, constant: add(b))
      }
      if isConstant(a), let (p, form, k) = offset(b, &constants) {
        return .offset(op.flipped, path: p, form, by: k, constant: add(a))
      }
      if isConstant(b), let v = value(a, &constants) { return .compare(op, v, constant: add(b)) }
      if isConstant(a), let v = value(b, &constants) { return .compare(op.flipped, v, constant: add(a)) }
      return nil
    default:
      // `where .planned`: the field is true (for yes/no fields; the host checks).
      if let p = path(e) { return .truthy(path: p) }
      return nil
    }
  }

  /// `K - .f`, `.f + K`, `K + .f` and `.f - K` with K constant: the path, the form and K's index.
  static func offset(_ e: Expr, _ constants: inout [Expr]) -> ([String], OffsetForm, Int)? {
    guard case .binary(let op, let a, let b) = e.kind, op == .add || op == .subtract else { return nil }
    func add(_ c: Expr) -> Int {
      constants.append(c)
      return constants.count - 1
    }
    if let p = path(a), isConstant(b) {
      return (p, op == .add ? .fieldPlusConstant : .fieldMinusConstant, add(b))
    }
    if isConstant(a), let p = path(b) {
      return (p, op == .add ? .fieldPlusConstant : .constantMinusField, add(a))
    }
    return nil
  }

  /// The shape of a per-item value (a `group` key, an aggregate's expression), or nil.
  static func analyseValue(_ decl: FunctionDecl) -> Analysed<ItemValue>? {
    var constants: [Expr] = []
    guard let shape = analyseValue(decl, into: &constants) else { return nil }
    return Analysed(shape: shape, constants: constants)
  }

  /// `analyseValue` adding its constants to a list several shapes share.
  static func analyseValue(_ decl: FunctionDecl, into constants: inout [Expr]) -> ItemValue? {
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

  /// A value worked out from the item, for a host to read itself, or nil.
  static func value(_ e: Expr, _ constants: inout [Expr]) -> ItemValue? {
    func add(_ c: Expr) -> Int {
      constants.append(c)
      return constants.count - 1
    }
    if let p = path(e) { return .path(p) }
    switch e.kind {
    case .list(let xs):
      var parts: [ItemValue] = []
      for x in xs {
        guard let s = value(x, &constants) else { return nil }
        parts.append(s)
      }
      return .list(parts)
    case .call(let callee, let args):
      guard case .name(let n) = callee.kind else { return nil }
      // `len(.visits)`: counting the related records, as `(.visits | count)` does.
      if n == "len", args.count == 1, let p = path(args[0]) {
        return .count(path: p, where: nil, lenFunction: add(callee))
      }
      if Library.dateFunctions.contains(n), args.count == 2 {
        var arguments: [ItemValue] = []
        for a in args {
          if isConstant(a) {
            arguments.append(.constant(add(a)))
          } else {
            guard let s = value(a, &constants) else { return nil }
            arguments.append(s)
          }
        }
        return .call(n, arguments, function: add(callee))
      }
      guard let period = PeriodFunction(rawValue: n) else {
        // `outcome(it)`, `band(.mother)`: perhaps a function of the script's own, whose body
        // the host is given in its place when it runs (FunctionShape.swift).
        guard args.count == 1 else { return nil }
        if case .name("it") = args[0].kind { return .applied(function: add(callee), to: []) }
        guard let p = path(args[0]) else { return nil }
        return .applied(function: add(callee), to: p)
      }
      guard args.count == 1, let s = value(args[0], &constants) else { return nil }
      return .period(period, s, function: add(callee))
    case .binary(let infix, let a, let b):
      guard let op = infix.arithmetic else { return nil }
      func side(_ x: Expr) -> ItemValue? {
        if isConstant(x) { return .constant(add(x)) }
        return value(x, &constants)
      }
      guard let l = side(a), let r = side(b) else { return nil }
      return .arithmetic(op, l, r)
    case .ifElse(let test, let then, let otherwise):
      guard let c = condition(test, &constants), let a = branch(then, &constants),
        let b = branch(otherwise, &constants)
      else { return nil }
      // `else if` chains into one list of branches.
      if case .choose(let more, let last) = b {
        return .choose([ItemBranch(condition: c, value: a)] + more, otherwise: last)
      }
      return .choose([ItemBranch(condition: c, value: a)], otherwise: b)
    case .pipeline(let input, let stages):
      guard let p = path(input), let last = stages.last, last.name == "count", last.keys.isEmpty,
        last.more.isEmpty, last.arguments.isEmpty
      else { return nil }
      var filter: ItemCondition?
      for stage in stages.dropLast() {
        guard stage.name == "where", stage.keys.count == 1, stage.arguments.isEmpty,
          stage.keys[0].0.isImplicit, stage.keys[0].0.body.count == 1,
          case .expression(let c) = stage.keys[0].0.body[0].kind,
          let s = condition(c, &constants)
        else { return nil }
        filter = filter.map { .and($0, s) } ?? s
      }
      return .count(path: p, where: filter, lenFunction: nil)
    default:
      return nil
    }
  }

  /// The value of one branch of an `if` used as a value: a single expression, a constant or
  /// another `if` with its `else` (the branches of a function's last `if` are statements).
  static func branch(_ body: [Stmt], _ constants: inout [Expr]) -> ItemValue? {
    guard body.count == 1 else { return nil }
    switch body[0].kind {
    case .expression(let e):
      if isConstant(e) {
        constants.append(e)
        return .constant(constants.count - 1)
      }
      return value(e, &constants)
    case .ifElse(let test, let then, let otherwise?):
      return value(Expr(.ifElse(test, then, otherwise), body[0].position), &constants)
    default:
      return nil
    }
  }

  /// `.match.volunteer.name` → ["match", "volunteer", "name"].
  static func path(_ e: Expr) -> [String]? {
    var names: [String] = []
    var e = e
    while case .field(let inner, let name) = e.kind {
      names.insert(name, at: 0)
      e = inner
    }
    guard !names.isEmpty, case .name("it") = e.kind else { return nil }
    return names
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
