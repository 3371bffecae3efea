/// The operators between two values, as the parser reads them and the compiler turns them into
/// instructions: one list, each with the text a script writes (`rawValue`).
enum InfixOperator: String, CaseIterable, Sendable {
  case add = "+", subtract = "-", multiply = "*", divide = "/", wholeDivide = "//", remainder = "%"
  case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
  case inside = "in", notInside = "not in"

  /// `+ - * / // %`: the ones a compound assignment (`+=`) may use.
  var isArithmetic: Bool {
    switch self {
    case .add, .subtract, .multiply, .divide, .wholeDivide, .remainder: return true
    default: return false
    }
  }

  /// `== != < <= > >=`.
  var isComparison: Bool { flipped != nil }

  /// A comparison with its sides swapped (`a < b` is `b > a`); nil for the others. (The
  /// store's `RecordCondition.Comparison` has its own: the language and the store share no
  /// types, and a query shape names its comparison by its text.)
  var flipped: InfixOperator? {
    switch self {
    case .equal, .notEqual: return self
    case .less: return .greater
    case .lessOrEqual: return .greaterOrEqual
    case .greater: return .less
    case .greaterOrEqual: return .lessOrEqual
    default: return nil
    }
  }
}

/// The operators before one value: `-x` and `not x`.
enum PrefixOperator: String, Sendable {
  case negate = "-"
  case not
}
