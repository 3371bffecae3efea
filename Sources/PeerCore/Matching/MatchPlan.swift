import PeerScript

/// What `suggest_all()` proposes: one row per proposed match, the mothers left waiting, and how
/// the plan compares with greedy matching. Nothing is matched until `accept(plan)`.
final class MatchPlan: HostObject, ShownAsTable {
  let rows: [Value]
  let waiting: [Value]
  let total: Double
  let greedyMatches: Int
  let greedyTotal: Double
  let mothers: Int

  init(rows: [Value], waiting: [Value], total: Double, greedyMatches: Int, greedyTotal: Double, mothers: Int)
  {
    self.rows = rows
    self.waiting = waiting
    self.total = total
    self.greedyMatches = greedyMatches
    self.greedyTotal = greedyTotal
    self.mothers = mothers
  }

  override var typeName: String { "match plan" }

  override var description: String {
    func n(_ x: Double) -> String { Matching.number(x).description }
    var text =
      "\(rows.count) match\(rows.count == 1 ? "" : "es") proposed for \(mothers) waiting mother\(mothers == 1 ? "" : "s")"
      + (waiting.isEmpty ? "" : " (\(waiting.count) left waiting)") + ", total score \(n(total)). "
    text += "Greedy (best pair first) would make \(greedyMatches) with total \(n(greedyTotal))"
    let moreMatches = rows.count - greedyMatches
    let gain = total - greedyTotal
    if moreMatches == 0 && abs(gain) < 1e-9 {
      text += ": the same."
    } else {
      var better: [String] = []
      if moreMatches != 0 {
        better.append("\(moreMatches) more mother\(moreMatches == 1 ? "" : "s") matched")
      }
      if abs(gain) >= 1e-9 {
        let percent =
          greedyTotal != 0
          ? " (\(gain >= 0 ? "+" : "")\(Matching.roundedText(100 * gain / abs(greedyTotal)))%)" : ""
        better.append("\(gain >= 0 ? "+" : "")\(n(gain)) points\(percent)")
      }
      text += "; this plan: " + better.joined(separator: ", ") + "."
    }
    return text + " accept(plan) makes them."
  }

  override func items() throws -> ContiguousArray<Value>? { ContiguousArray(rows) }

  override func field(_ name: String) throws -> Value? {
    switch name {
    case "matches": return .int(rows.count)
    case "total": return Matching.number(total)
    case "greedy_matches": return .int(greedyMatches)
    case "greedy_total": return Matching.number(greedyTotal)
    case "gain": return Matching.number(total - greedyTotal)
    case "waiting": return .list(ListObject(ContiguousArray(waiting)))
    case "rows": return .list(ListObject(ContiguousArray(rows)))
    default: return nil
    }
  }

  override var fieldNames: [String] {
    ["matches", "total", "greedy_matches", "greedy_total", "gain", "waiting", "rows"]
  }
}
