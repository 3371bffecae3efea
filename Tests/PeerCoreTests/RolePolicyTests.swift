import PeerPostgres
import PeerScript
import PeerStore
import PeerTestSupport
import Testing

@testable import PeerCore

/// A role's `sees` condition becomes a row-level security policy (AccessPolicies, through
/// PushedFilter and ConditionSQL): for many generated conditions, the mothers a person of that
/// role sees through their own login equal the mothers the same condition picks in the VM,
/// with `me` written out as that person's values.
@Suite("Role conditions as server policies")
struct RolePolicyTests {
  typealias Generator = SplitMix64

  /// Conditions on mothers: `me` first as the role says it, then as the VM reads it for a
  /// person whose sites are Bristol and Luton and whose volunteer record is V-0001.
  static let atoms: [(role: String, vm: String)] = [
    (".site in me.sites", ".site in [\"Bristol\", \"Luton\"]"),
    (".site == \"Bristol\"", ".site == \"Bristol\""),
    (".site != nil", ".site != nil"),
    (".status == \"waiting\"", ".status == \"waiting\""),
    (".status in [\"active\", \"matched\"]", ".status in [\"active\", \"matched\"]"),
    (".interpreter", ".interpreter"),
    (".language != \"English\"", ".language != \"English\""),
    (".referral_date < 2026-06-01", ".referral_date < 2026-06-01"),
    (".referral_date in month(2026-03-01)", ".referral_date in month(2026-03-01)"),
    (
      "(.matches | where .volunteer == me.volunteer | count) > 0",
      "(.matches | where .volunteer == V-0001 | count) > 0"
    ),
    (
      "(.matches | where .status == \"active\" | count) == 0",
      "(.matches | where .status == \"active\" | count) == 0"
    ),
  ]

  /// A condition of `atoms` joined with and, or and not, up to two deep.
  static func condition(
    _ g: inout Generator, depth: Int, atoms: [(role: String, vm: String)] = RolePolicyTests.atoms
  ) -> (role: String, vm: String) {
    let pick = Int(g.next() % 10)
    if depth >= 2 || pick < 4 {
      let atom = atoms[Int(g.next() % UInt64(atoms.count))]
      return atom
    }
    let a = condition(&g, depth: depth + 1, atoms: atoms)
    switch pick {
    case 4, 5, 6:
      let b = condition(&g, depth: depth + 1, atoms: atoms)
      return ("(\(a.role) and \(b.role))", "(\(a.vm) and \(b.vm))")
    case 7, 8:
      let b = condition(&g, depth: depth + 1, atoms: atoms)
      return ("(\(a.role) or \(b.role))", "(\(a.vm) or \(b.vm))")
    default:
      return ("not (\(a.role))", "not (\(a.vm))")
    }
  }

  /// A few hundred mothers over three sites (and none), with matches to two volunteers.
  static let data = """
    let v1 = create("volunteer", {name: "Vera", status: "active", site: "Bristol", capacity: 100})
    let v2 = create("volunteer", {name: "Ola", status: "active", site: "Leeds", capacity: 100})
    let sites = ["Bristol", "Luton", "Leeds", nil]
    let statuses = ["referred", "waiting", "matched", "active", "closed"]
    let languages = ["English", "Polish", nil]
    for i in range(240) {
      let m = create("mother", {name: "M{i}", referral_date: 2026-01-05 + (i * 3 % 300) * 1 days,
        site: sites[i % 4], status: statuses[i % 5], language: languages[i % 3],
        interpreter: [true, false, nil][i % 3]})
      if i % 3 == 0 {
        create("match", {mother: m, volunteer: [v1, v2][i % 2], started_on: 2026-06-01,
          status: if i % 4 == 0 { "ended" } else { "active" }})
      }
    }
    """

  @Test func policiesPickWhatTheVMPicks() throws {
    // Matches and volunteers seen whole, so a condition through them sees every one.
    try Self.comparePolicies(
      on: .mother, data: Self.data, seeingWhole: "matches, volunteers", count: 24, pushdown: [false])
  }

  /// For `count` conditions of `atoms` on `kind`: a role that sees `kind where C` (and the
  /// kinds `seeingWhole`), and a person of it (sites Bristol and Luton, volunteer V-0001) whose
  /// own login sees what the VM picks, with pushdown on or off as `pushdown` lists. Most
  /// conditions must pick some records but not all, or the comparison would prove little.
  static func comparePolicies(
    on kind: RecordKind, data: String, seeingWhole: String, atoms: [(role: String, vm: String)] = atoms,
    count: Int, pushdown: [Bool]
  ) throws {
    let store = try StoreUnderTest.postgres.makeStore() as! PostgresStore
    let session = Session(store: store, options: InterpreterOptions())
    try session.run(data, file: "data.peer")
    var g = Generator(seed: 20261207)
    var conditions: [(role: String, vm: String)] = []
    var roles = ""
    for i in 0..<count {
      let c = condition(&g, depth: 0, atoms: atoms)
      conditions.append(c)
      roles += "role r\(i) { sees \(seeingWhole)\n sees \(kind.table) where \(c.role) }\n"
    }
    try session.run(roles, file: "roles.peer")
    try store.applyRoles(Array(session.roles.values))
    let database = store.address.database
    for i in conditions.indices {
      try store.add(
        Person(
          login: "\(database)_p\(i)", name: "P\(i)", role: "r\(i)", sites: ["Bristol", "Luton"], volunteer: 1)
      )
    }
    guard case .int(let total)? = try session.run("len(\(kind.table))", file: "n.peer") else {
      Issue.record("no count of \(kind.table)")
      return
    }
    var between = 0
    for (i, c) in conditions.enumerated() {
      let address = try ServerAddress(
        url: try TestServer.socketURL(login: "\(database)_p\(i)", of: store.address))
      let person = try PostgresStore(address: address, user: "p\(i)")
      let seen = try person.read { try $0.all(kind) }.map(\.id)
      for on in pushdown {
        session.bridge!.pushdown = on
        let picked = try session.run("\(kind.table) | where \(c.vm) | map .id", file: "vm.peer")
        let expected: [Int64] =
          if case .list(let l)? = picked {
            l.items.compactMap { $0.textValue.flatMap { kind.id(fromCode: $0) } }
          } else { [] }
        #expect(seen == expected, "r\(i) (pushdown \(on)): \(c.role)")
      }
      if !seen.isEmpty && seen.count < total { between += 1 }
    }
    #expect(between >= conditions.count / 2, "\(between) of \(conditions.count)")
  }
}
