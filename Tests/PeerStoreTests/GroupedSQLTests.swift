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

  /// An `if` sorting records into named groups is a CASE, its values written into the SQL
  /// with their quotes doubled.
  @Test func aChoiceIsACase() throws {
    let key = GroupedScan.Key.choice(
      [
        GroupedScan.Branch(
          condition: .compare(field: "status", .equal, .text("declined")), value: .text("it's no"))
      ],
      otherwise: .null)
    let sql = try GroupedSQL(
      .mother, where: nil, GroupedScan(keys: [key], aggregates: [.count]), dialect: .postgres
    ).sql
    #expect(
      sql.hasPrefix(
        "SELECT CASE WHEN (t0.status = ('declined')::text AND t0.status IS NOT NULL) THEN ('it''s no')::text ELSE NULL END,"
      ), "\(sql)")
    let mixed = GroupedScan.Key.choice(
      [GroupedScan.Branch(condition: .compare(field: "status", .equal, .text("declined")), value: .int(1))],
      otherwise: .text("x"))
    #expect(throws: StoreError.self) {
      try GroupedSQL(
        .mother, where: nil, GroupedScan(keys: [mixed], aggregates: [.count]), dialect: .postgres)
    }
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
