/// Chooses which other counts to hide so that no small count can be worked out from what the
/// run publishes: first the classic rule (a relation with exactly one hidden figure gives it
/// away, so hide the smallest other count in it), then the audit, hiding more until every
/// hidden count keeps its protection interval.
struct ComplementarySuppression {
  let under: Int

  /// Hides what must be hidden; the hidden figures the audit still finds narrowed, which no
  /// more hiding can mend (their tables are then withdrawn).
  @discardableResult
  func apply(to p: inout PublishedFigures) -> Set<Int> {
    for i in p.figures.indices where p.figures[i].value >= 1 && p.figures[i].value < under {
      p.figures[i].state = .primary
    }
    guard p.figures.contains(where: { $0.state != .shown }) else { return [] }
    var changed = true
    while changed {
      changed = false
      for r in p.relations where r.members.filter({ p.figures[$0].state != .shown }).count == 1 {
        if let c = candidate(p, among: r.members) {
          p.figures[c].state = .complementary
          changed = true
        }
      }
    }
    let audit = DisclosureAudit(under: under)
    // Each round hides at least one more figure or widens one, so this ends; a failure nothing
    // can mend (a sorted column of fewer than N in all tells its order) is set aside.
    var mended = true
    var stuck = Set<Int>()
    while mended {
      mended = false
      for failure in audit.failures(p) where !stuck.contains(failure.figure) {
        let f = failure.figure
        let tied =
          p.relations.filter { $0.members.contains(f) }.flatMap(\.members)
          + p.orders.filter { $0.larger == f || $0.smaller == f }.flatMap { [$0.larger, $0.smaller] }
        if let c = candidate(p, among: tied) {
          p.figures[c].state = .complementary
          mended = true
          break
        }
        // Nothing large left to hide: the small counts tied to it may be 0 as far as the reader
        // knows ("[c]"), which is what a column of fewer than N in all needs.
        var widen = ([f] + tied).filter { p.figures[$0].state == .primary }
        if widen.isEmpty { widen = tied.filter { p.figures[$0].state == .shown && p.figures[$0].value == 0 } }
        if widen.isEmpty {
          stuck.insert(f)
          continue
        }
        for w in widen { p.figures[w].state = .tooFew }
        mended = true
        break
      }
    }
    return stuck
  }

  /// The smallest shown count of N or more among these figures, a table's row before a total
  /// or a text's figure (which other relations may pin again): hiding it costs the least.
  func candidate(_ p: PublishedFigures, among members: [Int]) -> Int? {
    func cost(_ m: Int) -> (Int, Int) {
      if case .cell(_, let row?, _) = p.figures[m].place { return (0, p.figures[m].value) }
      return (1, p.figures[m].value)
    }
    var best: Int?
    for m in members where p.figures[m].state == .shown && p.figures[m].value >= under {
      if best == nil || cost(m) < cost(best!) { best = m }
    }
    return best
  }
}
