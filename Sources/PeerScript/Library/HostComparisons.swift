extension Library {
  /// `a op b` for == != < <= > >= with the VM's meaning (nil is equal only to nil and ordered
  /// against nothing), for a host testing a query shape's condition itself
  /// (`ItemValue.choose`). Throws where the VM would stop.
  public static func comparison(_ op: ComparisonOperator, _ a: Value, _ b: Value) throws -> Bool {
    switch op {
    case .equal: return try Operations.equal(a, b)
    case .notEqual: return try !Operations.equal(a, b)
    default: return try Operations.compare(a, op.rawValue, b)
    }
  }

  /// `needle in haystack` with the VM's meaning (a list holds it, a period or range contains
  /// it, a text holds it as a part). Throws where the VM would stop.
  public static func isIn(_ needle: Value, _ haystack: Value) throws -> Bool {
    try Operations.contains(haystack, needle)
  }
}
