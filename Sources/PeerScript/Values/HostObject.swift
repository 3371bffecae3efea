/// A value supplied by the program that hosts the language: a stored collection such as
/// `mothers`, for example. The language treats it as a sequence (for loops, pipelines, `len`)
/// when `items()` gives its items, and reads its fields through `field(_:)`.
open class HostObject {
  public init() {}

  /// The kind name in messages and `type(x)`.
  open var typeName: String { "object" }

  open var description: String { "<\(typeName)>" }

  /// The items when the value is used as a list; nil when it is not a sequence.
  open func items() throws -> ContiguousArray<Value>? { nil }

  /// How many items, when that is cheaper than loading them.
  open func count() throws -> Int? { try items()?.count }

  /// A field (`mothers.count`, say); nil when there is no such field.
  open func field(_ name: String) throws -> Value? { nil }

  open var fieldNames: [String] { [] }

  /// A `where` stage the host may do itself (a database query, say): `condition` is its
  /// query shape, `constants` the values its whole numbers index, computed once. Return the
  /// filtered items, or nil to refuse; then the stage runs the condition on every item.
  open func filtered(by condition: ItemCondition, constants: ContiguousArray<Value>) throws -> Value? { nil }

  /// A `group KEY | count, sum(...)` (or, with no key, an aggregate of every item) the host
  /// may work out itself. Return nil to refuse; then the stages run in the VM.
  open func aggregate(_ request: AggregateRequest) throws -> AggregateAnswer? { nil }

  /// The values the field at `path` of every item may hold, when the host knows them (a
  /// status, a kind of visit): a `where` comparing the field with a text outside them is an
  /// error, not an empty answer (AllowedValues.swift). nil when any value goes.
  open func allowedValues(of path: [String]) -> AllowedValues? { nil }
}

/// A host value the REPL (and `show`) shows as a summary line, its description, above a table
/// of its rows (a plan of matches, say).
public protocol ShownAsTable: HostObject {
  var rows: [Value] { get }
}

/// What `HostObject.aggregate` is asked: query shapes (`ItemValue`), the key's indexing
/// `keyConstants` and the aggregates' `constants`.
public struct AggregateRequest {
  /// The `group` key's shape; nil for one answer over every item.
  public var key: ItemValue?
  /// `group each`: the key is a list and each item counts in the group of every different
  /// element (none when the list is nil).
  public var keyEach: Bool
  public var keyConstants: ContiguousArray<Value>
  /// Each aggregate's name and the shape of its expression (nil: the item itself, for
  /// `count` and `share`).
  public var aggregates: [(kind: AggregateKind, shape: ItemValue?)]
  public var constants: ContiguousArray<Value>
}

/// The host's answer: the groups in the order their first item comes (id order for stored
/// records), how many items each has, and each aggregate's value per group (`share` is
/// left to the stage, which works it out from the counts). With no key, one group.
public struct AggregateAnswer {
  public var keys: ContiguousArray<Value>
  public var counts: [Int]
  public var values: [[Value]]

  public init(keys: ContiguousArray<Value>, counts: [Int], values: [[Value]]) {
    self.keys = keys
    self.counts = counts
    self.values = values
  }
}

/// Lets the host give records of one kind fields that are not stored in the record itself
/// (`m.volunteer` navigating a reference, `v.matches`), and see every change to a field (so a
/// stored record is validated and written back).
public protocol RecordHost: AnyObject {
  /// The value of a computed field, or nil to read the record's own slot.
  func field(of record: RecordObject, _ name: String) throws -> Value?
  /// Called before a field is set; throws to refuse the change. Also called for a field the
  /// record does not have, which the host may keep (or refuse with an error).
  func willSet(_ record: RecordObject, _ name: String, to value: Value) throws
  /// Names that can follow `record.` besides the stored fields (for completion and hints).
  func extraFieldNames(of record: RecordObject) -> [String]
}
