import PeerScript
import PeerStore

/// The volunteers who can take a mother now: active, with a free place (capacity minus open
/// matches). Capacity is checked here for everyone, whatever the project's score says.
struct Pool {
  var volunteers: [Value] = []
  var room: [Int] = []

  static func active(_ bridge: RecordBridge) throws -> Pool {
    let w = try bridge.writer()
    var open: [Int: Int] = [:]
    for m in try w.find(.match, where: "status", equals: .text("active")) {
      if let v = m["volunteer"].int { open[v, default: 0] += 1 }
    }
    var pool = Pool()
    let restricted = try bridge.restrictedIDs(.volunteer)
    for v in try w.find(.volunteer, where: "status", equals: .text("active")) where restricted[v.id] == nil {
      let room = (v["capacity"].int ?? 0) - open[Int(v.id), default: 0]
      guard room > 0 else { continue }
      pool.volunteers.append(bridge.value(v))
      pool.room.append(room)
    }
    return pool
  }
}

/// `suggest(M-0042)` and `suggest_all()`: scores worked out with the project's match score.
enum Suggestions {
  // MARK: - One mother

  static func forMother(_ m: Value, pool: Pool, score: MatchScore, limit: Int, vm: VM) throws -> Value {
    typealias Part = (criterion: Int, points: Double, reason: String)
    var ranked: [(total: Double, volunteer: Int, parts: [Part])] = []
    for (j, v) in pool.volunteers.enumerated() {
      guard try score.failures(m, v, vm: vm).isEmpty else { continue }
      var parts: [Part] = []
      var total = 0.0
      for (ci, c) in score.criteria.enumerated() {
        guard let (points, reason) = try score.contribution(c, m, v, vm: vm) else { continue }
        parts.append((ci, points, reason))
        total += points
      }
      ranked.append((total, j, parts))
    }
    ranked.sort { $0.total != $1.total ? $0.total > $1.total : $0.volunteer < $1.volunteer }
    let shown = ranked.prefix(limit)

    // One column per criterion, named by its reason for this mother and her best volunteer.
    var labels: [String] = []
    let top = shown.first.map { pool.volunteers[$0.volunteer] } ?? .null
    let reserved: Set<String> = ["volunteer", "name", "score", "room", "why", "mother"]
    for c in score.criteria {
      // With no volunteer to name a reason after, the column is just "criterion"; a reason
      // that fails for a real volunteer is a script error, shown as one.
      var label = "criterion"
      if top == .null {
      } else if case .each = c.rule {
        label = try vm.call(c.reason, [m, top, .text("…")]).description
      } else {
        label = try vm.call(c.reason, m, top).description
      }
      var unique = label
      var n = 2
      while labels.contains(unique) || reserved.contains(unique) {
        unique = "\(label) (\(n))"
        n += 1
      }
      labels.append(unique)
    }

    var rows = ContiguousArray<Value>()
    for entry in shown {
      let v = pool.volunteers[entry.volunteer]
      var cells: [(String, Value)] = [
        ("volunteer", field(v, "id")), ("name", field(v, "name")), ("score", Matching.number(entry.total)),
      ]
      for (ci, label) in labels.enumerated() {
        let points = entry.parts.first { $0.criterion == ci }?.points
        cells.append((label, points.map(Matching.number) ?? .null))
      }
      cells.append(("room", .int(pool.room[entry.volunteer])))
      cells.append(("why", .text(why(entry.parts.map { ($0.points, $0.reason) }))))
      cells.append(("mother", field(m, "id")))
      rows.append(Matching.row(cells))
    }
    return .list(ListObject(rows))
  }

  /// "speaks Urdu +3, 4.2 km apart -2": what is stored as the match's `why` when accepted.
  static func why(_ parts: [(points: Double, reason: String)]) -> String {
    parts.map { p in
      let n = Matching.number(p.points).description
      return "\(p.reason) \(p.points >= 0 ? "+" : "")\(n)"
    }.joined(separator: ", ")
  }

  /// A row names records by their ids ("V-0012"), which read well in a table; `accept` hands
  /// them to `match`, which looks them up.
  static func field(_ record: Value, _ name: String) -> Value {
    if case .record(let r) = record { return r[name] ?? .null }
    return .null
  }

  // MARK: - The whole waiting list

  /// Scores every allowed pair, then finds the optimal assignment and the greedy one.
  static func plan(for mothers: [Value], pool: Pool, score: MatchScore, vm: VM) throws -> MatchPlan {
    let problem = try scores(mothers, pool, score, vm: vm)
    let best = problem.optimal()
    let greedy = problem.greedy()
    var rows: [Value] = []
    var waiting: [Value] = []
    for (i, column) in best.columnOf.enumerated() {
      let m = mothers[i]
      guard let column else {
        waiting.append(m)
        continue
      }
      let v = pool.volunteers[column]
      var parts: [(Double, String)] = []
      for c in score.criteria {
        if let part = try score.contribution(c, m, v, vm: vm) { parts.append(part) }
      }
      rows.append(
        Matching.row([
          ("mother", field(m, "id")), ("mother_name", field(m, "name")), ("volunteer", field(v, "id")),
          ("name", field(v, "name")),
          ("score", Matching.number(problem[i, column])), ("why", .text(why(parts))),
        ]))
    }
    return MatchPlan(
      rows: rows, waiting: waiting, total: problem.total(best), greedyMatches: greedy.matched,
      greedyTotal: problem.total(greedy), mothers: mothers.count)
  }

  /// The score of every pair the requirements allow. A requirement or criterion that reads only
  /// the volunteer (or only the mother) is worked out once for her, not once per pair.
  static func scores(_ mothers: [Value], _ pool: Pool, _ score: MatchScore, vm: VM) throws
    -> AssignmentProblem
  {
    let both: MatchScore.Dependence = [.mother, .volunteer]
    var problem = AssignmentProblem(rows: mothers.count, columns: pool.volunteers.count, capacity: pool.room)

    var volunteerAllowed = [Bool](repeating: true, count: pool.volunteers.count)
    var volunteerPoints = [Double](repeating: 0, count: pool.volunteers.count)
    for (j, v) in pool.volunteers.enumerated() {
      for r in score.requirements where !r.uses.contains(.mother) {
        if try !score.passes(r, .null, v, vm: vm) { volunteerAllowed[j] = false }
      }
      for c in score.criteria where !c.uses.contains(.mother) {
        volunteerPoints[j] += try score.points(c, .null, v, vm: vm)
      }
    }
    let pairRequirements = score.requirements.filter { $0.uses == both }
    let pairCriteria = score.criteria.filter { $0.uses == both }
    for (i, m) in mothers.enumerated() {
      var allowed = true
      for r in score.requirements where r.uses == .mother {
        if try !score.passes(r, m, .null, vm: vm) { allowed = false }
      }
      guard allowed else { continue }
      var motherPoints = 0.0
      for c in score.criteria where c.uses == .mother {
        motherPoints += try score.points(c, m, .null, vm: vm)
      }
      columns: for (j, v) in pool.volunteers.enumerated() where volunteerAllowed[j] {
        for r in pairRequirements where try !score.passes(r, m, v, vm: vm) { continue columns }
        var total = motherPoints + volunteerPoints[j]
        for c in pairCriteria { total += try score.points(c, m, v, vm: vm) }
        problem[i, j] = total
      }
    }
    return problem
  }
}
