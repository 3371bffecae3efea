/// The audit after suppression: for each hidden count, the range of whole values consistent
/// with every figure the run shows and every relation between them (solved exactly as an
/// integer programme over the hidden figures, LinearBounds). A hidden count is protected when
/// that range holds at least N-1 whole numbers (the protection interval: for a "<N", every
/// value from 1 to N-1).
///
/// A column sorted by its counts adds its order (a hidden count lies between its neighbours).
///
/// What the reader knows of a hidden figure is what its symbol says: "<N" is 1 to N-1, "*" is N
/// or more, "[c]" is 0 to N-1 (1 to N-1 in a column that may come from `group`, where a row
/// exists only for what was seen).
struct DisclosureAudit {
  let under: Int

  /// The hidden figures a reader can narrow below the protection interval, with their range.
  func failures(_ p: PublishedFigures) -> [(figure: Int, lower: Int, upper: Int?)] {
    let hidden = p.figures.indices.filter { p.figures[$0].state != .shown }
    guard !hidden.isEmpty else { return [] }
    var out: [(Int, Int, Int?)] = []
    for component in components(p, hidden) {
      let problem = programme(p, component)
      for (v, f) in component.enumerated() {
        guard let range = problem.range(of: v) else {
          out.append((f, p.figures[f].value, p.figures[f].value))
          continue
        }
        let lower = Int((range.lower - 1e-6).rounded(.up))
        let upper = range.upper.map { Int(($0 + 1e-6).rounded(.down)) }
        if let upper, upper - lower < under - 2 { out.append((f, lower, upper)) }
      }
    }
    return out
  }

  /// The whole numbers a reader can narrow one hidden figure to (upper nil: no bound).
  func range(of f: Int, in p: PublishedFigures) -> (lower: Int, upper: Int?) {
    let hidden = p.figures.indices.filter { p.figures[$0].state != .shown }
    guard let component = components(p, hidden).first(where: { $0.contains(f) }),
      let v = component.firstIndex(of: f), let range = programme(p, component).range(of: v)
    else { return (p.figures[f].value, p.figures[f].value) }
    return (Int((range.lower - 1e-6).rounded(.up)), range.upper.map { Int(($0 + 1e-6).rounded(.down)) })
  }

  /// Whether a range spans the protection interval.
  func protects(_ range: (lower: Int, upper: Int?)) -> Bool {
    range.upper.map { $0 - range.lower >= under - 2 } ?? true
  }

  /// The linear programme over one group of hidden figures tied by relations.
  func programme(_ p: PublishedFigures, _ component: [Int]) -> LinearBounds {
    var variable: [Int: Int] = [:]
    for (v, f) in component.enumerated() { variable[f] = v }
    var lp = LinearBounds(
      lower: component.map { Double(bounds(p.figures[$0]).lower) },
      upper: component.map { bounds(p.figures[$0]).upper.map(Double.init) })
    for r in p.relations where r.members.contains(where: { variable[$0] != nil }) {
      var coefficients: [Int: Double] = [:]
      var rhs = 0.0
      for (members, sign) in [(r.plus, 1.0), (r.minus, -1.0)] {
        for f in members {
          if let v = variable[f] {
            coefficients[v, default: 0] += sign
          } else {
            rhs -= sign * Double(p.figures[f].value)
          }
        }
      }
      lp.constraints.append(LinearBounds.Constraint(coefficients: coefficients, relation: .equal, rhs: rhs))
    }
    for (larger, smaller) in p.orders where variable[larger] != nil || variable[smaller] != nil {
      // larger - smaller >= 0, with a shown side moved to the right.
      var coefficients: [Int: Double] = [:]
      var rhs = 0.0
      if let v = variable[larger] { coefficients[v] = 1 } else { rhs -= Double(p.figures[larger].value) }
      if let v = variable[smaller] {
        coefficients[v, default: 0] -= 1
      } else {
        rhs += Double(p.figures[smaller].value)
      }
      lp.constraints.append(LinearBounds.Constraint(coefficients: coefficients, relation: .atLeast, rhs: rhs))
    }
    return lp
  }

  /// What a hidden figure's symbol tells the reader.
  func bounds(_ f: PublishedFigures.Figure) -> (lower: Int, upper: Int?) {
    switch f.state {
    case .primary: return (1, under - 1)
    case .complementary: return (under, nil)
    case .tooFew: return (f.positive ? 1 : 0, under - 1)
    case .shown: return (0, nil)
    }
  }

  /// Hidden figures grouped by the relations that tie them (each group is solved on its own).
  func components(_ p: PublishedFigures, _ hidden: [Int]) -> [[Int]] {
    var parent: [Int: Int] = [:]
    for f in hidden { parent[f] = f }
    func root(_ f: Int) -> Int {
      var f = f
      while parent[f]! != f { f = parent[f]! }
      return f
    }
    for members in p.relations.map(\.members) + p.orders.map({ [$0.larger, $0.smaller] }) {
      let members = members.filter { parent[$0] != nil }
      for (a, b) in zip(members, members.dropFirst()) { parent[root(a)] = root(b) }
    }
    var groups: [Int: [Int]] = [:]
    for f in hidden { groups[root(f), default: []].append(f) }
    return groups.values.sorted { $0[0] < $1[0] }
  }
}
