/// The query shape of a `where` stage's condition: the simple conditions a host may run
/// itself (a database filters stored records far faster than the VM runs the closure on
/// each). Worked out by `QueryShape.condition`; the language knows nothing of SQL, so a host
/// translates the shape or refuses it, and then the stage's closure runs as usual.
///
/// Each `Int` is the index of a constant: an expression without `it` that the stage
/// evaluates once, before the call, into the list handed over with the shape. A path is the
/// field names read from the item: `.match.volunteer.name` is `["match", "volunteer", "name"]`.
public indirect enum ItemCondition: Equatable, Sendable {
  /// `value op K`, as `.minutes > 30`, `(.visits | count) == 0` or `len(.visits) > 2`; `K op
  /// value` is taken with the operator flipped.
  case compare(ComparisonOperator, ItemValue, constant: Int)
  /// `.date in PERIOD` or `.status in ["a", "b"]`.
  case isIn(path: [String], constant: Int)
  /// `"practical" in .support`: a list field holds the constant.
  case has(path: [String], constant: Int)
  /// A field moved by the constant `by`, compared with the constant `constant`: date
  /// arithmetic the host may undo (`today - .referral_date > 28 days`). The form says how
  /// the field is moved.
  case offset(ComparisonOperator, path: [String], OffsetForm, by: Int, constant: Int)
  /// `.planned` alone: the field is true (for yes/no fields; the host checks).
  case truthy(path: [String])
  case and(ItemCondition, ItemCondition)
  case or(ItemCondition, ItemCondition)
  case not(ItemCondition)
}

/// How `ItemCondition.offset` moves its field `f` by its constant `K`.
public enum OffsetForm: Equatable, Sendable {
  /// `K - .f`
  case constantMinusField
  /// `.f + K` (and `K + .f`)
  case fieldPlusConstant
  /// `.f - K`
  case fieldMinusConstant
}
