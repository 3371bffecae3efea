/// Who should be matched with whom: the optimal assignment of mothers (rows) to volunteers
/// (columns, each taking up to her remaining capacity), and the greedy one it is compared with.
///
/// The goal is lexicographic: first as many mothers matched as the capacities and the hard
/// requirements allow, then the largest total score among those assignments. (A project that
/// would rather leave a mother waiting than give her a poor match says so with a `require`.)
///
/// The method is the Hungarian method with successive shortest paths (Jonker–Volgenant style):
/// mothers are added one at a time, and each is given the cheapest augmenting path by Dijkstra
/// over reduced costs (cost = -score, kept non-negative by node potentials). A volunteer stands
/// for all her places at once, so the graph has one node per volunteer, not per place; and a
/// "nobody" column of very high cost that any mother may take makes every row assignable, which
/// is what lets rows be added one at a time and still give the optimum over which mothers get
/// matched. Dijkstra stops at the first volunteer with a free place, so early rows cost little.
/// Time O(rows × visited × columns) in the worst case; memory one score per pair.
struct AssignmentProblem {
  let rows: Int
  let columns: Int
  /// Row-major `rows × columns`; `-infinity` where a pair is not allowed.
  var scores: [Double]
  var capacity: [Int]

  init(rows: Int, columns: Int, capacity: [Int]) {
    precondition(capacity.count == columns)
    self.rows = rows
    self.columns = columns
    self.capacity = capacity
    scores = [Double](repeating: -.infinity, count: rows * columns)
  }

  subscript(row: Int, column: Int) -> Double {
    get { scores[row * columns + column] }
    set { scores[row * columns + column] = newValue }
  }

  func isAllowed(_ row: Int, _ column: Int) -> Bool { scores[row * columns + column] > -.infinity }

  /// The column of each row, or nil when it stays unmatched.
  struct Solution: Equatable {
    var columnOf: [Int?]
    var matched: Int { columnOf.lazy.filter { $0 != nil }.count }
  }

  func total(_ solution: Solution) -> Double {
    var sum = 0.0
    for (row, column) in solution.columnOf.enumerated() {
      if let column { sum += self[row, column] }
    }
    return sum
  }

  /// Whether every row's column is allowed and no column takes more than its capacity.
  func isFeasible(_ solution: Solution) -> Bool {
    var load = [Int](repeating: 0, count: columns)
    for (row, column) in solution.columnOf.enumerated() {
      guard let column else { continue }
      guard isAllowed(row, column) else { return false }
      load[column] += 1
      if load[column] > capacity[column] { return false }
    }
    return true
  }

  // MARK: - Optimal

  func optimal() -> Solution {
    let n = rows
    let nobody = columns  // the extra column: "stays unmatched"
    let width = columns + 1
    // A place more or less outweighs any difference in score (see the type's comment).
    var best = 0.0
    var worst = 0.0
    for s in scores where s > -.infinity {
      best = max(best, s)
      worst = min(worst, s)
    }
    let places = min(n, capacity.reduce(0) { $0 + max(0, $1) })
    let unmatchedCost = Double(places + 1) * (best - worst + 1) + 1

    // Plain buffers: this loop runs rows x visited x columns times, and arrays captured by a
    // nested function would be boxed and checked on every access.
    let rowPotential = UnsafeMutableBufferPointer<Double>.allocate(capacity: max(n, 1))
    let columnPotential = UnsafeMutableBufferPointer<Double>.allocate(capacity: width)
    let distance = UnsafeMutableBufferPointer<Double>.allocate(capacity: width)
    let previousRow = UnsafeMutableBufferPointer<Int>.allocate(capacity: width)
    let settled = UnsafeMutableBufferPointer<Bool>.allocate(capacity: width)
    defer {
      for buffer in [rowPotential, columnPotential, distance] { buffer.deallocate() }
      previousRow.deallocate()
      settled.deallocate()
    }
    rowPotential.initialize(repeating: 0)
    columnPotential.initialize(repeating: 0)
    settled.initialize(repeating: false)
    var columnOf = [Int](repeating: -1, count: n)
    var members = [[Int]](repeating: [], count: width)
    var room = capacity.map { max(0, $0) } + [Int.max]
    var settledColumns: [Int] = []
    var visitedRows: [(row: Int, distance: Double)] = []

    scores.withUnsafeBufferPointer { scores in
      func relax(_ row: Int, _ d: Double) {
        visitedRows.append((row, d))
        let base = row * columns
        let rowTerm = d + rowPotential[row]
        for column in 0..<columns where !settled[column] {
          let s = scores[base + column]
          if s == -.infinity { continue }
          let candidate = rowTerm - s - columnPotential[column]
          if candidate < distance[column] {
            distance[column] = candidate
            previousRow[column] = row
          }
        }
        if !settled[nobody] {
          let candidate = rowTerm + unmatchedCost - columnPotential[nobody]
          if candidate < distance[nobody] {
            distance[nobody] = candidate
            previousRow[nobody] = row
          }
        }
      }

      for start in 0..<n {
        // Potential that makes every reduced cost out of the new row non-negative.
        var potential = columnPotential[nobody] - unmatchedCost
        for column in 0..<columns where scores[start * columns + column] > -.infinity {
          potential = max(potential, columnPotential[column] + scores[start * columns + column])
        }
        rowPotential[start] = potential

        for column in settledColumns { settled[column] = false }
        settledColumns.removeAll(keepingCapacity: true)
        for column in 0..<width {
          distance[column] = .infinity
          previousRow[column] = -1
        }
        visitedRows.removeAll(keepingCapacity: true)

        relax(start, 0)
        var end = -1
        while true {
          var next = -1
          var nearest = Double.infinity
          for column in 0..<width where !settled[column] && distance[column] < nearest {
            nearest = distance[column]
            next = column
          }
          guard next >= 0 else { break }  // cannot happen: "nobody" is always reachable
          settled[next] = true
          settledColumns.append(next)
          if room[next] > 0 {
            end = next
            break
          }
          // A full volunteer: any of her mothers could move elsewhere at no extra reduced cost.
          for row in members[next] { relax(row, nearest) }
        }
        guard end >= 0 else { continue }

        let reach = distance[end]
        for (row, d) in visitedRows { rowPotential[row] += d - reach }
        for column in settledColumns { columnPotential[column] += distance[column] - reach }

        // Shift the mothers along the path, each to the volunteer that reached her.
        var column = end
        while true {
          let row = previousRow[column]
          let old = columnOf[row]
          columnOf[row] = column
          members[column].append(row)
          room[column] -= 1
          if old >= 0 {
            members[old].removeAll { $0 == row }
            room[old] += 1
          }
          if row == start { break }
          column = old
        }
      }
    }
    return Solution(columnOf: columnOf.map { $0 == nobody || $0 < 0 ? nil : $0 })
  }

  // MARK: - Greedy

  /// The best-scoring pair first, then the next that still fits, and so on: what a coordinator
  /// working down a sorted list would do. Ties go to the earlier row, then the earlier column.
  func greedy() -> Solution {
    var pairs: [Int] = []
    pairs.reserveCapacity(scores.count)
    for i in 0..<scores.count where scores[i] > -.infinity { pairs.append(i) }
    pairs.sort { a, b in scores[a] != scores[b] ? scores[a] > scores[b] : a < b }
    var columnOf = [Int?](repeating: nil, count: rows)
    var room = capacity
    for pair in pairs {
      let row = pair / columns
      let column = pair % columns
      if columnOf[row] == nil && room[column] > 0 {
        columnOf[row] = column
        room[column] -= 1
      }
    }
    return Solution(columnOf: columnOf)
  }
}
