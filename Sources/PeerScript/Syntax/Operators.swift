/// The operators between two values, as the parser reads them and the compiler turns them into
/// instructions: one list, each with the text a script writes (`rawValue`).
enum InfixOperator: String, CaseIterable, Sendable {
  case add = "+", subtract = "-", multiply = "*", divide = "/", wholeDivide = "//", remainder = "%"
  case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
  case inside = "in", notInside = "not in"

  /// `+ - * / // %`: the ones a compound assignment (`+=`) may use.
  var isArithmetic: Bool { arithmetic != nil }

  /// `== != < <= > >=`.
  var isComparison: Bool { comparison != nil }

  /// The operator as arithmetic, or nil when it is not (the one with the same `rawValue`).
  var arithmetic: ArithmeticOperator? {
    switch self {
    case .add: .add
    case .subtract: .subtract
    case .multiply: .multiply
    case .divide: .divide
    case .wholeDivide: .wholeDivide
    case .remainder: .remainder
    default: nil
    }
  }

  /// The operator as a comparison, or nil when it is not (the one with the same `rawValue`).
  var comparison: ComparisonOperator? {
    switch self {
    case .equal: .equal
    case .notEqual: .notEqual
    case .less: .less
    case .lessOrEqual: .lessOrEqual
    case .greater: .greater
    case .greaterOrEqual: .greaterOrEqual
    default: nil
    }
  }

  /// The operator a symbol spells, if any: `InfixOperator(rawValue: symbol.rawValue)` without
  /// comparing texts (the parser asks at every token of an expression).
  init?(_ symbol: Symbol) {
    switch symbol {
    case .plus: self = .add
    case .minus: self = .subtract
    case .star: self = .multiply
    case .slash: self = .divide
    case .wholeDivide: self = .wholeDivide
    case .percent: self = .remainder
    case .equal: self = .equal
    case .notEqual: self = .notEqual
    case .less: self = .less
    case .lessOrEqual: self = .lessOrEqual
    case .greater: self = .greater
    case .greaterOrEqual: self = .greaterOrEqual
    default: return nil
    }
  }
}

/// The comparisons among the infix operators, `== != < <= > >=`, as a query shape names them
/// (`ItemCondition`) for a host; `rawValue` is the operator's text, as in `InfixOperator`.
/// (The store's `RecordCondition.Comparison` has its own: the language and the store share
/// no types.)
public enum ComparisonOperator: String, Sendable {
  case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

  /// The comparison with its sides swapped: `a < b` is `b > a`.
  public var flipped: ComparisonOperator {
    switch self {
    case .equal, .notEqual: return self
    case .less: return .greater
    case .lessOrEqual: return .greaterOrEqual
    case .greater: return .less
    case .greaterOrEqual: return .lessOrEqual
    }
  }
}

/// The arithmetic among the infix operators, `+ - * / // %`, as a query shape names it
/// (`ItemValue`) for a host; `rawValue` is the operator's text, as in `InfixOperator`.
public enum ArithmeticOperator: String, Sendable {
  case add = "+", subtract = "-", multiply = "*", divide = "/", wholeDivide = "//", remainder = "%"
}

/// The operators before one value: `-x` and `not x`.
enum PrefixOperator: String, Sendable {
  case negate = "-"
  case not
}
