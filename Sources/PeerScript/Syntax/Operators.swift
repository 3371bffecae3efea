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

  /// The operator as arithmetic, or nil when it is not.
  var arithmetic: ArithmeticOperator? { ArithmeticOperator(rawValue: rawValue) }

  /// The operator as a comparison, or nil when it is not.
  var comparison: ComparisonOperator? { ComparisonOperator(rawValue: rawValue) }
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
