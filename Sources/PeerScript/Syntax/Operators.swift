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
  var arithmetic: ArithmeticOperator? {
    switch self {
    case .add: return .add
    case .subtract: return .subtract
    case .multiply: return .multiply
    case .divide: return .divide
    case .wholeDivide: return .wholeDivide
    case .remainder: return .remainder
    default: return nil
    }
  }

  /// The operator as a comparison, or nil when it is not.
  var comparison: ComparisonOperator? {
    switch self {
    case .equal: return .equal
    case .notEqual: return .notEqual
    case .less: return .less
    case .lessOrEqual: return .lessOrEqual
    case .greater: return .greater
    case .greaterOrEqual: return .greaterOrEqual
    default: return nil
    }
  }
}

/// The comparisons among the infix operators, `== != < <= > >=`, as a query shape names them
/// (`ItemCondition`) for a host. (The store's `RecordCondition.Comparison` has its own: the
/// language and the store share no types.)
public enum ComparisonOperator: Sendable {
  case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual

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
/// (`ItemValue`) for a host.
public enum ArithmeticOperator: Sendable {
  case add, subtract, multiply, divide, wholeDivide, remainder
}

/// The operators before one value: `-x` and `not x`.
enum PrefixOperator: String, Sendable {
  case negate = "-"
  case not
}
