import Foundation
import PeerScript
import PeerStore
import PeerTestSupport

@testable import PeerCore

/// The tests' reader of a report run (docs/disclosure.md): what the run published, as the
/// figures of its result model, plus the relations the test writes down from knowing how the
/// report is built (never peer's own relation finder); `Scripts/disclosure-attack.py` solves each
/// hidden count's range exactly in whole numbers, with scipy.
struct AttackerView {
  enum Figure {
    case shown(Int)
    case hidden(String)
  }

  var under: Int
  var figures: [String: Figure] = [:]
  var relations: [([String], [String])] = []
  var orders: [(String, String)] = []
  var ranges: [([String: Double], Double?, Double?)] = []
  /// Rows of a `group ... | count`: each exists because something was seen, so is at least 1.
  var positive: Set<String> = []
  /// Text figures in order: their names, and the percentages as read (nil when hidden).
  var textFigures: [String] = []
  var percents: [String: Int?] = [:]

  init(under: Int) { self.under = under }

  /// What a cell publishes about a count; nil for labels and figures that are not counts.
  static func figure(_ cell: ReportCell) -> Figure? {
    switch cell {
    case .int(let n): return .shown(n)
    case .suppressed, .withheld, .tooFew: return .hidden(cell.text)
    default: return nil
    }
  }

  static func name(_ table: ReportTable, _ row: Int?, _ column: String) -> String {
    "\(table.title)|\(row.map(String.init) ?? "Total")|\(column)"
  }

  /// Reads every count a result shows: its tables' count columns (all but `notCounts`), with the
  /// relation of each column to its total, and the figures in its texts. `grouped` names the
  /// tables made by `group`, whose rows are at least 1.
  mutating func read(_ result: ReportResult, notCounts: Set<String>, grouped: Set<String> = []) {
    for section in result.sections {
      switch section {
      case .table(let t): read(t, notCounts: notCounts, grouped: grouped.contains(t.title))
      case .chart(let c): read(c.table, notCounts: notCounts, grouped: grouped.contains(c.title))
      case .text(let s): readText(s)
      }
    }
  }

  mutating func read(_ t: ReportTable, notCounts: Set<String>, grouped: Bool = false) {
    for (c, column) in t.columns.enumerated() where !notCounts.contains(column) {
      let cells = t.rows.map { c < $0.count ? $0[c] : .empty }
      guard !cells.isEmpty, cells.allSatisfy({ Self.figure($0) != nil }) else { continue }
      var names: [String] = []
      for (r, cell) in cells.enumerated() {
        names.append(Self.name(t, r, column))
        figures[names.last!] = Self.figure(cell)
        if grouped { positive.insert(names.last!) }
      }
      if let total = t.total, c < total.count, let f = Self.figure(total[c]) {
        figures[Self.name(t, nil, column)] = f
        relations.append((names, [Self.name(t, nil, column)]))
      }
    }
  }

  /// Counts ("326", "<5", "*", "[c]") and percentages ("6%", "[c]%") in a text, in order.
  mutating func readText(_ s: String) {
    let words = s.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "," || $0 == "(" || $0 == ")" })
    for var word in words.map(String.init) {
      while word.last == "." { word.removeLast() }
      let name = "text.\(textFigures.count)"
      if word.hasSuffix("%") {
        let n = word.dropLast()
        if n == "[c]" {
          percents[name] = .some(nil)
        } else if let p = Int(n) {
          percents[name] = p
        } else {
          continue
        }
        textFigures.append(name)
      } else if let n = Int(word) {
        figures[name] = .shown(n)
        textFigures.append(name)
      } else if word == "*" || word == "[c]" || (word.hasPrefix("<") && Int(word.dropFirst()) != nil) {
        figures[name] = .hidden(word)
        textFigures.append(name)
      }
    }
  }

  /// The rows of a table's column, by position.
  func column(_ title: String, _ column: String, in result: ReportResult) -> [String] {
    guard let t = result.table(title) else { return [] }
    return t.rows.indices.map { Self.name(t, $0, column) }.filter { figures[$0] != nil }
  }

  /// A column sorted by its counts (descending): each figure is at least the next.
  mutating func sortedDescending(_ names: [String]) {
    orders += zip(names, names.dropFirst()).map { ($0, $1) }
  }

  /// `percent(part, whole)` read as p%: 100 * part lies within (p ± 0.5) * whole.
  mutating func percent(_ name: String, part: String?, whole: String) {
    guard case .some(.some(let p)) = percents[name] else { return }
    var upper: [String: Double] = [whole: -(Double(p) + 0.5)]
    var lower: [String: Double] = [whole: -(Double(p) - 0.5)]
    if let part {
      upper[part, default: 0] += 100
      lower[part, default: 0] += 100
    }
    ranges.append((upper, nil, 0))
    ranges.append((lower, 0, nil))
  }

  var json: String {
    func quote(_ s: String) -> String { JSONText.quote(s) }
    func figure(_ f: Figure) -> String {
      switch f {
      case .shown(let n): return String(n)
      case .hidden(let s): return quote(s)
      }
    }
    func list(_ names: [String]) -> String { "[" + names.map(quote).joined(separator: ", ") + "]" }
    func number(_ d: Double?) -> String { d.map { String($0) } ?? "null" }
    let fs = figures.sorted { $0.key < $1.key }.map { "\(quote($0.key)): \(figure($0.value))" }
    let rs = relations.map { "[\(list($0.0)), \(list($0.1))]" }
    let os = orders.map { list([$0.0, $0.1]) }
    let gs = ranges.map { r in
      "[{" + r.0.map { "\(quote($0.key)): \($0.value)" }.joined(separator: ", ")
        + "}, \(number(r.1)), \(number(r.2))]"
    }
    return "{\"under\": \(under), \"figures\": {\(fs.joined(separator: ", "))}, "
      + "\"relations\": [\(rs.joined(separator: ", "))], \"orders\": [\(os.joined(separator: ", "))], "
      + "\"ranges\": [\(gs.joined(separator: ", "))], \"positive\": \(list(positive.sorted()))}"
  }

  /// Each view's hidden figures with the range a reader can narrow them to (upper nil: no bound).
  static func solve(_ views: [AttackerView]) throws -> [[String: (Int, Int?)]] {
    let folder = makeTempFolder()
    defer { removeTree(folder) }
    let input = folder + "/problems.json"
    try FileSystem.write("[" + views.map(\.json).joined(separator: ",\n") + "]", to: input)
    let script = ReportFixture.repository + "/Scripts/disclosure-attack.py"
    // The first python3 that has scipy: the image's own (on PATH), else Debian's, which
    // Scripts/setup --for-tests gives python3-scipy when the first has none. Neither: the test fails.
    let (_, output) = shell(
      "for py in python3 /usr/bin/python3; do if $py -c 'import scipy' 2>/dev/null; then "
        + "exec $py '\(script)' < '\(input)' 2>&1; fi; done; echo 'no python3 with scipy'")
    guard let data = output.data(using: .utf8),
      let answers = try? JSONSerialization.jsonObject(with: data) as? [[String: [Any]]]
    else { throw TestFailure("the attacker said: \(output)") }
    return answers.map { answer in
      answer.mapValues { bounds in
        ((bounds[0] as? NSNumber)?.intValue ?? 0, (bounds[1] as? NSNumber)?.intValue)
      }
    }
  }

  /// The names of the hidden figures a reader narrows below the protection interval (N-1 values).
  func leaks(_ ranges: [String: (Int, Int?)]) -> [String] {
    ranges.filter { _, r in r.1.map { $0 - r.0 < under - 2 } ?? false }.map {
      "\($0.key) in \($0.value.0)...\($0.value.1!)"
    }
    .sorted()
  }
}
