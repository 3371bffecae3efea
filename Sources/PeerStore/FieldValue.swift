/// A field's value as the store keeps it. The store does not depend on the language: the
/// bridge in PeerCore converts between these and Peer script values.
public enum FieldValue: Hashable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case text(String)
  /// Days since 1970-01-01; stored as ISO text (`2027-03-14`) so SQL can read and sort it.
  case date(Int32)
  /// A list of short texts (languages, tags, services); stored as a JSON array.
  case list([String])

  /// The type of field that holds such a value; nil for null, which any field may hold.
  public var type: FieldType? {
    switch self {
    case .null: return nil
    case .bool: return .bool
    case .int: return .int
    case .double: return .double
    case .text: return .text
    case .date: return .date
    case .list: return .list
    }
  }
}
