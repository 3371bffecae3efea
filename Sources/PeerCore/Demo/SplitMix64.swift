/// A small, fast, seedable random number generator (Steele, Lea and Flood's SplitMix64), so the
/// demo project is the same for the same seed on every machine and Swift version.
struct SplitMix64: RandomNumberGenerator {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A whole number in `range` (both ends included).
  mutating func int(_ range: ClosedRange<Int>) -> Int {
    let width = UInt64(range.upperBound - range.lowerBound) + 1
    return range.lowerBound + Int(next().multipliedFullWidth(by: width).high)
  }

  /// A number in [0, 1).
  mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

  /// True with probability `p`.
  mutating func chance(_ p: Double) -> Bool { unit() < p }

  mutating func pick<T>(_ items: [T]) -> T { items[int(0...items.count - 1)] }

  /// An index chosen with the given weights.
  mutating func weighted(_ weights: [Double]) -> Int {
    var r = unit() * weights.reduce(0, +)
    for (i, w) in weights.enumerated() {
      r -= w
      if r < 0 { return i }
    }
    return weights.count - 1
  }

  /// A few distinct items, each kept with its probability.
  mutating func tags(_ items: [(String, Double)], max: Int) -> [String] {
    var out: [String] = []
    for (item, p) in items where out.count < max && chance(p) { out.append(item) }
    return out
  }
}
