import Testing

@testable import PeerStore

/// `GroupedSQL` groups by a joined record's id in place of the reference column only when the
/// condition requires that record (row-level security can leave a LEFT JOIN empty): the
/// server then knows how many groups to expect. The answers are compared with the VM's in
/// PushdownTests; this says which SQL is written.
@Suite("Grouping SQL")
struct GroupedSQLTests {
  static let quarter = RecordCondition.between(field: "started_on", .date(20635), .date(20726))
  static let grouping = GroupedScan(
    keys: [.column(["match"])], aggregates: [.count, .min(["match", "started_on"])])

  static func key(_ condition: RecordCondition?) throws -> String {
    let sql = try GroupedSQL(.visit, where: condition, grouping, dialect: .postgres).sql
    return String(sql.dropFirst("SELECT ".count).prefix { $0 != "," })
  }

  @Test func aRequiredJoinedRecordGivesTheKey() throws {
    let through = RecordCondition.through(field: "match", kind: .match, Self.quarter)
    #expect(try Self.key(through) == "t1.id")
    #expect(try Self.key(.and(.compare(field: "kind", .equal, .text("home")), through)) == "t1.id")
  }

  @Test func aJoinedRecordThatMayBeMissingDoesNot() throws {
    let through = RecordCondition.through(field: "match", kind: .match, Self.quarter)
    #expect(try Self.key(nil) == "t0.match_id")
    #expect(try Self.key(.not(through)) == "t0.match_id")
    #expect(try Self.key(.or(through, .compare(field: "kind", .equal, .text("home")))) == "t0.match_id")
    // Not joined at all (nothing else reads the match): the condition is a subquery.
    let plain = try GroupedSQL(
      .visit, where: through, GroupedScan(keys: [.column(["match"])], aggregates: [.count]),
      dialect: .postgres
    ).sql
    #expect(plain.hasPrefix("SELECT t0.match_id,"), "\(plain)")
  }
}
