/// The query shape of a per-item value (a `group` key, an aggregate's expression): a value
/// worked out from each item that a host may read itself, for example from the columns of a
/// table. Worked out by `QueryShape.value`. Each `Int` indexes a constant, as in
/// `ItemCondition`; a function's constant is the function itself, so the host can check that
/// its name still means the built-in (a script may define its own `month`).
public indirect enum ItemValue: Equatable, Sendable {
  /// `.a.b`: the field names read from the item.
  case path([String])
  /// A constant, as an operand of `call` or `arithmetic`.
  case constant(Int)
  /// `month(v)`, `quarter(v)`, `financial_year(v)`.
  case period(PeriodFunction, ItemValue, function: Int)
  /// `days_between(a, b)` and the other date functions of `Library.dateFunctions`.
  case call(String, [ItemValue], function: Int)
  /// `a op b` for + - * / // %.
  case arithmetic(ArithmeticOperator, ItemValue, ItemValue)
  /// `[a, b]`: a key of several parts.
  case list([ItemValue])
  /// How many items a list field holds: `(.visits | where C | count)` (`where` nil for all
  /// of them) or `len(.visits)` (then `lenFunction` is the constant holding `len`).
  case count(path: [String], where: ItemCondition?, lenFunction: Int?)
  /// `if C1 { a } else if C2 { b } else { c }`: the value of the first branch whose condition
  /// holds (as the VM tests it: only nil and false fail), else `otherwise`.
  case choose([ItemBranch], otherwise: ItemValue)
  /// `f(it)` or `f(.mother)`: a function of the script's own, of one parameter, applied to the
  /// item or to a record the path reaches. The constant `function` holds the function; a host
  /// never sees this case, because `inliningFunctions` puts the function's body in its place
  /// when the body is simple enough to have a shape (`FunctionProto.itemShape`), and a host
  /// refuses what is left.
  case applied(function: Int, to: [String])
}

/// One branch of `ItemValue.choose`: its condition and its value.
public struct ItemBranch: Equatable, Sendable {
  public var condition: ItemCondition
  public var value: ItemValue

  public init(condition: ItemCondition, value: ItemValue) {
    self.condition = condition
    self.value = value
  }
}
