import PeerStore

/// A person for each of the demo's five roles (Examples/people/roles.peer), for a demo on a
/// server: the coordinator works for one site, the volunteer is a volunteer of that site who
/// supports a mother now. Logins start with the database's name, since a server's logins are
/// shared by all its databases.
public enum DemoPeople {
  public static func people(database: String, in store: RecordStore) throws -> [Person] {
    let (site, volunteer, name) = try store.read { r -> (String, Int64?, String) in
      let active = try r.find(.match, where: "status", equals: .text("active"))
      guard let match = active.first, case .int(let v) = match["volunteer"],
        let record = try r.get(.volunteer, id: Int64(v)), case .text(let site) = record["site"],
        case .text(let name) = record["name"]
      else { return ("", nil, "") }
      return (site, Int64(v), name)
    }
    let prefix = database.lowercased().filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    return [
      Person(login: prefix + "_manager", name: "Morgan Hale", role: "manager"),
      Person(login: prefix + "_coordinator", name: "Amina Shah", role: "coordinator", sites: [site]),
      Person(login: prefix + "_volunteer", name: name, role: "volunteer", volunteer: volunteer),
      Person(login: prefix + "_protection_lead", name: "Priya Natt", role: "protection_lead"),
      Person(login: prefix + "_commissioner", name: "Chris Doyle", role: "commissioner"),
    ]
  }
}
