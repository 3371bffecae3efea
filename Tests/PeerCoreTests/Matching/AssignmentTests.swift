import Testing

@testable import PeerCore

/// The optimal assignment against exhaustive search on many small random problems, and the
/// cases that matter to coordinators: capacities, pairs ruled out, and more mothers than places.
@Suite("Optimal assignment")
struct AssignmentTests {
  /// Every assignment (each row to an allowed column with room, or to nobody), the best by
  /// (matched, total score).
  func bruteForce(_ problem: AssignmentProblem) -> (matched: Int, total: Double) {
    var best = (matched: -1, total: -Double.infinity)
    var room = problem.capacity
    func search(_ row: Int, _ matched: Int, _ total: Double) {
      if row == problem.rows {
        if matched > best.matched || (matched == best.matched && total > best.total + 1e-9) {
          best = (matched, total)
        }
        return
      }
      search(row + 1, matched, total)
      for column in 0..<problem.columns where problem.isAllowed(row, column) && room[column] > 0 {
        room[column] -= 1
        search(row + 1, matched + 1, total + problem[row, column])
        room[column] += 1
      }
    }
    search(0, 0, 0)
    return best
  }

  func randomProblem(_ rng: inout SplitMix64) -> AssignmentProblem {
    let rows = rng.int(1...7)
    let columns = rng.int(1...4)
    var problem = AssignmentProblem(
      rows: rows, columns: columns, capacity: (0..<columns).map { _ in rng.int(0...3) })
    let allowed = rng.unit()
    let halves = rng.chance(0.3)
    for row in 0..<rows {
      for column in 0..<columns where rng.unit() < allowed + 0.2 {
        let points = Double(rng.int(-6...9))
        problem[row, column] = halves ? points / 2 : points
      }
    }
    return problem
  }

  @Test func optimalEqualsExhaustiveSearchOnRandomProblems() {
    var rng = SplitMix64(seed: 20_261_126)
    var greedyWorse = 0
    for _ in 0..<3000 {
      let problem = randomProblem(&rng)
      let solution = problem.optimal()
      let expected = bruteForce(problem)
      #expect(problem.isFeasible(solution))
      #expect(solution.matched == expected.matched)
      #expect(abs(problem.total(solution) - expected.total) < 1e-9)
      if solution.matched != expected.matched || abs(problem.total(solution) - expected.total) > 1e-9 {
        Issue.record(
          "differs on \(problem.rows)x\(problem.columns) caps \(problem.capacity) \(problem.scores)")
        return
      }
      let greedy = problem.greedy()
      #expect(problem.isFeasible(greedy))
      if (greedy.matched, problem.total(greedy)) < (solution.matched, problem.total(solution)) {
        greedyWorse += 1
      }
    }
    // The cases are varied enough that greedy is often beaten (else the test proves little).
    #expect(greedyWorse > 100)
  }

  @Test func greedyIsBeatenWhenTheBestPairBlocksTwoGoodOnes() {
    // Volunteer 0 suits both mothers; volunteer 1 suits only mother 0. Greedy gives volunteer 0
    // to mother 0 (score 5) and leaves mother 1 waiting; the optimum matches both (4 + 4).
    var problem = AssignmentProblem(rows: 2, columns: 2, capacity: [1, 1])
    problem[0, 0] = 5
    problem[0, 1] = 4
    problem[1, 0] = 4
    let greedy = problem.greedy()
    let best = problem.optimal()
    #expect(greedy.columnOf == [0, nil])
    #expect(best.columnOf == [1, 0])
    #expect(problem.total(best) == 8)
  }

  @Test func capacitiesAreKeptAndMoreMothersThanPlacesWait() {
    var problem = AssignmentProblem(rows: 5, columns: 2, capacity: [2, 1])
    for row in 0..<5 {
      problem[row, 0] = Double(row)
      problem[row, 1] = Double(10 - row)
    }
    let best = problem.optimal()
    #expect(problem.isFeasible(best))
    #expect(best.matched == 3)
    // The two highest for volunteer 0 (rows 3, 4) and the highest for volunteer 1 (row 0).
    #expect(best.columnOf == [1, nil, nil, 0, 0])
  }

  @Test func aMotherWithNoAllowedVolunteerStaysUnmatched() {
    var problem = AssignmentProblem(rows: 3, columns: 1, capacity: [3])
    problem[0, 0] = 1
    problem[2, 0] = -4
    let best = problem.optimal()
    #expect(best.columnOf == [0, nil, 0])
  }

  @Test func noVolunteersOrNoMothers() {
    #expect(AssignmentProblem(rows: 3, columns: 0, capacity: []).optimal().columnOf == [nil, nil, nil])
    #expect(AssignmentProblem(rows: 0, columns: 2, capacity: [1, 1]).optimal().columnOf == [])
  }

  @Test func aLargerProblemReachesItsKnownOptimum() {
    // 60 mothers, 25 volunteers of 3 places: too big for brute force, but built so that each
    // mother's best volunteer (10 points) has a place for her, so the optimum is 60 x 10.
    var problem = AssignmentProblem(rows: 60, columns: 25, capacity: [Int](repeating: 3, count: 25))
    for row in 0..<60 {
      for column in 0..<25 { problem[row, column] = row / 3 == column ? 10 : Double((row * 7 + column) % 5) }
    }
    let best = problem.optimal()
    #expect(best.matched == 60)
    #expect(problem.total(best) == 600)
  }
}
