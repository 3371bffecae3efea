/// The smallest and largest whole value one variable can take under linear constraints: branch
/// and bound over a dense two-phase simplex (Bland's rule, so it cannot cycle). The disclosure
/// audit asks it how far a reader can narrow a hidden count; its problems have a few dozen
/// variables at most.
struct LinearBounds {
  enum Relation { case equal, atMost, atLeast }

  struct Constraint {
    var coefficients: [Int: Double]
    var relation: Relation
    var rhs: Double
  }

  /// Variables are x[0..<count], each within its bounds (upper nil: unbounded above).
  var lower: [Double]
  var upper: [Double?]
  var constraints: [Constraint] = []

  init(lower: [Double], upper: [Double?]) {
    self.lower = lower
    self.upper = upper
  }

  /// The range of x[v] over every solution in whole numbers; nil when there is none. `upper`
  /// is nil when unbounded.
  func range(of v: Int) -> (lower: Double, upper: Double?)? {
    guard let low = optimum(of: v, maximise: false) else { return nil }
    let high = optimum(of: v, maximise: true)
    return (low ?? lower[v], high ?? nil)
  }

  /// nil: infeasible; .some(nil): unbounded; otherwise the optimum of x[v] in whole numbers, by
  /// branch and bound over the linear relaxation (a fractional vertex is split into x <= floor
  /// and x >= ceil). Past `maxNodes` the relaxation's bound stands, which is never narrower.
  func optimum(of v: Int, maximise: Bool) -> Double?? {
    let sign = maximise ? -1.0 : 1.0
    var best: Double?
    var unbounded = false
    var feasible = false
    var nodes = 0
    var fallback: Double?
    func branch(_ lp: LinearBounds) {
      nodes += 1
      switch lp.relaxed(minimising: v, sign: sign) {
      case .infeasible: return
      case .unbounded:
        unbounded = true
        feasible = true
      case .optimal(let value, let x):
        feasible = true
        if let b = best, value >= b - 1e-9 { return }
        guard let j = x.indices.first(where: { abs(x[$0] - x[$0].rounded()) > 1e-6 }) else {
          best = value
          return
        }
        guard nodes < LinearBounds.maxNodes else {
          fallback = min(fallback ?? value, value)
          return
        }
        var down = lp
        down.upper[j] = min(lp.upper[j] ?? .infinity, x[j].rounded(.down))
        var up = lp
        up.lower[j] = max(lp.lower[j], x[j].rounded(.up))
        branch(down)
        branch(up)
      }
    }
    branch(self)
    if unbounded { return .some(nil) }
    guard feasible, let value = [best, fallback].compactMap({ $0 }).min() else { return nil }
    return .some(sign * value)
  }

  static let maxNodes = 200

  enum Outcome {
    case infeasible, unbounded
    case optimal(Double, [Double])
  }

  /// The linear relaxation: min sign * x[v] over the real solutions, and a solution reaching it.
  func relaxed(minimising v: Int, sign: Double) -> Outcome {
    // Shift every variable to start at 0 (y = x - lower) and write its upper bound as a row.
    let n = lower.count
    var rows: [Constraint] = []
    for c in constraints {
      var rhs = c.rhs
      for (i, a) in c.coefficients { rhs -= a * lower[i] }
      rows.append(Constraint(coefficients: c.coefficients, relation: c.relation, rhs: rhs))
    }
    for i in 0..<n {
      if let u = upper[i] {
        rows.append(Constraint(coefficients: [i: 1], relation: .atMost, rhs: u - lower[i]))
      }
    }
    var objective = [Double](repeating: 0, count: n)
    objective[v] = sign
    switch Simplex(variables: n, rows: rows).minimise(objective) {
    case .infeasible: return .infeasible
    case .unbounded: return .unbounded
    case .optimal(let value, let y):
      return .optimal(value + sign * lower[v], zip(y, lower).map { $0 + $1 })
    }
  }
}

/// min c·y subject to the rows and y >= 0: the optimum and a solution, or why there is none.
private struct Simplex {
  let variables: Int
  let rows: [LinearBounds.Constraint]
  static let epsilon = 1e-9

  func minimise(_ objective: [Double]) -> LinearBounds.Outcome {
    let m = rows.count
    // Columns: variables, one slack per inequality, one artificial per row that needs one.
    var slackOf = [Int?](repeating: nil, count: m)
    var columns = variables
    for (r, row) in rows.enumerated() where row.relation != .equal {
      slackOf[r] = columns
      columns += 1
    }
    var tableau = [[Double]](repeating: [], count: m)
    var basis = [Int](repeating: -1, count: m)
    var artificial: [Int] = []
    var needs: [Int] = []
    for (r, row) in rows.enumerated() {
      var line = [Double](repeating: 0, count: columns)
      for (i, a) in row.coefficients { line[i] += a }
      var rhs = row.rhs
      if let s = slackOf[r] { line[s] = row.relation == .atMost ? 1 : -1 }
      if rhs < 0 {
        line = line.map { -$0 }
        rhs = -rhs
      }
      if let s = slackOf[r], line[s] == 1 { basis[r] = s } else { needs.append(r) }
      tableau[r] = line + [rhs]
    }
    for r in needs {
      artificial.append(columns)
      basis[r] = columns
      columns += 1
    }
    for r in 0..<m {
      let rhs = tableau[r].removeLast()
      tableau[r] += [Double](repeating: 0, count: columns - tableau[r].count) + [rhs]
      if needs.contains(r) { tableau[r][basis[r]] = 1 }
    }
    // Phase one: drive the artificials out.
    if !artificial.isEmpty {
      var phaseOne = [Double](repeating: 0, count: columns)
      for a in artificial { phaseOne[a] = 1 }
      guard let value = run(&tableau, &basis, cost: phaseOne, allowed: columns), let value, value < 1e-7
      else {
        return .infeasible
      }
      // An artificial still basic at zero: pivot it out on any real column, or drop its row.
      for r in (0..<tableau.count).reversed() where artificial.contains(basis[r]) {
        if let c = (0..<(columns - artificial.count)).first(where: { abs(tableau[r][$0]) > Self.epsilon }) {
          pivot(&tableau, &basis, row: r, column: c)
        } else {
          tableau.remove(at: r)
          basis.remove(at: r)
        }
      }
    }
    let real = columns - artificial.count
    var cost = [Double](repeating: 0, count: columns)
    for i in 0..<variables { cost[i] = objective[i] }
    guard let value = run(&tableau, &basis, cost: cost, allowed: real) ?? nil else { return .unbounded }
    var solution = [Double](repeating: 0, count: variables)
    for (r, b) in basis.enumerated() where b < variables { solution[b] = tableau[r].last! }
    return .optimal(value, solution)
  }

  /// Simplex iterations over columns < allowed; the optimum, or .some(nil) when unbounded.
  private func run(_ t: inout [[Double]], _ basis: inout [Int], cost: [Double], allowed: Int) -> Double?? {
    let last = cost.count
    while true {
      // Reduced costs, entering column by Bland's rule (the first that improves).
      var entering: Int?
      for c in 0..<allowed where !basis.contains(c) {
        var reduced = cost[c]
        for r in t.indices { reduced -= cost[basis[r]] * t[r][c] }
        if reduced < -Self.epsilon {
          entering = c
          break
        }
      }
      guard let e = entering else {
        var value = 0.0
        for r in t.indices { value += cost[basis[r]] * t[r][last] }
        return .some(value)
      }
      var leaving: Int?
      var best = Double.infinity
      for r in t.indices where t[r][e] > Self.epsilon {
        let ratio = t[r][last] / t[r][e]
        if ratio < best - Self.epsilon || (abs(ratio - best) <= Self.epsilon && basis[r] < basis[leaving!]) {
          best = ratio
          leaving = r
        }
      }
      guard let l = leaving else { return .some(nil) }
      pivot(&t, &basis, row: l, column: e)
    }
  }

  private func pivot(_ t: inout [[Double]], _ basis: inout [Int], row: Int, column: Int) {
    let p = t[row][column]
    for c in t[row].indices { t[row][c] /= p }
    for r in t.indices where r != row {
      let f = t[r][column]
      if f == 0 { continue }
      for c in t[r].indices { t[r][c] -= f * t[row][c] }
    }
    basis[row] = column
  }
}
