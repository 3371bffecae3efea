/// A `group ... | count, sum(...)` the database works out whole (`StoreReader.scanGroups`):
/// only the groups come back, not a row per record. It says what to group by and what to work
/// out per group in store terms (column paths, as `StoreReader.scan` takes them); the language's
/// meaning of each answer is PeerCore's (`StoreGrouping`).
public struct GroupedScan: Sendable, Equatable {
  /// The periods a date can be grouped by, as the language names them.
  public enum Period: String, Sendable, CaseIterable {
    case month
    case quarter
    /// The UK financial year, from 1 April.
    case financialYear = "financial_year"
  }

  /// One part of a group's key.
  public enum Key: Sendable, Equatable {
    /// A column's value (`["match", "mother", "site"]`; `["id"]` or a reference's column for a
    /// record's id).
    case column([String])
    /// The first day of the period a date column falls in; null for an empty date.
    case period(Period, [String])
    /// The value of the first branch whose condition the record meets, else `otherwise`: an
    /// `if` of the script (perhaps a function of its own) that sorts records into a few
    /// named groups. Every value is of one type (or null).
    case choice([Branch], otherwise: FieldValue)
  }

  /// One branch of `Key.choice`.
  public struct Branch: Sendable, Equatable {
    public var condition: RecordCondition
    public var value: FieldValue

    public init(condition: RecordCondition, value: FieldValue) {
      self.condition = condition
      self.value = value
    }
  }

  /// One figure per group. Each comes back as one cell, but `sum` comes back as two: the
  /// sum as text (never rounded, whatever its size) and how many values it added.
  public enum Aggregate: Sendable, Equatable {
    /// How many records the group has.
    case count
    /// The sum of a whole-number column's values, and how many there were (nulls left out).
    case sum([String])
    case min([String])
    case max([String])
    /// How many different values the column has (nulls left out).
    case countDistinct([String])
  }

  public var keys: [Key]
  public var aggregates: [Aggregate]

  public init(keys: [Key], aggregates: [Aggregate]) {
    self.keys = keys
    self.aggregates = aggregates
  }

  /// The cells of each group's row: its keys, the smallest id in the group (to put the groups in
  /// the order of their first record), then the aggregates (a sum taking two).
  public var width: Int { keys.count + 1 + aggregates.reduce(0) { $0 + ($1.isSum ? 2 : 1) } }
}

extension GroupedScan.Aggregate {
  var isSum: Bool {
    if case .sum = self { return true }
    return false
  }
}
