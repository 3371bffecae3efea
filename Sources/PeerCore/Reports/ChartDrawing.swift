/// Draws a report chart as SVG: bars (one per category, grouped when there are several
/// series), stacked bars, or lines over time. Suppressed figures are drawn as empty bars with
/// their "<5" label, so a chart never shows more than the tables.
struct ChartDrawing {
  static let palette = [
    "#2f6f8f", "#e07b39", "#5a9e4b", "#b5477b", "#8a6bbd", "#c9a227", "#4f8fc0", "#8c564b",
  ]
  let chart: ReportChart

  func svg() -> String {
    if chart.categories.isEmpty || chart.series.isEmpty {
      var svg = SVGWriter(width: 720, height: 40)
      svg.text(chart.table.emptyText, x: 10, y: 24, size: 13, fill: "#555")
      return svg.svg(label: "\(chart.title): \(chart.table.emptyText.lowercased())")
    }
    switch chart.style {
    case .bar: return bars(stacked: false)
    case .stacked: return bars(stacked: true)
    case .line: return lines()
    }
  }

  /// Horizontal bars: category names can be long ("accompanied appointment").
  func bars(stacked: Bool) -> String {
    let categories = chart.categories
    let series = chart.series
    let labelWidth = min(220.0, Double((categories.map(\.count).max() ?? 4)) * 7 + 12)
    let width = 720.0
    let plotWidth = width - labelWidth - 70
    let barHeight = 18.0
    let perCategory = stacked ? 1 : max(1, series.count)
    let rowHeight = Double(perCategory) * barHeight + 10
    let legendHeight = series.count > 1 ? 26.0 : 0
    let height = max(40, Double(categories.count) * rowHeight + legendHeight + 10)
    var svg = SVGWriter(width: width, height: height)
    let totals = categories.indices.map { i in series.reduce(0.0) { $0 + ($1.values[i].number ?? 0) } }
    let largest =
      stacked ? (totals.max() ?? 0) : (series.flatMap { $0.values.compactMap(\.number) }.max() ?? 0)
    let scale = largest > 0 ? plotWidth / largest : 0
    legend(&svg, series.map(\.name), y: 14)
    for (i, category) in categories.enumerated() {
      let top = legendHeight + Double(i) * rowHeight + 5
      svg.text(
        clip(category), x: labelWidth - 8, y: top + Double(perCategory) * barHeight / 2 + 4, anchor: "end")
      var x = labelWidth
      for (j, s) in series.enumerated() {
        let value = s.values[i]
        let length = (value.number ?? 0) * scale
        let colour = ChartDrawing.palette[j % ChartDrawing.palette.count]
        let title = "\(category), \(s.name): \(value.readable)"
        if stacked {
          svg.rect(x: x, y: top, width: length, height: barHeight, fill: colour, title: title)
          x += length
        } else {
          let y = top + Double(j) * barHeight
          svg.rect(x: labelWidth, y: y, width: length, height: barHeight - 2, fill: colour, title: title)
          svg.text(value.readable, x: labelWidth + length + 5, y: y + barHeight - 5, size: 11)
        }
      }
      if stacked {
        let shown =
          series.contains { $0.values[i].isSuppressed } ? "" : ReportCell.int(Int(totals[i])).readable
        svg.text(shown, x: x + 5, y: top + barHeight - 5, size: 11)
      }
    }
    svg.line(x1: labelWidth, y1: legendHeight, x2: labelWidth, y2: height - 4, stroke: "#999")
    return svg.svg(label: chart.title)
  }

  static let monthNames = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
  ]

  /// A month's name shortened under a time axis ("September 2026" as "Sep 2026"), so that
  /// twelve of them fit; the point's tooltip keeps the whole label.
  static func axisLabel(_ category: String) -> String {
    let words = category.split(separator: " ", maxSplits: 1)
    guard let first = words.first, monthNames.contains(String(first)) else { return category }
    return ([String(first.prefix(3))] + words.dropFirst().map(String.init)).joined(separator: " ")
  }

  /// Lines over time: the categories are the points, in the table's order.
  func lines() -> String {
    let categories = chart.categories
    let series = chart.series
    let width = 720.0
    let height = 300.0
    let left = 50.0
    let right = 40.0
    let top = series.count > 1 ? 34.0 : 14.0
    let bottom = 40.0
    let plotWidth = width - left - right
    let plotHeight = height - top - bottom
    var svg = SVGWriter(width: width, height: height)
    legend(&svg, series.map(\.name), y: 14)
    let largest = max(1, series.flatMap { $0.values.compactMap(\.number) }.max() ?? 1)
    let step = niceStep(largest / 4)
    let ceiling = (largest / step).rounded(.up) * step
    var tick = 0.0
    while tick <= ceiling + step / 2 {
      let y = top + plotHeight - tick / ceiling * plotHeight
      svg.line(x1: left, y1: y, x2: width - right, y2: y, stroke: "#e3e3e3")
      svg.text(
        ReportCell.number(tick).text.replacingSuffix(".0"), x: left - 6, y: y + 4, anchor: "end", size: 11)
      tick += step
    }
    func x(_ i: Int) -> Double {
      categories.count <= 1
        ? left + plotWidth / 2 : left + Double(i) / Double(categories.count - 1) * plotWidth
    }
    let every = max(1, Int((Double(categories.count) / 12).rounded(.up)))
    for (i, category) in categories.enumerated() where i % every == 0 {
      svg.text(clip(Self.axisLabel(category)), x: x(i), y: height - bottom + 18, anchor: "middle", size: 11)
    }
    for (j, s) in series.enumerated() {
      let colour = ChartDrawing.palette[j % ChartDrawing.palette.count]
      var run: [(Double, Double)] = []
      for (i, value) in s.values.enumerated() {
        // A suppressed figure breaks the line rather than being drawn at a guessed height.
        guard let n = value.number else {
          if run.count > 1 { svg.polyline(run, stroke: colour) }
          run = []
          continue
        }
        run.append((x(i), top + plotHeight - n / ceiling * plotHeight))
      }
      if run.count > 1 { svg.polyline(run, stroke: colour) }
      for (i, value) in s.values.enumerated() {
        let y = top + plotHeight - (value.number ?? 0) / ceiling * plotHeight
        svg.circle(
          x: x(i), y: y, r: value.isSuppressed ? 0 : 3, fill: colour,
          title: "\(categories[i]), \(s.name): \(value.readable)")
      }
    }
    svg.line(x1: left, y1: top + plotHeight, x2: width - right, y2: top + plotHeight, stroke: "#999")
    return svg.svg(label: chart.title)
  }

  func legend(_ svg: inout SVGWriter, _ names: [String], y: Double) {
    guard names.count > 1 else { return }
    var x = 10.0
    for (j, name) in names.enumerated() {
      svg.rect(
        x: x, y: y - 10, width: 12, height: 12, fill: ChartDrawing.palette[j % ChartDrawing.palette.count])
      svg.text(name, x: x + 16, y: y, size: 12)
      x += 16 + Double(name.count) * 7 + 18
    }
  }

  func clip(_ s: String) -> String { s.count > 30 ? String(s.prefix(29)) + "…" : s }

  /// 1, 2 or 5 times a power of ten: axis ticks people can read.
  func niceStep(_ rough: Double) -> Double {
    guard rough > 0 else { return 1 }
    var power = 1.0
    while power * 10 <= rough { power *= 10 }
    while power > rough { power /= 10 }
    for m in [1.0, 2, 5, 10] where power * m >= rough { return max(1, power * m) }
    return max(1, power * 10)
  }
}

extension String {
  func replacingSuffix(_ suffix: String) -> String {
    hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
  }
}
