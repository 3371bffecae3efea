/// `suppress under N round to STEP`: the NHS Digital convention. Counts from 1 to N-1 are shown
/// as "*", every other count is rounded to the nearest multiple of STEP (totals from their own
/// true values), percentages are worked out from the rounded figures, and averages and medians
/// of fewer than 8 people are not shown. Rounding every count protects by construction: no
/// relation between rounded figures gives back a true one, so nothing else needs hiding.
struct NHSRounding {
  static let fewestForAverage = 8
  let under: Int
  let step: Int

  func cell(_ f: PublishedFigures.Figure) -> ReportCell {
    if f.value >= 1 && f.value < under { return .belowThreshold }
    // Half-way rounds up (7.5 -> 10), as NHS Digital's tables do.
    let sign = f.value < 0 ? -1 : 1
    return .rounded(sign * ((abs(f.value) + step / 2) / step) * step)
  }
}
