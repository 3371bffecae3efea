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
    let audit = DisclosureAudit(under: under)
    var changed = true
    while changed {
      changed = false
      for r in p.relations where r.members.filter({ p.figures[$0].state != .shown }).count == 1 {
        let f = r.members.first { p.figures[$0].state != .shown }!
        if let c = choose(p, among: r.members, for: f, audit) {
          p.figures[c].state = .complementary
          changed = true
        }
      }
    }
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
        if let c = choose(p, among: tied, for: f, audit) {
          p.figures[c].state = .complementary
          mended = true
          break
        }
        // Nothing large left to hide: the small counts tied to it may be 0 as far as the reader
        // knows ("[c]"), which is what a column of fewer than N in all needs.
        // (Not in a column whose rows are all at least 1: there "[c]" would say no more.)
        var widen = ([f] + tied).filter { p.figures[$0].state == .primary && !p.figures[$0].positive }
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

  /// Which shown count of N or more to hide for figure `f`: the cheapest (a table's row before a
  /// total or a text's figure, then the smallest) that widens f's range, else the cheapest that
  /// is not itself pinned by other relations once hidden (hiding a figure repeated elsewhere
  /// only adds a hidden figure the reader can read off).
  func choose(_ p: PublishedFigures, among members: [Int], for f: Int, _ audit: DisclosureAudit) -> Int? {
    func cost(_ m: Int) -> (Int, Int, Int) {
      if case .cell(_, _?, _) = p.figures[m].place { return (0, p.figures[m].value, m) }
      return (1, p.figures[m].value, m)
    }
    let candidates = Set(members.filter { p.figures[$0].state == .shown && p.figures[$0].value >= under })
      .sorted { cost($0) < cost($1) }
    let before = audit.range(of: f, in: p)
    var fallback: Int?
    for c in candidates {
      var trial = p
      trial.figures[c].state = .complementary
      guard audit.protects(audit.range(of: c, in: trial)) else { continue }
      let after = audit.range(of: f, in: trial)
      if after.lower < before.lower || (before.upper != nil && (after.upper ?? Int.max) > before.upper!) {
        return c
      }
      if fallback == nil { fallback = c }
    }
    return fallback
  }
}
