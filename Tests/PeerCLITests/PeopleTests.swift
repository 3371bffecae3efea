import Foundation
import PeerPostgres
import PeerTestSupport
import Testing

/// The demo's five roles on a real server (Examples/people/roles.peer): what each person's own
/// login sees through psql equals what plain SQL, run as the owner, says the role means; what
/// the role forbids is refused, through psql and through peer; changing or removing a person
/// is in force for their next command.
@Suite("People and roles on a server")
struct PeopleTests {
  /// The demo on a fresh database, and its address.
  static func demo(_ folder: TemporaryFolder) throws -> (project: String, address: ServerAddress) {
    let address = try TestServer.newDatabase()
    let project = folder.path("demo")
    let made = try PeerProcess.run([
      "demo", project, "--database", address.description, "--today", "2026-11-01",
    ])
    #expect(made.status == 0, "\(made.stderr)")
    #expect(made.stdout.contains("coordinator: Amina Shah"), "\(made.stdout)")
    return (project, address)
  }

  /// The rows of `sql` as the owner sees them.
  static func owner(_ sql: String, _ address: ServerAddress) throws -> String {
    let (status, output) = try TestServer.psql(sql, login: address.user, on: address)
    #expect(status == 0, "\(output)")
    return output
  }

  static func person(_ role: String, _ sql: String, _ address: ServerAddress) throws -> (Int32, String) {
    try TestServer.psql(sql, login: "\(address.database)_\(role)", on: address)
  }

  /// A person's own project folder: the same scripts, their login in the URL.
  static func folder(of role: String, in folder: TemporaryFolder, project: String, address: ServerAddress)
    throws -> String
  {
    let mine = folder.path(role)
    try FileManager.default.createDirectory(atPath: mine, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: project + "/scripts", toPath: mine + "/scripts")
    try (try TestServer.socketURL(login: "\(address.database)_\(role)", of: address) + "\n")
      .write(toFile: mine + "/peer.server", atomically: false, encoding: .utf8)
    return mine
  }

  @Test func operationsFollowTheRoleAndReportsAndExportsAreAudited() throws {
    let folder = try TemporaryFolder()
    let (project, address) = try Self.demo(folder)
    let coordinator = try Self.folder(of: "coordinator", in: folder, project: project, address: address)
    let volunteer = try Self.folder(of: "volunteer", in: folder, project: project, address: address)
    let commissioner = try Self.folder(of: "commissioner", in: folder, project: project, address: address)
    let site = try Self.owner("SELECT sites[1] FROM peer_people WHERE role = 'coordinator'", address)
    let theirs = try Self.owner("SELECT count(*) FROM mothers WHERE site = '\(site)'", address)
    let export = try PeerProcess.run(["export", "mothers", "--project", coordinator])
    #expect(export.status == 0, "\(export.stderr)")
    #expect(export.stdout.split(separator: "\n").count == (Int(theirs) ?? -1) + 1)
    let audited = try Self.owner(
      "SELECT \"user\", action, after FROM audit WHERE kind = 'export' ORDER BY seq DESC LIMIT 1", address)
    #expect(
      audited.hasPrefix("\(address.database)_coordinator|mothers|")
        && audited.contains("\"records\":\(theirs)"),
      "\(audited)")
    let report = try PeerProcess.run([
      "--today", "2026-11-01", "report", "caseloads", "--format", "csv", "--project", coordinator,
    ])
    #expect(report.status == 0, "\(report.stderr)")
    let ran = try Self.owner(
      "SELECT \"user\", after FROM audit WHERE kind = 'report' ORDER BY seq DESC LIMIT 1", address)
    #expect(ran.hasPrefix("\(address.database)_coordinator|") && ran.contains("caseloads"), "\(ran)")
    // What a role may not run is refused before it starts, naming the rule.
    let refused: [(arguments: [String], says: String)] = [
      (["report", "caseloads", "--project", volunteer], "(volunteer) may not run reports: role volunteer ("),
      (["export", "visits", "--project", volunteer], "(volunteer) may not export records: role volunteer ("),
      (
        ["export", "mothers", "--project", commissioner],
        "(commissioner) may not export records: role commissioner ("
      ),
      (
        ["run", "--project", volunteer, try folder.write("s.peer", "suggest_all()")],
        "(volunteer) may not suggest matches"
      ),
      (
        ["run", "--project", coordinator, try folder.write("h.peer", "print(history(mothers | first))")],
        "(coordinator) may not read the audit trail: role coordinator ("
      ),
    ]
    for (arguments, says) in refused {
      let r = try PeerProcess.run(arguments)
      #expect(r.status == 1 && r.stderr.contains(says) && r.stdout.isEmpty, "\(arguments): \(r.stderr)")
    }
    // A mother's sensitive fields sent to a person are in the audit trail: whose, to whom.
    let read = try PeerProcess.run([
      "run", "--project", coordinator,
      try folder.write("read.peer", "let m = mothers | where .vulnerabilities != nil | first\nprint(m.id)"),
    ])
    #expect(read.status == 0, "\(read.stderr)")
    let code = read.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    let sent = try Self.owner(
      "SELECT \"user\", after FROM audit WHERE kind = 'read' ORDER BY seq DESC LIMIT 1", address)
    #expect(
      sent.hasPrefix("\(address.database)_coordinator|") && sent.contains("\"\(code)\""), "\(sent) \(code)")
    // A login cannot write someone else's name into the audit trail.
    let forged = try Self.person(
      "coordinator",
      "INSERT INTO audit (\"user\", kind, record_id, action, before, after) VALUES ('someone', 'export', 0, 'x', '', '')",
      address)
    #expect(forged.0 != 0 && forged.1.contains("row-level security"), "\(forged)")
  }

  /// In a file, `--as` previews a role the way the server enforces it (not a security
  /// boundary: the file's owner reads it all with any SQLite tool).
  @Test func aRoleCanBePreviewedOnAProjectInAFile() throws {
    let folder = try TemporaryFolder()
    let project = folder.path("file")
    #expect(try PeerProcess.run(["demo", project, "--today", "2026-11-01"]).status == 0)
    func run(_ arguments: [String], _ script: String) throws -> PeerProcess.Result {
      try PeerProcess.run(arguments + ["run", "--project", project, try folder.write("p.peer", script)])
    }
    let owner = try run(
      [],
      "print(mothers | where .site == \"Bristol\" | count, volunteers | where .site == \"Bristol\" | count)")
    let coordinator = try run(["--as", "coordinator:Bristol"], "print(len(mothers), len(volunteers))")
    #expect(
      coordinator.status == 0 && coordinator.stdout == owner.stdout,
      "\(coordinator.stdout)\(coordinator.stderr)")
    let supports = try run(
      [],
      "print(mothers | where (.matches | where .volunteer == V-0002 and .status == \"active\" | count) > 0 | count)"
    )
    let volunteer = try run(
      ["--as", "volunteer:V-0002"],
      "print(len(mothers), mothers | map .vulnerabilities | where it != nil | count)")
    #expect(volunteer.stdout == supports.stdout.dropLast() + " 0\n", "\(volunteer.stdout)\(volunteer.stderr)")
    let refused = try run(["--as", "volunteer:V-0002"], "let m = matches | first\nm.status = \"ended\"")
    #expect(refused.status == 1 && refused.stderr.contains("has no \"changes matches\""), "\(refused.stderr)")
    let commissioner = try run(["--as", "commissioner"], "print(len(mothers))")
    #expect(
      commissioner.status == 1 && commissioner.stderr.contains("does not see mothers"),
      "\(commissioner.stderr)")
    let unknown = try run(["--as", "cordinator"], "print(1)")
    #expect(unknown.status == 1 && unknown.stderr.contains("no role called cordinator"), "\(unknown.stderr)")
    // On a server the database enforces roles: there is nothing to preview.
    let address = try TestServer.newDatabase()
    #expect(
      try PeerProcess.run(["init", folder.path("server"), "--database", address.description]).status == 0)
    let onServer = try PeerProcess.run([
      "--as", "coordinator", "run", "--project", folder.path("server"),
      try folder.write("q.peer", "print(1)"),
    ])
    #expect(
      onServer.status == 1 && onServer.stderr.contains("--as previews a role on a project in a file"),
      "\(onServer.stderr)")
  }

  @Test func eachLoginSeesWhatItsRoleMeans() throws {
    let folder = try TemporaryFolder()
    let (_, address) = try Self.demo(folder)
    let site = try Self.owner("SELECT sites[1] FROM peer_people WHERE role = 'coordinator'", address)
    let volunteer = try Self.owner("SELECT volunteer_id FROM peer_people WHERE role = 'volunteer'", address)
    #expect(!site.isEmpty && !volunteer.isEmpty)

    // The coordinator: the records of her site, and every service.
    let coordinator: [(String, String)] = [
      ("SELECT id FROM mothers ORDER BY id", "SELECT id FROM mothers WHERE site = '\(site)' ORDER BY id"),
      (
        "SELECT id FROM volunteers ORDER BY id",
        "SELECT id FROM volunteers WHERE site = '\(site)' ORDER BY id"
      ),
      (
        "SELECT id FROM matches ORDER BY id",
        "SELECT x.id FROM matches x JOIN mothers m ON m.id = x.mother_id WHERE m.site = '\(site)' ORDER BY x.id"
      ),
      (
        "SELECT id FROM visits ORDER BY id",
        "SELECT v.id FROM visits v JOIN matches x ON x.id = v.match_id JOIN mothers m ON m.id = x.mother_id WHERE m.site = '\(site)' ORDER BY v.id"
      ),
      ("SELECT count(*) FROM services", "SELECT count(*) FROM services"),
    ]
    for (asPerson, meaning) in coordinator {
      let (status, seen) = try Self.person("coordinator", asPerson, address)
      #expect(status == 0, "\(seen)")
      let expected = try Self.owner(meaning, address)
      #expect(seen == expected && !expected.isEmpty, "\(asPerson)")
    }

    // The volunteer: the mothers she supports now, and only the fields she needs.
    let supported =
      "SELECT m.id FROM mothers m WHERE EXISTS (SELECT 1 FROM matches x WHERE x.mother_id = m.id AND x.volunteer_id = \(volunteer) AND x.status = 'active') ORDER BY m.id"
    let (status, mothers) = try Self.person("volunteer", "SELECT id FROM mothers ORDER BY id", address)
    let supportedNow = try Self.owner(supported, address)
    #expect(status == 0 && mothers == supportedNow && !mothers.isEmpty, "\(mothers)")
    let visits = try Self.person("volunteer", "SELECT id FROM visits ORDER BY id", address)
    // Through a reference, a role's condition sees only what the role sees: her visits to the
    // mothers she supports now, not to those whose support has ended.
    let theirVisits =
      "SELECT v.id FROM visits v JOIN matches x ON x.id = v.match_id WHERE x.volunteer_id = \(volunteer) AND x.status = 'active' ORDER BY v.id"
    let expectedVisits = try Self.owner(theirVisits, address)
    #expect(visits.1 == expectedVisits, "\(visits)")
    let herself = try Self.person("volunteer", "SELECT id, name FROM volunteers", address)
    #expect(herself.1.hasPrefix("\(volunteer)|") && !herself.1.contains("\n"), "\(herself)")
    for refused in ["SELECT vulnerabilities FROM mothers", "SELECT * FROM mothers", "SELECT * FROM audit"] {
      let (status, output) = try Self.person("volunteer", refused, address)
      #expect(status != 0 && output.contains("permission denied"), "\(refused): \(output)")
    }

    // She may add a visit only to a match of hers: the policy refuses any other.
    let other = try Self.owner(
      "SELECT id FROM matches WHERE volunteer_id <> \(volunteer) ORDER BY id LIMIT 1", address)
    let insert = try Self.person(
      "volunteer",
      "INSERT INTO visits (id, match_id, date, kind) VALUES (nextval('visits_ids'), \(other), '2026-11-01', 'phone')",
      address)
    #expect(insert.0 != 0 && insert.1.contains("row-level security"), "\(insert)")

    // The commissioner sees no records; the manager every one; only the manager and the data
    // protection lead read the audit trail, and nobody's login changes it.
    let commissioner = try Self.person("commissioner", "SELECT count(*) FROM mothers", address)
    #expect(commissioner.0 != 0 && commissioner.1.contains("permission denied"), "\(commissioner)")
    let all = try Self.owner("SELECT count(*) FROM mothers", address)
    #expect(try Self.person("manager", "SELECT count(*) FROM mothers", address).1 == all)
    #expect(try Self.person("protection_lead", "SELECT count(*) > 0 FROM audit", address).1 == "t")
    #expect(try Self.person("coordinator", "SELECT count(*) FROM audit", address).0 != 0)
    for login in ["manager", "protection_lead"] {
      let (status, output) = try Self.person(login, "DELETE FROM audit", address)
      #expect(status != 0, "\(login) changed the audit trail: \(output)")
    }
  }

  @Test func peerShowsAPersonTheirRecordsAndNamesTheRuleThatRefuses() throws {
    let folder = try TemporaryFolder()
    let (project, address) = try Self.demo(folder)
    let mine = try Self.folder(of: "volunteer", in: folder, project: project, address: address)
    let volunteer = try Self.owner("SELECT volunteer_id FROM peer_people WHERE role = 'volunteer'", address)
    let count = try Self.owner(
      "SELECT count(*) FROM mothers m WHERE EXISTS (SELECT 1 FROM matches x WHERE x.mother_id = m.id AND x.volunteer_id = \(volunteer) AND x.status = 'active')",
      address)
    let seen = try PeerProcess.run([
      "run", "--project", mine,
      try folder.write(
        "seen.peer",
        """
        print(me.role, len(mothers), mothers | map .vulnerabilities)
        let m = matches | first
        print(m.mother.name != nil)
        """),
    ])
    let none = Array(repeating: "nil", count: Int(count) ?? 0).joined(separator: ", ")
    #expect(
      seen.status == 0 && seen.stdout == "volunteer \(count) [\(none)]\ntrue\n",
      "\(seen.stdout)\(seen.stderr)")
    // Asking the database about a field her role does not read is refused, naming the rule.
    let asked = try PeerProcess.run([
      "run", "--project", mine,
      try folder.write("asked.peer", "print(mothers | where .referrer == \"GP\" | count)"),
    ])
    #expect(
      asked.status == 1
        && asked.stderr.contains("(volunteer) may not read every field of mothers: role volunteer (")
        && asked.stderr.contains("reads only name, phone, postcode"), "\(asked.stderr)")
    // Logging a visit to her own match is allowed and audited under her login; ending the match
    // is not, and nothing of that script is kept.
    let logged = try PeerProcess.run([
      "run", "--project", mine,
      try folder.write(
        "log.peer",
        """
        create("visit", {match: matches | first, date: today, kind: "phone", minutes: 15})
        """),
    ])
    #expect(logged.status == 0, "\(logged.stderr)")
    let who = try Self.owner(
      "SELECT \"user\" FROM audit WHERE kind = 'visit' ORDER BY seq DESC LIMIT 1", address)
    #expect(who == "\(address.database)_volunteer")
    let before = try Self.owner("SELECT count(*) FROM visits", address)
    let refused = try PeerProcess.run([
      "run", "--project", mine,
      try folder.write(
        "end.peer",
        """
        create("visit", {match: matches | first, date: today, kind: "phone", minutes: 15})
        let m = matches | first
        m.status = "ended"
        """),
    ])
    #expect(refused.status == 1)
    #expect(
      refused.stderr.contains("(volunteer) may not change matches: role volunteer (")
        && refused.stderr.contains("roles.peer:") && refused.stderr.contains("has no \"changes matches\""),
      "\(refused.stderr)")
    let after = try Self.owner("SELECT count(*) FROM visits", address)
    #expect(after == before)
    // Someone else's match is not one she can name.
    let other = try Self.owner(
      "SELECT 'X-' || lpad(id::text, 4, '0') FROM matches WHERE volunteer_id <> \(volunteer) ORDER BY id LIMIT 1",
      address)
    let elsewhere = try PeerProcess.run([
      "run", "--project", mine,
      try folder.write(
        "other.peer", "create(\"visit\", {match: \(other), date: today, kind: \"phone\", minutes: 15})"),
    ])
    #expect(elsewhere.status == 1 && elsewhere.stderr.contains("there is no match"), "\(elsewhere.stderr)")
  }

  @Test func changingOrRemovingAPersonIsInForceForTheirNextCommand() throws {
    let folder = try TemporaryFolder()
    let (project, address) = try Self.demo(folder)
    let sites = try Self.owner("SELECT DISTINCT site FROM mothers ORDER BY site", address).split(
      separator: "\n")
    let first = try Self.owner("SELECT sites[1] FROM peer_people WHERE role = 'coordinator'", address)
    let other = String(sites.first { $0 != first } ?? "")
    let login = "\(address.database)_coordinator"
    let change = try PeerProcess.run(["people", "change", login, "--site", other, "--project", project])
    #expect(change.status == 0, "\(change.stderr)")
    let seen = try Self.person("coordinator", "SELECT DISTINCT site FROM mothers", address)
    #expect(seen.1 == other, "\(seen)")
    let promoted = try PeerProcess.run(["people", "change", login, "--role", "manager", "--project", project])
    #expect(promoted.status == 0, "\(promoted.stderr)")
    let promotedSees = try Self.person("coordinator", "SELECT count(*) FROM mothers", address)
    let everyMother = try Self.owner("SELECT count(*) FROM mothers", address)
    #expect(promotedSees.1 == everyMother, "\(promotedSees)")
    let removed = try PeerProcess.run(["people", "remove", login, "--project", project])
    #expect(removed.status == 0, "\(removed.stderr)")
    let gone = try Self.person("coordinator", "SELECT 1", address)
    #expect(gone.0 != 0 && gone.1.contains("does not exist"), "\(gone)")
    let list = try PeerProcess.run(["people", "list", "--project", project])
    #expect(
      list.status == 0 && !list.stdout.contains(login) && list.stdout.contains("_volunteer"), "\(list.stdout)"
    )
    // Every change to people is in the audit trail.
    let audited = try Self.owner("SELECT action FROM audit WHERE kind = 'person' ORDER BY seq", address)
    #expect(audited.split(separator: "\n").filter { $0 == "create" }.count == 5)
    #expect(audited.hasSuffix("update\nupdate\ndelete"), "\(audited)")
    // A name is shown with its control characters escaped, never sent to the terminal as they are.
    let odd = try PeerProcess.run([
      "people", "add", "Ann\u{1b}[2J", "--role", "volunteer", "--login", "\(address.database)_ann",
      "--project",
      project,
    ])
    #expect(
      odd.status == 0 && !odd.stdout.contains("\u{1b}") && odd.stdout.contains("added Ann"), "\(odd.stdout)")
    // A role the scripts do not declare, and a project in a file, are refused in one sentence.
    let unknown = try PeerProcess.run(["people", "add", "Ann", "--role", "cordinator", "--project", project])
    #expect(unknown.status == 1 && unknown.stderr.contains("no role called cordinator"), "\(unknown.stderr)")
    let file = folder.path("file")
    #expect(try PeerProcess.run(["init", file]).status == 0)
    let inFile = try PeerProcess.run(["people", "list", "--project", file])
    #expect(inFile.status == 1 && inFile.stderr.contains("PostgreSQL server"), "\(inFile.stderr)")
  }
}
