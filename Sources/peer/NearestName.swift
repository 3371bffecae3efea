/// The candidate closest to `name` by edit distance, for "did you mean" hints in the REPL's own
/// messages (unknown `:command`, `:help` of an unknown name).
func nearestName(to name: String, in candidates: some Sequence<String>) -> String? {
  let target = Array(name.lowercased())
  let limit = max(1, target.count / 3)
  var best: (name: String, distance: Int)?
  for candidate in candidates where candidate != name {
    let d = editDistance(target, Array(candidate.lowercased()))
    if d <= limit, best == nil || d < best!.distance { best = (candidate, d) }
  }
  return best?.name
}

private func editDistance(_ a: [Character], _ b: [Character]) -> Int {
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var previous = Array(0...b.count)
  var current = [Int](repeating: 0, count: b.count + 1)
  for i in 1...a.count {
    current[0] = i
    for j in 1...b.count {
      current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    swap(&previous, &current)
  }
  return previous[b.count]
}
