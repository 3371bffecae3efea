/// The syntax tree. Expressions and statements carry the position and width of their source
/// so that every later error can point at them.
final class Expr {
  public indirect enum Kind {
    case literal(Value)
    case interpolation([InterpolationPart])
    case name(String)
    case list([Expr])
    case map([(Expr, Expr)])
    case unary(PrefixOperator, Expr)
    case binary(InfixOperator, Expr, Expr)
    case and(Expr, Expr)
    case or(Expr, Expr)
    case call(Expr, [Expr])
    case method(Expr, String, [Expr])
    case field(Expr, String)
    case index(Expr, Expr)
    case range(Expr, Expr, exclusive: Bool)
    case function(FunctionDecl)
    case pipeline(Expr, [Stage])
    case duration(Expr, unit: Int)
    /// `if c { a } else { b }` used as a value: each branch gives its last expression.
    case ifElse(Expr, [Stmt], [Stmt])
  }

  public let kind: Kind
  public let position: SourcePosition
  public var length: Int

  init(_ kind: Kind, _ position: SourcePosition, length: Int = 1) {
    self.kind = kind
    self.position = position
    self.length = length
  }
}

enum InterpolationPart {
  case literal(String)
  case expr(Expr)
}

/// One pipeline stage: `where .age > 20`, `sort .name desc, .age`, `count`, `join(", ")`.
struct Stage {
  public var name: String
  public var position: SourcePosition
  /// Per-item expressions (compiled as functions of `it`), with a `desc` flag for sort keys.
  public var keys: [(FunctionDecl, descending: Bool, label: String?)]
  /// Plain arguments evaluated once (`take 3`, `join(", ")`).
  public var arguments: [Expr]
  /// Further aggregates written after a comma: `count, sum(.minutes)`.
  public var more: [Stage]
  /// `group by month(.date) [over PERIOD]`: the keys are periods and the empty ones between
  /// (or across PERIOD, the stage's one argument) are kept, so counts show zero.
  public var byPeriod = false
  /// `group each .tags`: the key is a list, and each item goes into the group of every
  /// element (once each).
  public var eachElement = false
}

final class FunctionDecl {
  public var name: String
  public var parameters: [String]
  public var defaults: [Expr?]
  public var body: [Stmt]
  public let position: SourcePosition
  /// Names used anywhere inside functions nested in this one: a local with such a name may be
  /// captured, so it is kept in a cell.
  public var namesUsedByNested: Set<String> = []
  /// Every name used in this function or any nested one.
  public var namesUsed: Set<String> = []
  /// Whether this is a pipeline stage's implicit function of `it`.
  public var isImplicit = false
  public var doc: String?

  init(name: String, parameters: [String], defaults: [Expr?], body: [Stmt], position: SourcePosition) {
    self.name = name
    self.parameters = parameters
    self.defaults = defaults
    self.body = body
    self.position = position
  }
}

final class Stmt {
  public indirect enum Kind {
    case expression(Expr)
    case declare(name: String, mutable: Bool, value: Expr?)
    case assign(target: Expr, op: InfixOperator?, value: Expr)
    case function(FunctionDecl)
    case ifElse(Expr, [Stmt], [Stmt]?)
    case whileLoop(Expr, [Stmt])
    case forLoop(String, String?, Expr, [Stmt])
    case returnValue(Expr?)
    case breakLoop
    case continueLoop
    case record(name: String, fields: [String])
    case test(name: String, body: FunctionDecl)
  }

  public let kind: Kind
  public let position: SourcePosition
  public var length: Int

  init(_ kind: Kind, _ position: SourcePosition, length: Int = 1) {
    self.kind = kind
    self.position = position
    self.length = length
  }
}
