/// The body of a script's own function of one parameter as a query shape of that parameter:
/// `fn outcome(m) { if m.status == "declined" { "declined" } else { "accepted" } }` is
/// `.choose([status == K0 → K1], otherwise: K2)`. A host given `map {outcome: outcome(it)}`
/// then reads `status` itself (`ItemValue.applied`, `inliningFunctions`), where the VM would
/// build every record and call the function on each.
///
/// Only bodies whose every name is the parameter are taken, so their constants are literals,
/// worked out here once, and the body means the same wherever it is put: a name would be
/// looked up where the stage runs, which is not where the function was written.
public struct FunctionShape {
  public let value: ItemValue
  public let constants: ContiguousArray<Value>
}

extension QueryShape {
  /// The shape of a function's body, or nil when the function is not one that has one.
  static func functionShape(_ decl: FunctionDecl) -> FunctionShape? {
    guard !decl.isImplicit, decl.parameters.count == 1, decl.defaults.allSatisfy({ $0 == nil }),
      decl.parameters[0] != "it", let body = renamed(decl.body, from: decl.parameters[0])
    else { return nil }
    var constants: [Expr] = []
    guard let shape = branch(body, &constants) else { return nil }
    var values = ContiguousArray<Value>()
    for c in constants {
      guard let v = literal(c) else { return nil }
      values.append(v)
    }
    return FunctionShape(value: shape, constants: values)
  }

  /// The body with the parameter called `it`, as in a stage's implicit function, so the shapes
  /// of `QueryShape` read it; nil when it holds anything a shape could not take or that
  /// would mean something else elsewhere (another name, a call, a nested function).
  private static func renamed(_ body: [Stmt], from parameter: String) -> [Stmt]? {
    var out: [Stmt] = []
    for stmt in body {
      switch stmt.kind {
      case .expression(let e):
        guard let r = renamed(e, from: parameter) else { return nil }
        out.append(Stmt(.expression(r), stmt.position, length: stmt.length))
      case .ifElse(let test, let then, let otherwise):
        // A function's last `if` without an `else` gives nil when its condition fails.
        let otherwise = otherwise ?? [Stmt(.expression(Expr(.literal(.null), stmt.position)), stmt.position)]
        guard let c = renamed(test, from: parameter), let t = renamed(then, from: parameter),
          let o = renamed(otherwise, from: parameter)
        else { return nil }
        out.append(Stmt(.ifElse(c, t, o), stmt.position, length: stmt.length))
      default:
        return nil
      }
    }
    return out
  }

  private static func renamed(_ e: Expr, from parameter: String) -> Expr? {
    func same(_ kind: Expr.Kind) -> Expr { Expr(kind, e.position, length: e.length) }
    func each(_ xs: [Expr]) -> [Expr]? {
      var out: [Expr] = []
      for x in xs {
        guard let r = renamed(x, from: parameter) else { return nil }
        out.append(r)
      }
      return out
    }
    switch e.kind {
    case .literal:
      return e
    case .name(let n):
      return n == parameter ? same(.name("it")) : nil
    case .list(let xs):
      return each(xs).map { same(.list($0)) }
    case .unary(let op, let a):
      return renamed(a, from: parameter).map { same(.unary(op, $0)) }
    case .binary(let op, let a, let b):
      guard let x = renamed(a, from: parameter), let y = renamed(b, from: parameter) else { return nil }
      return same(.binary(op, x, y))
    case .and(let a, let b):
      guard let x = renamed(a, from: parameter), let y = renamed(b, from: parameter) else { return nil }
      return same(.and(x, y))
    case .or(let a, let b):
      guard let x = renamed(a, from: parameter), let y = renamed(b, from: parameter) else { return nil }
      return same(.or(x, y))
    case .field(let inner, let name):
      return renamed(inner, from: parameter).map { same(.field($0, name)) }
    case .ifElse(let test, let then, let otherwise):
      guard let c = renamed(test, from: parameter), let t = renamed(then, from: parameter),
        let o = renamed(otherwise, from: parameter)
      else { return nil }
      return same(.ifElse(c, t, o))
    default:
      return nil
    }
  }

  /// A constant of a body with no names: a literal, a negative number or a list of them.
  private static func literal(_ e: Expr) -> Value? {
    switch e.kind {
    case .literal(let v):
      return v
    case .unary(.negate, let a):
      guard case .literal(let v) = a.kind else { return nil }
      switch v {
      case .int(let n) where n != Int.min: return .int(-n)
      case .float(let x): return .float(-x)
      default: return nil
      }
    case .list(let xs):
      var items: [Value] = []
      for x in xs {
        guard let v = literal(x) else { return nil }
        items.append(v)
      }
      return .list(items)
    default:
      return nil
    }
  }
}
