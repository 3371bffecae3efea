import PeerPostgres
import PeerScript
import PeerStore
import PeerTestSupport
import Testing

@testable import PeerCore

/// On the server, a match, visit and ending carry a copy of their mother's site (CopiedColumn),
/// which site coordinators' policies and questions about one site's visits read. The copies
/// must follow the mother and the match through every change, and no login can forge one to
/// pass a policy; conditions read through them pick what the VM picks.
@Suite("Copies of the mother's site on the server")
struct CopiedSiteTests {
  static let data = """
    let v1 = create("volunteer", {name: "Vera", status: "active", site: "Bristol", capacity: 100})
    let v2 = create("volunteer", {name: "Ola", status: "active", site: "Leeds", capacity: 100})
    let sites = ["Bristol", "Luton", "Leeds", nil]
    for i in range(60) {
      let m = create("mother", {name: "M{i}", referral_date: 2026-01-05, site: sites[i % 4],
        status: ["referred", "active", "closed"][i % 3]})
      if i % 2 == 0 {
        let x = create("match", {mother: m, volunteer: [v1, v1, v2, v2][i % 4], started_on: 2026-02-01,
          status: if i % 3 == 0 { "ended" } else { "active" }})
        for d in range(i % 5 + 1) {
          create("visit", {match: x, date: 2026-02-02 + (d * 20 + i) * 1 days, kind: ["phone", "home"][d % 2],
            minutes: 30 + d})
        }
        if i % 3 == 0 { create("ending", {match: x, date: 2026-09-01, reason: "planned"}) }
      }
    }
    """

  /// Records whose copy differs from what the references say: none, ever.
  static let wrongCopies = """
    SELECT (SELECT count(*) FROM matches x JOIN mothers m ON m.id = x.mother_id
        WHERE x.mother_site IS DISTINCT FROM m.site)
      + (SELECT count(*) FROM visits v JOIN matches x ON x.id = v.match_id
        WHERE v.mother_site IS DISTINCT FROM x.mother_site)
      + (SELECT count(*) FROM endings e JOIN matches x ON x.id = e.match_id
        WHERE e.mother_site IS DISTINCT FROM x.mother_site)
    """

  static let roles = """
    role coordinator {
      sees mothers, volunteers where .site in me.sites
      sees matches, visits, endings where .mother.site in me.sites
      changes mothers, volunteers, matches, visits, endings
    }
    role helper {
      sees matches, visits
      sees mothers
      reads mothers: name
    }
    """

  @Test func copiesFollowTheMotherAndTheMatchAndCannotBeForged() throws {
    let store = try StoreUnderTest.postgres.makeStore() as! PostgresStore
    let session = Session(store: store, options: InterpreterOptions())
    try session.run(Self.data, file: "data.peer")
    try session.run(Self.roles, file: "roles.peer")
    try store.applyRoles(Array(session.roles.values))
    let address = store.address
    let database = address.database
    try store.add(Person(login: "\(database)_bristol", name: "B", role: "coordinator", sites: ["Bristol"]))
    try store.add(Person(login: "\(database)_helper", name: "H", role: "helper"))
    func owner(_ sql: String) throws -> String {
      let (status, output) = try TestServer.psql(sql, login: address.user, on: address)
      #expect(status == 0, "\(sql): \(output)")
      return output
    }
    func bristol(_ sql: String) throws -> (Int32, String) {
      try TestServer.psql(sql, login: "\(database)_bristol", on: address)
    }
    let bristolVisits =
      "SELECT count(*) FROM visits v JOIN matches x ON x.id = v.match_id JOIN mothers m ON m.id = x.mother_id WHERE m.site = 'Bristol'"
    func copiesAreRight() throws {
      let wrong = try owner(Self.wrongCopies)
      #expect(wrong == "0")
    }
    func bristolSeesHerVisits() throws {
      let seen = try bristol("SELECT count(*) FROM visits").1
      let meant = try owner(bristolVisits)
      #expect(seen == meant && meant != "0")
    }
    try copiesAreRight()
    let before = try owner(bristolVisits)
    try bristolSeesHerVisits()

    // A mother moved to Leeds through peer: her matches, visits and endings go with her.
    let moved = try owner(
      "SELECT m.id FROM mothers m JOIN matches x ON x.mother_id = m.id JOIN visits v ON v.match_id = x.id WHERE m.site = 'Bristol' ORDER BY m.id LIMIT 1"
    )
    try session.run(
      "let m = \(RecordKind.mother.code(for: Int64(moved)!))\nm.site = \"Leeds\"", file: "move.peer")
    try copiesAreRight()
    let after = try owner(bristolVisits)
    #expect(Int(after)! < Int(before)!)
    try bristolSeesHerVisits()

    // A match given to another mother (as the owner, straight in SQL): its visits follow.
    let leedsMother = try owner("SELECT id FROM mothers WHERE site = 'Leeds' ORDER BY id LIMIT 1")
    _ = try owner(
      "UPDATE matches SET mother_id = \(leedsMother) WHERE id = (SELECT x.id FROM matches x JOIN mothers m ON m.id = x.mother_id JOIN visits v ON v.match_id = x.id WHERE m.site = 'Bristol' ORDER BY x.id LIMIT 1)"
    )
    try copiesAreRight()
    try bristolSeesHerVisits()

    // The coordinator writes another site into a copy: the trigger puts the true one back.
    let hers = try owner("SELECT id FROM visits WHERE mother_site = 'Bristol' ORDER BY id LIMIT 1")
    let forged = try bristol("UPDATE visits SET mother_site = 'Luton' WHERE id = \(hers)")
    #expect(forged.0 == 0, "\(forged)")
    let kept = try owner("SELECT mother_site FROM visits WHERE id = \(hers)")
    #expect(kept == "Bristol")
    // ... or adds a visit to a Leeds match, saying it is Bristol's: refused.
    let leedsMatch = try owner("SELECT id FROM matches WHERE mother_site = 'Leeds' ORDER BY id LIMIT 1")
    let added = try bristol(
      "INSERT INTO visits (id, match_id, date, kind, mother_site) VALUES (nextval('visits_ids'), \(leedsMatch), '2026-11-01', 'phone', 'Bristol')"
    )
    #expect(added.0 != 0 && added.1.contains("row-level security"), "\(added)")

    // A role that may not read the mother's site may not read its copy either.
    let helper = try TestServer.psql(
      "SELECT mother_site FROM visits LIMIT 1", login: "\(database)_helper", on: address)
    #expect(helper.0 != 0 && helper.1.contains("permission denied"), "\(helper)")
    let allowed = try TestServer.psql("SELECT count(*) FROM visits", login: "\(database)_helper", on: address)
    let every = try owner("SELECT count(*) FROM visits")
    #expect(allowed.0 == 0 && allowed.1 == every, "\(allowed)")
  }

  /// Conditions on visits, `me` as the role says it and as the VM reads it for a person of
  /// Bristol and Luton: some through the copies, some through references with no copy.
  static let atoms: [(role: String, vm: String)] = [
    (".mother.site in me.sites", ".mother.site in [\"Bristol\", \"Luton\"]"),
    (".mother.site == \"Bristol\"", ".mother.site == \"Bristol\""),
    (".match.mother.site != \"Leeds\"", ".match.mother.site != \"Leeds\""),
    (".mother.site != nil", ".mother.site != nil"),
    (".mother.site == nil", ".mother.site == nil"),
    (".mother.status == \"active\"", ".mother.status == \"active\""),
    (".match.status == \"active\"", ".match.status == \"active\""),
    (".kind == \"phone\"", ".kind == \"phone\""),
    (".date < 2026-03-15", ".date < 2026-03-15"),
  ]

  @Test func conditionsThroughTheCopiesPickWhatTheVMPicks() throws {
    try RolePolicyTests.comparePolicies(
      on: .visit, data: Self.data, seeingWhole: "mothers, matches, volunteers", atoms: Self.atoms, count: 16,
      pushdown: [true, false])
  }
}
