/// A condition on the core fields of one kind of record, for `StoreReader.select`: what a
/// pipeline's `where` becomes when the store can do it. Every condition is true or false for
/// every record (never unknown), so `not` means exactly "the others", as in the language.
public indirect enum RecordCondition: Sendable, Equatable {
  /// The store's own comparisons. The language's `ComparisonOperator` has the same six, but
  /// the store knows nothing of the language (nor the language of SQL): PushedFilter maps one
  /// to the other with an exhaustive switch, so a seventh on either side stops the build.
  public enum Comparison: String, Sendable {
    case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="

    /// The comparison with its sides swapped: `a < b` is `b > a`.
    public var flipped: Comparison {
      switch self {
      case .equal, .notEqual: return self
      case .less: return .greater
      case .lessOrEqual: return .greaterOrEqual
      case .greater: return .less
      case .greaterOrEqual: return .lessOrEqual
      }
    }
  }

  /// `field op value`. A missing value (nil) equals only nil; ordering is only asked of
  /// required fields, which always have a value.
  case compare(field: String, Comparison, FieldValue)
  /// `lower <= field <= upper`; false when the field is empty.
  case between(field: String, FieldValue, FieldValue)
  /// The field equals one of the values; false when the field is empty.
  case oneOf(field: String, [FieldValue])
  /// How many records of `kind` name this one in their reference field `via` (and meet
  /// `condition`), compared with `count`: `(.visits | where .date > d | count) == 0` on matches.
  case related(kind: RecordKind, via: String, RecordCondition?, Comparison, Int)
  /// The record the reference field `field` names (of `kind`) meets the condition:
  /// `.match.started_on in q` on visits. False when the field is empty.
  case through(field: String, kind: RecordKind, RecordCondition)
  /// The field (a core field, or "id") is one of the person's sites, or names their
  /// volunteer record: a role's `.site in me.sites`. Only the database knows the person; it
  /// is false for someone without the value (no sites, no volunteer record).
  case person(field: String, PersonAttribute)
  case and(RecordCondition, RecordCondition)
  case or(RecordCondition, RecordCondition)
  case not(RecordCondition)
}
