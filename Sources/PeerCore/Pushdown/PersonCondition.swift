import PeerScript
import PeerStore

extension PushedFilter {
  /// A comparison with the person using peer (PersonObject): `.site in me.sites`,
  /// `.volunteer == me.volunteer`, `.id == me.volunteer` on volunteers. The field must be one
  /// step and of the value's type: a text for sites, the volunteer's reference (or a
  /// volunteer's own id) for the volunteer.
  static func personal(_ shape: ItemCondition, constants: ContiguousArray<Value>, kind: RecordKind)
    -> RecordCondition?
  {
    let name: String
    let index: Int
    var negated = false
    switch shape {
    case .isIn(let path, let k) where path.count == 1:
      name = path[0]
      index = k
    case .compare(let op, .path(let path), let k) where path.count == 1 && (op == .equal || op == .notEqual):
      name = path[0]
      index = k
      negated = op == .notEqual
    default:
      return nil
    }
    guard case .host(let value as PersonAttributeValue)? = constant(index, constants) else { return nil }
    switch (value.attribute, shape) {
    case (.sites, .isIn):
      guard kind.field(name)?.type == .text else { return nil }
    case (.volunteer, .compare):
      let isVolunteer = name == "id" ? kind == .volunteer : kind.field(name)?.type == .reference(.volunteer)
      guard isVolunteer else { return nil }
    default:
      return nil
    }
    let c = value.condition(on: name)
    return negated ? .not(c) : c
  }
}
