import PeerScript
import PeerStore

extension PushedFilter {
  /// A comparison with the person using peer (PersonObject): `.site in me.sites`,
  /// `.volunteer == me.volunteer`, `.id == me.volunteer` on volunteers. The field must be one
  /// step and of the value's type: a text for sites, the volunteer's reference (or a
  /// volunteer's own id) for the volunteer.
  static func personal(_ node: ListObject, constants: ContiguousArray<Value>, kind: RecordKind)
    -> RecordCondition?
  {
    let parts = node.items
    let path: Value
    let index: Value
    var negated = false
    switch parts.first?.textValue {
    case "in" where parts.count == 3:
      path = parts[1]
      index = parts[2]
    case "compare" where parts.count == 4:
      guard let op = parts[1].textValue, op == "==" || op == "!=" else { return nil }
      negated = op == "!="
      path = parts[2]
      index = parts[3]
    default:
      return nil
    }
    guard case .host(let value as PersonAttributeValue)? = constant(index, constants),
      case .list(let names) = path, names.items.count == 1, let name = names.items[0].textValue
    else { return nil }
    switch value.attribute {
    case .sites:
      guard parts.first?.textValue == "in", kind.field(name)?.type == .text else { return nil }
    case .volunteer:
      let isVolunteer = name == "id" ? kind == .volunteer : kind.field(name)?.type == .reference(.volunteer)
      guard parts.first?.textValue == "compare", isVolunteer else { return nil }
    }
    let c = value.condition(on: name)
    return negated ? .not(c) : c
  }
}
